package dev.keyledger.edge.cli.log;

import dev.keyledger.engine.topology.TenantPartitioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The event log topic, read as an outsider reads it: a consumer of its own with no group (nothing
 * is committed, no instance notices), committed records only ({@code read_committed}: an aborted
 * transaction of the fold is never seen). Every wait on the broker is bounded by the timeout, so an
 * unreachable broker is a {@link LogReadException} within it, not a hang. A tenant's events are on
 * one partition, the engine's {@link TenantPartitioner#partition}, in seq order. Used by one
 * thread, except {@link #stop}.
 */
public final class EventLog implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final String bootstrapServers;
  private final Duration timeout;
  private final int partitionCount;
  private volatile boolean stopped;

  private EventLog(
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      String bootstrapServers,
      Duration timeout,
      int partitionCount) {
    this.consumer = consumer;
    this.topic = topic;
    this.bootstrapServers = bootstrapServers;
    this.timeout = timeout;
    this.partitionCount = partitionCount;
  }

  /**
   * Connects and looks the topic up.
   *
   * @param kafka Kafka client settings, {@code bootstrap.servers} at least; the reader's own
   *     settings ({@link #consumerSettings}) are added
   * @param topic the events topic, e.g. {@code keyledger.events}
   * @param timeout the longest any one wait on the broker may take
   * @throws LogReadException if the broker does not answer within the timeout, refuses the client,
   *     or has no such topic
   */
  public static EventLog open(Map<String, Object> kafka, String topic, Duration timeout) {
    String servers = String.valueOf(kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    KafkaConsumer<String, byte[]> consumer;
    try {
      consumer =
          new KafkaConsumer<>(
              consumerSettings(kafka, timeout),
              new StringDeserializer(),
              new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw new LogReadException(
          "cannot create a Kafka client for " + servers + ": " + rootMessage(e), e);
    }
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new LogReadException(
            "topic "
                + topic
                + " does not exist on "
                + servers
                + " (is --topic-prefix the node's topic.prefix?)",
            null);
      }
      return new EventLog(consumer, topic, servers, timeout, partitions.size());
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e instanceof LogReadException read ? read : failure(servers, timeout, e);
    }
  }

  /**
   * The consumer settings of a reader: the given ones, then read_committed, no commits, reads from
   * the start when asked, large fetches, and every wait bounded by {@code timeout}.
   */
  static Map<String, Object> consumerSettings(Map<String, Object> kafka, Duration timeout) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "keyledger-cli");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    props.put(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(millis, 10_000));
    props.put(
        ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(millis, 10_000));
    return props;
  }

  public String topic() {
    return topic;
  }

  /** Every partition of the topic. */
  public List<Integer> allPartitions() {
    List<Integer> all = new ArrayList<>(partitionCount);
    for (int p = 0; p < partitionCount; p++) {
      all.add(p);
    }
    return all;
  }

  /** The partition that holds the tenant's events. */
  public int partitionOf(String tenant) {
    return TenantPartitioner.partition(tenant, partitionCount);
  }

  /**
   * Reads the partitions from their start to the end they have now (records written meanwhile are
   * not read), handing every record to {@code sink} on worker threads, up to one per core: each
   * partition's records on one thread, in offset order (so a tenant's events in seq order), the
   * partitions spread over the threads. The sink must take calls for different partitions at once.
   * Every record has been handed over when this returns.
   *
   * @return how many records were handed over
   * @throws LogReadException if the broker stops answering (no record and no progress within the
   *     timeout)
   */
  public long read(Collection<Integer> partitions, RecordSink sink, ReadProgress progress) {
    List<TopicPartition> assigned = assign(partitions);
    int threads = Math.min(Runtime.getRuntime().availableProcessors(), assigned.size());
    try (PartitionWorkers workers = new PartitionWorkers(threads, sink)) {
      long handed = read(assigned, workers, progress);
      workers.finish();
      return handed;
    }
  }

  private long read(List<TopicPartition> assigned, RecordSink sink, ReadProgress progress) {
    Map<TopicPartition, Long> start;
    Map<TopicPartition, Long> end;
    try {
      start = consumer.beginningOffsets(assigned, timeout);
      end = consumer.endOffsets(assigned, timeout);
    } catch (RuntimeException e) {
      throw failure(bootstrapServers, timeout, e);
    }
    long total = 0;
    Set<TopicPartition> open = new HashSet<>();
    for (TopicPartition tp : assigned) {
      consumer.seek(tp, start.get(tp));
      total += end.get(tp) - start.get(tp);
      if (end.get(tp) > start.get(tp)) {
        open.add(tp);
      }
    }
    consumer.pause(difference(assigned, open));
    long handed = 0;
    long done = 0;
    long lastMove = System.nanoTime();
    while (!open.isEmpty()) {
      ConsumerRecords<String, byte[]> records = poll();
      for (TopicPartition tp : records.partitions()) {
        long stop = end.get(tp);
        for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
          if (record.offset() >= stop) {
            break; // written after the read began
          }
          sink.accept(record);
          handed++;
        }
      }
      long now = 0;
      List<TopicPartition> finished = new ArrayList<>();
      for (TopicPartition tp : assigned) {
        long position = Math.min(consumer.position(tp), end.get(tp));
        now += position - start.get(tp);
        if (position >= end.get(tp) && open.remove(tp)) {
          finished.add(tp);
        }
      }
      consumer.pause(finished);
      if (now > done) {
        done = now;
        lastMove = System.nanoTime();
      } else if (System.nanoTime() - lastMove > timeout.toNanos()) {
        throw new LogReadException(
            "no progress reading "
                + topic
                + " from "
                + bootstrapServers
                + " for "
                + seconds(timeout)
                + " at "
                + done
                + " of "
                + total
                + " records (is the broker still up? --timeout)",
            null);
      }
      progress.advanced(done, total);
    }
    progress.finished(handed);
    return handed;
  }

  /**
   * Hands every record of the partitions to {@code sink}, from their start or from their end (only
   * what is written from now on), until {@link #stop} is called.
   *
   * @param positioned run once the start positions are fixed: nothing written after it is missed
   */
  public void follow(
      Collection<Integer> partitions, boolean fromBeginning, Runnable positioned, RecordSink sink) {
    List<TopicPartition> assigned = assign(partitions);
    try {
      if (fromBeginning) {
        consumer.seekToBeginning(assigned);
      } else {
        consumer.seekToEnd(assigned);
      }
      // Fixes the positions now, so that nothing written after this call is missed.
      assigned.forEach(tp -> consumer.position(tp, timeout));
      positioned.run();
      while (!stopped) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          sink.accept(record);
        }
      }
    } catch (WakeupException e) {
      if (!stopped) {
        throw e;
      }
    } catch (TimeoutException e) {
      throw failure(bootstrapServers, timeout, e);
    }
  }

  /** Ends a {@link #follow} running on another thread (a shutdown hook); safe from any thread. */
  public void stop() {
    stopped = true;
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(1));
  }

  private List<TopicPartition> assign(Collection<Integer> partitions) {
    List<TopicPartition> assigned =
        partitions.stream().distinct().sorted().map(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(assigned);
    return assigned;
  }

  private ConsumerRecords<String, byte[]> poll() {
    try {
      return consumer.poll(POLL);
    } catch (KafkaException e) {
      throw failure(bootstrapServers, timeout, e);
    }
  }

  private static List<TopicPartition> difference(
      List<TopicPartition> all, Set<TopicPartition> keep) {
    return all.stream().filter(tp -> !keep.contains(tp)).toList();
  }

  private static LogReadException failure(String servers, Duration timeout, RuntimeException e) {
    if (e instanceof TimeoutException) {
      return new LogReadException(
          "no answer from Kafka at "
              + servers
              + " within "
              + seconds(timeout)
              + "; is the broker running and is --bootstrap-server right? (--timeout to wait longer)",
          e);
    }
    return new LogReadException("reading from Kafka at " + servers + ": " + rootMessage(e), e);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
