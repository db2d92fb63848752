package dev.keyledger.application.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.keyledger.application.LogUnavailableException;
import dev.keyledger.application.Submission;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.RotateMaster;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.engine.testing.TestCommands;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.schemas.Codecs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The group-commit gateway on a real broker (in this JVM). */
class CommandGatewayIT {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static KafkaFixture kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  void concurrentSubmittersAreWrittenOnceEachInTheirOrderSeveralToATransaction() throws Exception {
    Topics topics = topics(kafka);
    int threads = 32;
    int perThread = 50;
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (CommandGateway gateway =
        new CommandGateway(kafka.clientProps(), topics, "concurrent", metrics)) {
      gateway.start();
      runConcurrently(
          threads,
          t -> {
            String tenant = "tenant-" + (t % 8); // 4 submitters per tenant
            for (int i = 0; i < perThread; i++) {
              Submission s = gateway.submit(command(tenant, t, i), List.of(), Duration.ZERO);
              assertThat(s).isInstanceOf(Submission.Pending.class);
            }
          });
      assertThat(gateway.commandsWritten()).isEqualTo(threads * perThread);
      assertThat(gateway.transactionsCommitted())
          .as("transactions for %d commands", threads * perThread)
          .isLessThan(gateway.commandsWritten());
      assertThat(gateway.failedBatches()).isZero();
      assertThat(
              metrics
                  .get(CommandGateway.ROUND_TRIP)
                  .tags("command", "RotateMaster", "result", "pending")
                  .timer()
                  .count())
          .as("every submit timed, none decided within a zero wait")
          .isEqualTo(threads * perThread);
    }

