package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.engine.topology.LifecycleTopology;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Topology-level throughput of the lifecycle fold on a real (in-process) broker, against a
 * pass-through topology with the same Streams settings, in the same run.
 *
 * <p>Per DEK count D: N tenants are seeded through the real fold (register with DEK v1, acknowledge
 * the waiver, D-1 DEK rotations; untimed). Then per processing guarantee and run, M {@code
 * RecordUsage} commands (round-robin over the tenants) are written to the commands topic while no
 * topology runs; the pass-through (a fresh consumer group set to the start of those M records) and
 * then the fold (its own group, which stopped right before them) each read the same M records, and
 * their rate is taken from their output topic as {@link OutputWatch} describes. Untimed warm-up
 * runs come first ({@code --warmup}). Prints one line per run, then the medians and the ratio fold
 * / pass-through; optionally writes JSON.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.keyledger.benchmarks.FoldThroughput
 * --quick} is the short form (well under two minutes); {@link ThroughputOptions} lists the options.
 */
public final class FoldThroughput {

  private static final String SEED_GUARANTEE = "exactly_once_v2";
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final ConfigEntry LOG_APPEND_TIME =
      new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

  private final ThroughputOptions options;
  private final Map<String, Object> kafka;
  private final Admin admin;
  private final Path work;
  private final ThroughputReport report;

  private FoldThroughput(
      ThroughputOptions options,
      Map<String, Object> kafka,
      Admin admin,
      Path work,
      ThroughputReport report) {
    this.options = options;
    this.kafka = kafka;
    this.admin = admin;
    this.work = work;
    this.report = report;
  }

  /** Runs the benchmark; see the class comment and {@link ThroughputOptions#usage}. */
  public static void main(String[] args) throws Exception {
    ThroughputOptions options;
    try {
      options = ThroughputOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(ThroughputOptions.usage());
      System.exit(2);
      return;
    }
    System.out.println("# " + options);
    ThroughputReport report = new ThroughputReport(options);
    Path work = Files.createTempDirectory("fold-throughput-");
    try (KafkaFixture broker = KafkaFixture.start(work.resolve("kafka"));
        Admin admin = Admin.create(broker.clientProps())) {
      FoldThroughput bench = new FoldThroughput(options, broker.clientProps(), admin, work, report);
      for (int deks : options.deks()) {
        bench.measurePoint(deks);
      }
    } finally {
      report.printTable(System.out);
      report.writeJson();
      deleteRecursively(work);
    }
    if (options.json() != null) {
      System.out.println("JSON written to " + options.json());
    }
  }

