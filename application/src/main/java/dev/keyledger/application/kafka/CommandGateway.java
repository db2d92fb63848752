package dev.keyledger.application.kafka;

import dev.keyledger.application.CommandLog;
import dev.keyledger.application.LogUnavailableException;
import dev.keyledger.application.Readiness;
import dev.keyledger.application.Submission;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.topology.TenantPartitioner;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandLog} on Kafka: writes a command to the commands topic (a registration to the
 * claims topic, whose processor sends it on to the commands topic: {@link Topics#commandsTopicFor})
 * and waits for its outcome. A command and the wrapped key material it introduces are written in
 * one Kafka transaction, so the fold never sees one without the other. Outcomes are read from the
 * outcomes topic (read_committed) by one thread that was positioned at the end before the first
 * submit, so no outcome can be missed.
 *
 * <p>Commands are written by group commit ({@link GroupCommit}): concurrent submitters queue their
 * command and key material, and one sender thread ({@code keyledger-command-sender}) writes all
 * that is queued, up to 500 commands or 4 MiB, in one transaction. A failed transaction fails every
 * command of its batch with the same cause, and none of them is visible (it was aborted). The queue
 * is bounded: a submit that finds no room within 5 s fails with {@link LogUnavailableException}.
 * When another producer takes over the transactional id (fencing), every submit fails at once and
 * {@link #healthy} is false until a new producer, made after a backoff of 1 s doubling to 30 s,
 * writes again.
 *
 * <p>Metrics: every submit is timed from the call to its answer as {@value #ROUND_TRIP}, tagged
 * {@code command} (the payload's schema name, e.g. {@code RegisterKey}) and {@code result}: {@code
 * decided} (the fold's outcome arrived), {@code pending} (it did not within the wait) or {@code
 * unavailable} (Kafka did not take the command); {@value #FENCED} counts fencings and {@value
 * #REPLACED} the producers made to replace a fenced or failed one.
 */
public final class CommandGateway implements CommandLog, AutoCloseable {

  /** Submit-to-outcome time: {@code keyledger_command_roundtrip_seconds} in Prometheus. */
  public static final String ROUND_TRIP = "keyledger.command.roundtrip";

  /** Fencings of the command producer: {@code keyledger_command_producer_fenced_total}. */
  public static final String FENCED = "keyledger.command.producer.fenced";

  /** Producers made to replace one: {@code keyledger_command_producer_replaced_total}. */
  public static final String REPLACED = "keyledger.command.producer.replaced";

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(20)
  };

  private static final Logger LOG = LoggerFactory.getLogger(CommandGateway.class);
  private static final int RECORD_OVERHEAD = 512; // record batch and record headers, generously
  private static final String SENDER_THREAD = "keyledger-command-sender";

  private final Topics topics;
  private final GroupCommit sender;
  private final int maxRecordBytes;
  private final TopicTail outcomes;
  private final Map<String, CompletableFuture<CommandOutcome>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger awaitingWrite = new AtomicInteger();
  private final MeterRegistry metrics;

  /**
   * @param clientProps Kafka client settings (at least {@code bootstrap.servers}); passed through
   * @param instanceId stable per instance: it names the transactional id, so a restarted instance
   *     fences its predecessor
   * @param metrics where {@value #ROUND_TRIP} is registered
   */
  public CommandGateway(
      Map<String, Object> clientProps, Topics topics, String instanceId, MeterRegistry metrics) {
    this(clientProps, topics, instanceId, GroupCommit.Limits.defaults(), Map.of(), metrics);
  }

  /**
   * @param limits the group commit's bounds
   * @param producerOverrides producer settings that win over the gateway's own (tests shorten the
   *     timeouts)
   */
  CommandGateway(
      Map<String, Object> clientProps,
      Topics topics,
      String instanceId,
      GroupCommit.Limits limits,
      Map<String, Object> producerOverrides,
      MeterRegistry metrics) {
    this.topics = topics;
    this.metrics = metrics;
    Map<String, Object> producerProps = new HashMap<>(clientProps);
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "keyledger-edge-" + instanceId);
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    producerProps.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, TenantPartitioner.class.getName());
    producerProps.putAll(producerOverrides);
    Map<String, Object> props = Map.copyOf(producerProps);
    this.maxRecordBytes = maxRequestSize(props);
    this.sender =
        new GroupCommit(
            () -> new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()),
            limits,
            SENDER_THREAD);
    this.outcomes =
        new TopicTail(clientProps, topics.outcomes().name(), "keyledger-outcomes", this::complete);
    FunctionCounter.builder(FENCED, sender, GroupCommit::fencings)
        .description("Times the command producer was fenced by another with its transactional id")
        .register(metrics);
    FunctionCounter.builder(REPLACED, sender, GroupCommit::producersReplaced)
        .description("Command producers made to replace a fenced or failed one")
        .register(metrics);
  }

  private static int maxRequestSize(Map<String, Object> props) {
    Object value = props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (value == null) {
      return 1024 * 1024;
    }
    return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString().trim());
  }

  /**
   * Initializes transactions and positions the outcome reader at the end; returns when both are
   * done.
   */
  public void start() {
    sender.start();
    outcomes.start();
  }

  /**
   * Writes the command (and its key material) and waits up to {@code wait} for the fold's outcome.
   *
   * @throws LogUnavailableException when Kafka did not take the command; nothing was written
   */
  @Override
  public Submission submit(CommandEnvelope command, List<KeyMaterial> material, Duration wait)
      throws LogUnavailableException {
    long start = System.nanoTime();
    String result = "unavailable";
    try {
      Submission submission = write(command, material, wait);
      result = submission instanceof Submission.Decided ? "decided" : "pending";
      return submission;
    } finally {
      Timer.builder(ROUND_TRIP)
          .description("Commands from submit to the fold's outcome, by command and result")
          .tag("command", command.getPayload().getClass().getSimpleName())
          .tag("result", result)
          .serviceLevelObjectives(BUCKETS)
          .register(metrics)
          .record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private Submission write(CommandEnvelope command, List<KeyMaterial> material, Duration wait)
      throws LogUnavailableException {
    GroupCommit.Entry entry = entry(command, material);
    CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
    waiting.put(command.getCommandId(), outcome);
    try {
      sender.enqueue(entry);
      awaitWritten(entry);
    } catch (LogUnavailableException | RuntimeException e) {
      waiting.remove(command.getCommandId());
      throw e;
    }
    try {
      return new Submission.Decided(outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return new Submission.Pending(command.getCommandId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Submission.Pending(command.getCommandId());
    } catch (ExecutionException e) {
      throw new IllegalStateException("outcome future cannot fail", e);
    } finally {
      waiting.remove(command.getCommandId());
    }
  }

  /** Encodes the records of one submission: key material first, then the command. */
  private GroupCommit.Entry entry(CommandEnvelope command, List<KeyMaterial> material)
      throws LogUnavailableException {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(material.size() + 1);
    for (KeyMaterial km : material) {
      records.add(
          new ProducerRecord<>(
              topics.keyMaterial().name(), MaterialKeys.of(km), Codecs.KEY_MATERIAL.encode(km)));
    }
    records.add(
        new ProducerRecord<>(
            topics.commandsTopicFor(command.getPayload()).name(),
            command.getTenantId(),
            Codecs.COMMANDS.encode(command)));
    int bytes = 0;
    for (ProducerRecord<String, byte[]> record : records) {
      int size = record.key().getBytes(StandardCharsets.UTF_8).length + record.value().length;
      // One oversized record would fail the whole batch it is in: refuse it alone, up front.
      if (size + RECORD_OVERHEAD > maxRecordBytes) {
        throw new LogUnavailableException(
            "the command log is not reachable: a record of "
                + size
                + " bytes is over max.request.size ("
                + maxRecordBytes
                + ")",
            new RecordTooLargeException("record of " + size + " bytes to " + record.topic()));
      }
      bytes += size;
    }
    return new GroupCommit.Entry(command.getCommandId(), records, bytes);
  }

  /**
   * Waits (through interrupts, which are kept for the caller) until the entry's batch ended.
   *
   * @throws LogUnavailableException when its transaction failed: nothing of it was written
   */
  private void awaitWritten(GroupCommit.Entry entry) throws LogUnavailableException {
    long deadline = System.nanoTime() + sender.limitsWriteWait().toNanos();
    boolean interrupted = false;
    awaitingWrite.incrementAndGet();
    try {
      while (true) {
        try {
          entry.written.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the command may be in a transaction now: learn how it ended
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          throw new LogUnavailableException(
              "the command log is not reachable: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
          if (sender.withdraw(entry)) {
            throw new LogUnavailableException(
                "the command log is not reachable: the command was not taken for writing within "
                    + sender.limitsWriteWait().toMillis()
                    + " ms",
                e);
          }
          LOG.error(
              "command {} was taken for writing but its transaction did not end within {} ms",
              entry.commandId,
              sender.limitsWriteWait().toMillis());
          throw new LogUnavailableException(
              "the command log is not reachable: the command's transaction did not end within "
                  + sender.limitsWriteWait().toMillis()
                  + " ms",
              e);
        }
      }
    } finally {
      awaitingWrite.decrementAndGet();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * False while this gateway writes no commands (fenced, until a new producer writes again) or for
   * good once its sender thread ended: every submit then fails at once.
   */
  public boolean healthy() {
    return sender.failure() == null && sender.senderAlive();
  }

  /** The transactional producer: down while {@link #healthy} is false, saying why. */
  public Readiness.Part producerState() {
    if (sender.failure() != null) {
      return Readiness.Part.down(sender.failure().getMessage());
    }
    return sender.senderAlive()
        ? Readiness.Part.up("writing commands")
        : Readiness.Part.down("the command sender thread is not running");
  }

  /** The reader of the outcomes topic, which completes every submit's wait. */
  public Readiness.Part outcomeReaderState() {
    return outcomes.state();
  }

  /** Transactions committed so far (a batch of commands each). */
  long transactionsCommitted() {
    return sender.transactions();
  }

  /** Commands committed so far. */
  long commandsWritten() {
    return sender.commands();
  }

  /** Submitters queued or in a transaction now, waiting for their command to be written. */
  int awaitingWrite() {
    return awaitingWrite.get();
  }

  /** Batches that failed so far. */
  long failedBatches() {
    return sender.failedBatches();
  }

  private void complete(ConsumerRecord<String, byte[]> record) {
    try {
      CommandOutcome outcome = Codecs.OUTCOMES.decode(record.value());
      CompletableFuture<CommandOutcome> future = waiting.get(outcome.getCommandId());
      if (future != null) {
        future.complete(outcome);
      }
    } catch (UndecodableRecordException e) {
      LOG.error(
          "undecodable outcome at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  /**
   * Stops taking commands, writes what is queued (for up to 5 s; the rest fails with {@link
   * LogUnavailableException}), then closes the producer and the outcome reader.
   */
  @Override
  public void close() {
    sender.close();
    outcomes.close();
  }
}