    List<ConsumerRecord<String, byte[]>> written = readCommitted(topics.commands().name());
    List<String> ids = new ArrayList<>();
    Map<String, List<String>> byTenant = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : written) {
      CommandEnvelope c = Codecs.COMMANDS.decode(r.value());
      assertThat(r.key()).isEqualTo(c.getTenantId());
      ids.add(c.getCommandId());
      byTenant.computeIfAbsent(c.getTenantId(), k -> new ArrayList<>()).add(c.getCommandId());
    }
    assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      List<String> ofSubmitter =
          byTenant.get("tenant-" + (t % 8)).stream().filter(id -> id.startsWith(prefix)).toList();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        expected.add(commandId(t, i));
      }
      assertThat(ofSubmitter).as("submitter %d, in its tenant's partition", t).isEqualTo(expected);
    }
  }

  @Test
  void everyCommittedCommandHasItsKeyMaterialCommittedWithIt() throws Exception {
    Topics topics = topics(kafka);
    Set<String> expectedMaterial = Collections.synchronizedSet(new HashSet<>());
    try (CommandGateway gateway =
        new CommandGateway(kafka.clientProps(), topics, "material", new SimpleMeterRegistry())) {
      gateway.start();
      runConcurrently(
          8,
          t -> {
            for (int i = 0; i < 25; i++) {
              CommandEnvelope c = command("tenant-" + t, t, i);
              List<KeyMaterial> material = material(c);
              material.forEach(km -> expectedMaterial.add(MaterialKeys.of(km)));
              gateway.submit(c, material, Duration.ZERO);
            }
          });
      assertThat(gateway.transactionsCommitted()).isLessThan(gateway.commandsWritten());
    }
    Set<String> commands = new HashSet<>(); // tenant/command id
    for (ConsumerRecord<String, byte[]> r : readCommitted(topics.commands().name())) {
      CommandEnvelope c = Codecs.COMMANDS.decode(r.value());
      commands.add(c.getTenantId() + "/" + c.getCommandId());
    }
    Set<String> material = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : readCommitted(topics.keyMaterial().name())) {
      KeyMaterial km = Codecs.KEY_MATERIAL.decode(r.value());
      assertThat(r.key()).isEqualTo(MaterialKeys.of(km));
      material.add(r.key());
    }
    assertThat(commands).hasSize(200);
    assertThat(material).hasSize(400).isEqualTo(expectedMaterial);
    for (String id : commands) {
      assertThat(material).as("material of %s", id).contains(id + "-tmk", id + "-old");
    }
  }

  @Test
  void aRegistrationIsWrittenToTheClaimsTopicWithItsKeyMaterialAndNothingToTheCommandsTopic()
      throws Exception {
    Topics topics = topics(kafka);
    CommandEnvelope register =
        CommandEnvelope.newBuilder(new TestCommands("tenant-r").register(TestCommands.KEY_ARN, 1))
            .setCommandId("r-1")
            .build();
    try (CommandGateway gateway =
        new CommandGateway(kafka.clientProps(), topics, "claims", new SimpleMeterRegistry())) {
      gateway.start();
      gateway.submit(register, List.of(), Duration.ZERO);
      gateway.submit(command("tenant-r", 0, 0), List.of(), Duration.ZERO);
    }
    assertThat(readCommitted(topics.claims().name()))
        .singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo("tenant-r"))
        .satisfies(
            r -> assertThat(Codecs.COMMANDS.decode(r.value()).getCommandId()).isEqualTo("r-1"));
    assertThat(readCommitted(topics.commands().name()))
        .extracting(r -> Codecs.COMMANDS.decode(r.value()).getCommandId())
        .containsExactly(commandId(0, 0));
  }

  @Test
  void aFencedGatewayRefusesSubmitsUntilANewProducerTakesItsIdBack() throws Exception {
    Topics topics = topics(kafka);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (CommandGateway first =
        new CommandGateway(kafka.clientProps(), topics, "fenced", metrics)) {
      first.start();
      first.submit(command("tenant-a", 0, 0), List.of(), Duration.ZERO);
      assertThat(first.healthy()).isTrue();
      try (CommandGateway second =
          new CommandGateway(kafka.clientProps(), topics, "fenced", new SimpleMeterRegistry())) {
        second.start(); // same transactional id: fences the first
        assertThatThrownBy(() -> first.submit(command("tenant-a", 0, 1), List.of(), Duration.ZERO))
            .isInstanceOf(LogUnavailableException.class);
        assertThat(first.healthy()).isFalse();
        assertThat(first.producerState().ready()).isFalse();
        assertThatThrownBy(() -> first.submit(command("tenant-a", 0, 2), List.of(), Duration.ZERO))
            .isInstanceOf(LogUnavailableException.class)
            .hasMessageContaining("fenced");
        second.submit(command("tenant-a", 1, 0), List.of(), Duration.ZERO);
        assertThat(second.healthy()).isTrue();
      }
      // After its backoff (1 s) the first makes a new producer and writes again, unrestarted.
      await().atMost(Duration.ofSeconds(30)).until(first::healthy);
      assertThat(first.producerState().ready()).isTrue();
      first.submit(command("tenant-a", 0, 3), List.of(), Duration.ZERO);
      assertThat(metrics.get(CommandGateway.FENCED).functionCounter().count()).isEqualTo(1.0);
      assertThat(metrics.get(CommandGateway.REPLACED).functionCounter().count()).isEqualTo(1.0);
    }
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : readCommitted(topics.commands().name())) {
      ids.add(Codecs.COMMANDS.decode(r.value()).getCommandId());
    }
    assertThat(ids).containsExactly(commandId(0, 0), commandId(1, 0), commandId(0, 3));
  }

  @Test
  void withTheBrokerGoneSubmitsFailWithinTheirBoundAndCloseReturnsPromptly() throws Exception {
    KafkaFixture own = KafkaFixture.start();
    CommandGateway gateway;
    Topics topics = topics(own);
    // a queue of 4 and a 0.5 s wait for room; 2 s to drain on close; 2 commit attempts
    GroupCommit.Limits limits =
        new GroupCommit.Limits(
            500,
            4 << 20,
            4,
            Duration.ofMillis(500),
            Duration.ofSeconds(90),
            Duration.ofSeconds(2),
            2);
    // The first transactional producer of a broker waits for the transaction state topic: let
    // one with the default timeouts wait for it, not the gateway's short ones.
    Map<String, Object> warm = new HashMap<>(own.clientProps());
    warm.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "warm-up");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(warm, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
    }
    gateway =
        new CommandGateway(
            own.clientProps(), topics, "down", limits, shortTimeouts(), new SimpleMeterRegistry());
    try {
      gateway.start();
      gateway.submit(command("tenant-a", 0, 0), List.of(), Duration.ZERO);
    } finally {
      own.close(); // the broker is gone from here on
    }
    CommandGateway down = gateway;
    assertTimeoutPreemptively(
        Duration.ofMinutes(3),
        () -> {
          // A bound per submit: the queue wait, then the batch's transaction (commit tried twice,
          // then the abort, each up to max.block.ms, or a new producer's initTransactions).
          long boundNanos = Duration.ofSeconds(30).toNanos();
          AtomicInteger refused = new AtomicInteger();
          runConcurrently(
              8,
              t -> {
                for (int i = 1; i <= 3; i++) {
                  long start = System.nanoTime();
                  CommandEnvelope c = command("tenant-" + t, t, i);
                  assertThatThrownBy(() -> down.submit(c, material(c), Duration.ZERO))
                      .isInstanceOf(LogUnavailableException.class);
                  assertThat(System.nanoTime() - start).isLessThan(boundNanos);
                  refused.incrementAndGet();
                }
              });
          assertThat(refused).hasValue(24);
          assertThat(down.healthy()).as("not fenced: keeps trying").isTrue();

          // close() with submitters still queued or in a transaction fails them and returns
          ExecutorService pool = Executors.newFixedThreadPool(6);
          List<Future<Throwable>> pending = new ArrayList<>();
          for (int t = 0; t < 6; t++) {
            int n = t;
            pending.add(
                pool.submit(
                    () -> {
                      try {
                        down.submit(command("tenant-x", n, 9), List.of(), Duration.ZERO);
                        return null;
                      } catch (LogUnavailableException e) {
                        return e;
                      }
                    }));
          }
          // the queue holds 4 and the sender one batch: wait until at least 4 are waiting
          while (down.awaitingWrite() < 4 && !pending.stream().allMatch(Future::isDone)) {
            LockSupport.parkNanos(1_000_000);
          }
          long closing = System.nanoTime();
          down.close();
          assertThat(System.nanoTime() - closing).isLessThan(Duration.ofSeconds(20).toNanos());
          for (Future<Throwable> f : pending) {
            assertThat(f.get()).isInstanceOf(LogUnavailableException.class);
          }
          pool.shutdown();
          assertThat(down.awaitingWrite()).isZero();
          assertThat(Thread.getAllStackTraces().keySet())
              .noneMatch(th -> th.getName().equals("keyledger-command-sender") && th.isAlive());
          assertThatThrownBy(() -> down.submit(command("tenant-x", 9, 9), List.of(), Duration.ZERO))
              .isInstanceOf(LogUnavailableException.class)
              .hasMessageContaining("closed");
        });
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, Object> shortTimeouts() {
    return Map.of(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2_000,
        ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
  }

  private static Topics topics(KafkaFixture broker) throws Exception {
    Topics topics = new Topics("gw" + PREFIXES.incrementAndGet());
    try (Admin admin = Admin.create(broker.clientProps())) {
      TopicsAdmin.ensure(
          admin, topics, new TopicsAdmin.Settings(3, (short) 1, Map.of()), Duration.ofSeconds(60));
    }
    return topics;
  }

  private static String commandId(int submitter, int seq) {
    return "t" + submitter + "-" + seq;
  }

  private static CommandEnvelope command(String tenant, int submitter, int seq) {
    CommandEnvelope c = new TestCommands(tenant).rotateMaster(2);
    return CommandEnvelope.newBuilder(c).setCommandId(commandId(submitter, seq)).build();
  }

  /** Two records: the command's TMK and another, both with ids derived from the command id. */
  private static List<KeyMaterial> material(CommandEnvelope c) {
    TmkRef tmk = ((RotateMaster) c.getPayload()).getTmk();
    List<KeyMaterial> material = new ArrayList<>();
    for (String suffix : List.of("-tmk", "-old")) {
      TmkRef ref = TmkRef.newBuilder(tmk).setTmkId(c.getCommandId() + suffix).build();
      material.add(
          KeyMaterial.newBuilder()
              .setTenantId(c.getTenantId())
              .setTmk(ref)
              .setWrappedKey(ByteBuffer.wrap(new byte[64]))
              .build());
    }
    return material;
  }

  /** Everything committed to {@code topic}, partition by partition, in offset order. */
  private static List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
    Map<String, Object> props = new HashMap<>(kafka.clientProps());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> read = new HashMap<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          read.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>())
              .add(r);
        }
      }
      List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
      partitions.forEach(p -> all.addAll(read.getOrDefault(p, List.of())));
      return all;
    }
  }

  interface Submitter {
    void run(int index) throws Exception;
  }

  /** Runs {@code n} submitters from one start signal and rethrows the first failure. */
  private static void runConcurrently(int n, Submitter submitter) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        int index = t;
        Callable<Void> task =
            () -> {
              go.await();
              submitter.run(index);
              return null;
            };
        done.add(pool.submit(task));
      }
      go.countDown();
      for (Future<Void> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