  /** Seeds the tenants with {@code deks} DEKs each, then measures every guarantee and run. */
  private void measurePoint(int deks) throws Exception {
    Topics topics = new Topics("bench-d" + deks);
    TopicsAdmin.ensure(
        admin,
        topics,
        new TopicsAdmin.Settings(options.partitions(), (short) 1, Map.of()),
        ADMIN_TIMEOUT);
    // Both measured outputs carry the broker's append time (see OutputWatch); the fold never reads
    // its outcomes, so this changes nothing it does.
    admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, topics.outcomes().name()),
                List.of(new AlterConfigOp(LOG_APPEND_TIME, AlterConfigOp.OpType.SET))))
        .all()
        .get();
    admin
        .createTopics(
            List.of(
                new NewTopic(passThroughOutput(topics), options.partitions(), (short) 1)
                    .configs(Map.of(LOG_APPEND_TIME.name(), LOG_APPEND_TIME.value()))))
        .all()
        .get();
    TenantFleet fleet = new TenantFleet(options.tenants(), deks);
    String foldApp = "bench-d" + deks + "-fold";
    Path foldState = work.resolve(foldApp);

    try (CommandProducer producer = new CommandProducer(kafka, topics)) {
      seed(deks, fleet, producer, topics, foldApp, foldState);
      for (String guarantee : options.guarantees()) {
        for (int run = 1 - options.warmups(); run <= options.runs(); run++) {
          ThroughputReport.Run result =
              measureRun(deks, guarantee, run, fleet, producer, topics, foldApp, foldState);
          System.out.println(ThroughputReport.line(result, options.runs()));
          if (run > 0) {
            report.add(result);
          }
        }
      }
    }
  }

  /**
   * One run: M usage commands written while nothing runs, then the pass-through (a fresh group
   * whose offsets are set to the start of those commands) and the fold (its own group, which
   * stopped right before them) each over the same records. Runs {@code <= 0} are warm-ups.
   */
  private ThroughputReport.Run measureRun(
      int deks,
      String guarantee,
      int run,
      TenantFleet fleet,
      CommandProducer producer,
      Topics topics,
      String foldApp,
      Path foldState)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> start = endOffsets(topics.commands().name());
    producer.sendAll(fleet.usage(options.commands()));
    String passThroughOutput = passThroughOutput(topics);
    String passApp =
        "bench-d"
            + deks
            + "-pass-"
            + guarantee.replace('_', '-')
            + "-"
            + (run > 0 ? run : "w" + -run);
    admin.alterConsumerGroupOffsets(passApp, start).all().get();
    ThroughputReport.Measurement pass =
        measure(
            passThroughOutput,
            passApp,
            work.resolve(passApp),
            guarantee,
            b -> PassThroughTopology.build(b, topics, passThroughOutput),
            false);
    ThroughputReport.Measurement fold =
        measure(
            topics.outcomes().name(),
            foldApp,
            foldState,
            guarantee,
            b -> LifecycleTopology.build(b, topics),
            true);
    return new ThroughputReport.Run(deks, guarantee, run, pass, fold);
  }

  private static String passThroughOutput(Topics topics) {
    return topics.commands().name() + ".pass-through";
  }

  /**
   * Folds every tenant's history through the real topology (untimed), printing progress, and stops
   * the fold so that the measured runs start it afresh.
   */
  private void seed(
      int deks,
      TenantFleet fleet,
      CommandProducer producer,
      Topics topics,
      String foldApp,
      Path foldState)
      throws Exception {
    long total = fleet.seedCount();
    List<CommandEnvelope> seeds = fleet.seedCommands();
    System.out.printf(
        Locale.ROOT,
        "seeding D=%d: %,d tenants x (register + acknowledge + %d rotations) = %,d commands%n",
        deks,
        fleet.tenants(),
        deks - 1,
        total);
    try (OutputWatch watch = new OutputWatch(kafka, topics.outcomes().name());
        TopologyRunner runner =
            TopologyRunner.start(
                kafka,
                foldApp,
                foldState,
                SEED_GUARANTEE,
                b -> LifecycleTopology.build(b, topics))) {
      long started = System.nanoTime();
      producer.sendAll(seeds);
      OutputWatch.Arrival arrival =
          watch.await(
              total,
              runner,
              (seen, seconds) ->
                  System.out.printf(
                      Locale.ROOT,
                      "  seeding D=%d: %,d / %,d folded (%.0f %%), %,.0f commands/s%n",
                      deks,
                      seen,
                      total,
                      100.0 * seen / total,
                      seconds > 0 ? seen / seconds : 0));
      double seconds = (System.nanoTime() - started) / 1e9;
      requireAccepted(arrival.values(), "seeding D=" + deks);
      ThroughputReport.Seeding seeding =
          new ThroughputReport.Seeding(deks, fleet.tenants(), total, seconds);
      report.add(seeding);
      System.out.printf(
          Locale.ROOT,
          "seeded D=%d: %,d commands in %.1f s (%,.0f commands/s)%n",
          deks,
          total,
          seconds,
          seeding.perSecond());
    }
  }

  /**
   * Starts one topology over records already on its input, waits for {@code options.commands()}
   * records on {@code output} and stops it. The load average is read just before the start.
   */
  private ThroughputReport.Measurement measure(
      String output,
      String applicationId,
      Path stateDir,
      String guarantee,
      Consumer<StreamsBuilder> topology,
      boolean outcomes)
      throws Exception {
    try (OutputWatch watch = new OutputWatch(kafka, output)) {
      double load = LoadAverage.oneMinute();
      try (TopologyRunner runner =
          TopologyRunner.start(kafka, applicationId, stateDir, guarantee, topology)) {
        OutputWatch.Arrival arrival = watch.await(options.commands(), runner, (seen, s) -> {});
        if (outcomes) {
          requireAccepted(arrival.values(), applicationId);
        }
        return ThroughputReport.Measurement.of(arrival, load);
      }
    }
  }

  /** Every outcome must be an acceptance, or the benchmark measured refusals. */
  private static void requireAccepted(List<byte[]> outcomes, String what)
      throws UndecodableRecordException {
    for (byte[] bytes : outcomes) {
      CommandOutcome outcome = Codecs.OUTCOMES.decode(bytes);
      if (!outcome.getAccepted()) {
        throw new IllegalStateException(what + ": a command was refused: " + outcome);
      }
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> endOffsets(String topic)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest =
        IntStream.range(0, options.partitions())
            .boxed()
            .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get()
        .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
    return offsets;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
