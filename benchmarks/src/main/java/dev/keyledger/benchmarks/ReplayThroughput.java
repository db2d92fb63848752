package dev.keyledger.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.projections.ProjectionsTopology;
import dev.keyledger.schemas.Codecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * How fast an auditor's replay rebuilds the projections from the event log, against a pass-through
 * topology over the same inputs, in the same run; and whether the rebuilt tenant view is the fold's
 * state, byte for byte.
 *
 * <p>Setup (untimed): one in-process KRaft broker (the engine's {@code KafkaFixture}), the node's
 * topics ({@code TopicsAdmin.ensure}, 12 partitions), N tenants with the history {@link
 * ReplayFleet} describes, folded through the real {@code LifecycleTopology} under exactly-once, so
 * that the events topic holds E events (and the outcomes topic one outcome per command). The fold's
 * stores {@code tenant-state} and {@code tenant-deks} are read through interactive queries and the
 * fold is stopped.
 *
 * <p>Each run then starts, with the node's settings ({@code StreamsProperties.of}, via {@link
 * TopologyRunner}) and a fresh application id and state directory (a replay from offset 0):
 *
 * <ul>
 *   <li>the pass-through ({@link ReplayPassThrough}): events and outcomes, each forwarded unchanged
 *       to an output topic;
 *   <li>{@code ProjectionsTopology.build(builder, topics)}: the tenant view, the audit trail and
 *       the outcome store, from the same two topics.
 * </ul>
 *
 * <p><b>How the rate and the end are taken.</b> The rate is {@link OutputWatch}'s, as in {@link
 * FoldThroughput}: from the broker's append times of one output record per event. For the
 * pass-through that is its events output; for the projection it is the changelog of the audit store
 * ({@code <app>-audit-log-changelog}), to which the audit store writes exactly one record per event
 * applied (no record cache: {@code statestore.cache.max.bytes} 0). The harness creates that
 * changelog itself, before the client starts, with the partitions Streams asks for and {@code
 * message.timestamp.type=LogAppendTime} (Streams keeps an existing changelog's configuration);
 * nothing else about it changes. That is finer than the alternatives: the group's committed offsets
 * move once per 100 ms transaction, and the audit store's entry count by interactive queries is
 * either RocksDB's estimate ({@code approximateNumEntries}) or a full scan on every poll, which
 * competes with the stream threads for the same two cores. The committed offsets are still the
 * completion signal: a run is over when the group's committed offset on every partition of both
 * inputs is past the last record, because the transaction that commits those offsets is the one
 * that commits the stores' changelog writes. The time from start to that point (group join,
 * RocksDB, fencing included) is reported as well.
 *
 * <p><b>Check.</b> After each projection run, every tenant's {@code tenant-view} bytes are compared
 * with the fold's {@code tenant-state} bytes (both hold the encoded {@code TenantState}), every
 * {@code tenant-view-deks} record with the fold's {@code tenant-deks} record (encoded), and the
 * audit store must hold E entries whose values are the event log's records (an order-independent
 * sum of their SHA-256 digests), the outcome store one per command.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.keyledger.benchmarks.ReplayThroughput
 * --quick} is the short form (under two minutes); {@link ReplayOptions} lists the options.
 */
public final class ReplayThroughput {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COMMIT_TIMEOUT = Duration.ofMinutes(3);
  private static final Map<String, String> LOG_APPEND_TIME =
      Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

  /** One topology over the whole log. */
  record Measurement(
      double eventsPerSecond,
      double seconds,
      long firstBatch,
      double middle80PerSecond,
      boolean coarse,
      double streamThreadMicrosPerEvent,
      double streamThreadBusy,
      double streamThreadMicrosPerEventInWatchWindow,
      double startToRunningSeconds,
      double startToCommittedSeconds,
      double loadAverage,
      double schedWindowSeconds,
      List<double[]> clientThreadsOnCpuAndRunQueueSeconds) {

    String describe() {
      StringBuilder sched = new StringBuilder();
      for (double[] t : clientThreadsOnCpuAndRunQueueSeconds) {
        if (t[0] + t[1] >= 0.05) {
          sched.append(String.format(Locale.ROOT, " %.1f/%.1f", t[0], t[1]));
        }
      }
      return String.format(
          Locale.ROOT,
          "%,.0f%s ev/s (%.2f s; middle 80 %% %,.0f ev/s; thread %.1f us CPU/ev, busy %.0f %%;"
              + " start->running %.1f s, start->committed %.1f s; load %.2f;"
              + " start->last event %.1f s, client threads on-CPU/run-queue s:%s)",
          eventsPerSecond,
          coarse ? "*" : "",
          seconds,
          middle80PerSecond,
          streamThreadMicrosPerEvent,
          100 * streamThreadBusy,
          startToRunningSeconds,
          startToCommittedSeconds,
          loadAverage,
          schedWindowSeconds,
          sched);
    }
  }

  /** The rebuilt projection against the fold's stores. */
  record Check(
      int tenants,
      int tenantsIdentical,
      int viewEntries,
      int dekRecords,
      int dekRecordsIdentical,
      int viewDekEntries,
      long auditEntries,
      boolean auditValuesMatchLog,
      long outcomeEntries,
      List<String> firstMismatches) {

    boolean ok(long events, long commands) {
      return tenantsIdentical == tenants
          && viewEntries == tenants
          && dekRecordsIdentical == dekRecords
          && viewDekEntries == dekRecords
          && auditEntries == events
          && auditValuesMatchLog
          && outcomeEntries == commands;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "tenant-view = tenant-state for %,d/%,d tenants (view has %,d); tenant-view-deks ="
              + " tenant-deks for %,d/%,d DEK records (view has %,d); audit %,d entries, values %s"
              + " the log's; outcomes %,d%s",
          tenantsIdentical,
          tenants,
          viewEntries,
          dekRecordsIdentical,
          dekRecords,
          viewDekEntries,
          auditEntries,
          auditValuesMatchLog ? "=" : "!=",
          outcomeEntries,
          firstMismatches.isEmpty() ? "" : "; first mismatches " + firstMismatches);
    }
  }

  /** The pass-through and the projection over the same log. */
  record Run(int run, Measurement passThrough, Measurement projection, Check check) {
    double ratio() {
      return projection.eventsPerSecond() / passThrough.eventsPerSecond();
    }
  }

  private final ReplayOptions options;
  private final Map<String, Object> kafka;
  private final Admin admin;
  private final Path work;
  private final Topics topics = new Topics("replay");

  private ReplayThroughput(
      ReplayOptions options, Map<String, Object> kafka, Admin admin, Path work) {
    this.options = options;
    this.kafka = kafka;
    this.admin = admin;
    this.work = work;
  }

  /** Runs the benchmark; see the class comment and {@link ReplayOptions#usage}. */
  public static void main(String[] args) throws Exception {
    ReplayOptions options;
    try {
      options = ReplayOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(ReplayOptions.usage("ReplayThroughput"));
      System.exit(2);
      return;
    }
    System.out.printf(
        Locale.ROOT, "# %s; %d cores; load %.2f%n", options, cores(), LoadAverage.oneMinute());
    int length =
        options.historyLength() > 0
            ? options.historyLength()
            : ReplayFleet.lengthFor((options.events() + options.tenants() - 1) / options.tenants());
    ReplayFleet fleet = ReplayFleet.of(options.tenants(), length);
    System.out.printf(
        Locale.ROOT,
        "history: %,d tenants x %d commands = %,d commands -> %,d events (in-memory fold, all"
            + " accepted)%n",
        fleet.tenants(),
        length,
        fleet.commands(),
        fleet.events());
    Path work = Files.createTempDirectory("replay-throughput-");
    Map<String, Object> result = new LinkedHashMap<>();
    boolean ok;
    try (KafkaFixture broker = KafkaFixture.start(work.resolve("kafka"));
        Admin admin = Admin.create(broker.clientProps())) {
      ReplayThroughput bench = new ReplayThroughput(options, broker.clientProps(), admin, work);
      ok = bench.run(fleet, length, result);
    } finally {
      deleteRecursively(work);
    }
    if (options.json() != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(options.json().toFile(), result);
      System.out.println("JSON written to " + options.json());
    }
    if (!ok) {
      System.out.println("FAILED: the rebuilt projection differs from the fold (see above)");
      System.exit(1);
    }
  }

  private boolean run(ReplayFleet fleet, int length, Map<String, Object> result) throws Exception {
    TopicsAdmin.ensure(
        admin,
        topics,
        new TopicsAdmin.Settings(options.partitions(), (short) 1, Map.of()),
        ADMIN_TIMEOUT);
    admin
        .createTopics(
            List.of(
                new NewTopic(
                        ReplayPassThrough.eventsOutput(topics), options.partitions(), (short) 1)
                    .configs(LOG_APPEND_TIME),
                new NewTopic(
                        ReplayPassThrough.outcomesOutput(topics), options.partitions(), (short) 1)
                    .configs(LOG_APPEND_TIME)))
        .all()
        .get();

    Map<String, byte[]> foldStates = new TreeMap<>();
    Map<String, byte[]> foldDeks = new TreeMap<>();
    double seedSeconds = FoldedLog.seed(kafka, topics, work, fleet, foldStates, foldDeks);

    FoldedLog.Extent events = FoldedLog.extent(kafka, topics.events().name());
    FoldedLog.Extent outcomes = FoldedLog.extent(kafka, topics.outcomes().name());
    if (events.records() != fleet.events() || outcomes.records() != fleet.commands()) {
      throw new IllegalStateException(
          "the log holds "
              + events.records()
              + " events and "
              + outcomes.records()
              + " outcomes; the in-memory fold made "
              + fleet.events()
              + " and "
              + fleet.commands());
    }
    System.out.printf(
        Locale.ROOT,
        "event log: %,d events (%,.0f B each on average), %,d outcomes, %d partitions; fold stores:"
            + " %,d tenant states, %,d DEK records%n",
        events.records(),
        (double) events.bytes() / events.records(),
        outcomes.records(),
        options.partitions(),
        foldStates.size(),
        foldDeks.size());
    Map<TopicPartition, Long> targets = new HashMap<>(events.endAfterLastRecord());
    targets.putAll(outcomes.endAfterLastRecord());

    List<Run> runs = new ArrayList<>();
    boolean ok = true;
    int checked = 0;
    int identical = 0;
    for (int run = 1 - options.warmups(); run <= options.runs(); run++) {
      String tag = run > 0 ? "r" + run : "w" + -run;
      Measurement pass =
          measure(
              "replay-pass-" + tag,
              ReplayPassThrough.eventsOutput(topics),
              events.records(),
              targets,
              b -> ReplayPassThrough.build(b, topics),
              false,
              null);
      Check[] check = new Check[1];
      Measurement projection =
          measure(
              "replay-proj-" + tag,
              null,
              events.records(),
              targets,
              b -> ProjectionsTopology.build(b, topics),
              true,
              runner -> check[0] = check(runner, foldStates, foldDeks, events));
      Run r = new Run(run, pass, projection, check[0]);
      boolean good = r.check().ok(events.records(), outcomes.records());
      ok &= good;
      checked++;
      identical += good ? 1 : 0;
      System.out.printf(
          Locale.ROOT,
          "%s: pass-through %s%n    projection %s%n    ratio %.3f; check %s: %s%n",
          run > 0 ? "run " + run + "/" + options.runs() : "warm-up (not counted)",
          pass.describe(),
          projection.describe(),
          r.ratio(),
          good ? "OK" : "FAILED",
          r.check().describe());
      if (run > 0) {
        runs.add(r);
      }
    }

    double passMedian = median(runs, r -> r.passThrough().eventsPerSecond());
    double projMedian = median(runs, r -> r.projection().eventsPerSecond());
    System.out.printf(
        Locale.ROOT,
        "%nReplay of the event log: %,d tenants x %d commands, %,d events + %,d outcomes, %d"
            + " partitions, %d cores, median of %d run(s)%n",
        fleet.tenants(),
        length,
        events.records(),
        outcomes.records(),
        options.partitions(),
        cores(),
        runs.size());
    System.out.printf(
        Locale.ROOT,
        "%-14s %14s %22s %18s %18s%n",
        "topology",
        "events/s",
        "thread CPU us/event",
        "start->committed s",
        "load avg (1 min)");
    System.out.printf(
        Locale.ROOT,
        "%-14s %,13.0f%1s %22.1f %18.1f %18s%n",
        "pass-through",
        passMedian,
        runs.stream().anyMatch(r -> r.passThrough().coarse()) ? "*" : "",
        median(runs, r -> r.passThrough().streamThreadMicrosPerEvent()),
        median(runs, r -> r.passThrough().startToCommittedSeconds()),
        loadRange(runs, Run::passThrough));
    System.out.printf(
        Locale.ROOT,
        "%-14s %,13.0f%1s %22.1f %18.1f %18s%n",
        "projections",
        projMedian,
        runs.stream().anyMatch(r -> r.projection().coarse()) ? "*" : "",
        median(runs, r -> r.projection().streamThreadMicrosPerEvent()),
        median(runs, r -> r.projection().startToCommittedSeconds()),
        loadRange(runs, Run::projection));
    System.out.printf(
        Locale.ROOT,
        "ratio projections / pass-through (medians): %.3f; per run: %s%n",
        projMedian / passMedian,
        runs.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.ratio())).toList());
    if (runs.stream().anyMatch(r -> r.passThrough().coarse() || r.projection().coarse())) {
      System.out.println(
          "* coarse: a run took under 1 s or had a tenth of its records in the first batch;"
              + " use more --events");
    }
    System.out.printf(
        Locale.ROOT,
        "rebuilt vs fold: %s (%d of %d projection runs identical, warm-ups included)%n",
        ok ? "identical" : "DIFFERENT",
        identical,
        checked);
    System.out.printf(
        Locale.ROOT,
        "seeding (untimed): %,d commands through the fold in %.1f s (%,.0f commands/s)%n",
        fleet.commands(),
        seedSeconds,
        fleet.commands() / seedSeconds);

    result.put("options", options);
    result.put("cores", cores());
    result.put("java", System.getProperty("java.version"));
    result.put("historyLength", length);
    result.put("commands", fleet.commands());
    result.put("events", events.records());
    result.put("averageEventBytes", (double) events.bytes() / events.records());
    result.put("seedSeconds", seedSeconds);
    result.put("passThroughMedianEventsPerSecond", passMedian);
    result.put("projectionMedianEventsPerSecond", projMedian);
    result.put("ratio", projMedian / passMedian);
    result.put("identical", ok);
    result.put("runs", runs);
    return ok;
  }

  /**
   * Starts one topology on a fresh application id and state dir (so it reads both inputs from
   * offset 0), takes its rate from {@code output} ({@code null}: the audit store's changelog,
   * created here first with LogAppendTime), waits until its committed offsets are past every input
   * record, runs {@code check} (if any) on the still running client and stops it.
   */
  private Measurement measure(
      String applicationId,
      String output,
      long events,
      Map<TopicPartition, Long> targets,
      Consumer<StreamsBuilder> topology,
      boolean projection,
      Consumer<TopologyRunner> check)
      throws Exception {
    String watched = output;
    if (projection) {
      watched = applicationId + "-" + ProjectionsTopology.AUDIT_STORE + "-changelog";
      Map<String, String> changelog = new HashMap<>(LOG_APPEND_TIME);
      changelog.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      admin
          .createTopics(
              List.of(new NewTopic(watched, options.partitions(), (short) 1).configs(changelog)))
          .all()
          .get();
    }
    Path stateDir = work.resolve(applicationId);
    try (OutputWatch watch = new OutputWatch(kafka, watched)) {
      double load = LoadAverage.oneMinute();
      long started = System.nanoTime();
      try (TopologyRunner runner =
          TopologyRunner.start(kafka, applicationId, stateDir, FoldedLog.GUARANTEE, topology)) {
        long running = System.nanoTime();
        OutputWatch.Arrival arrival =
            watch.await(
                events,
                runner,
                (seen, s) ->
                    System.out.printf(
                        Locale.ROOT,
                        "  %s: %,d / %,d events, load %.2f%n",
                        applicationId,
                        seen,
                        events,
                        LoadAverage.oneMinute()));
        // The client's threads were created by its start, so their CPU time and scheduler counters
        // so far are this client's whole work up to the last event (its start included: group join,
        // RocksDB, fencing; small next to the replay). Taken like this rather than between the
        // watch's first and last sighting: a thread may process much of the log before the watch's
        // first poll (e.g. while the other thread still rebalances), which that window would miss.
        long cpu = runner.streamThreadCpuNanos();
        List<double[]> sched = ThreadSchedStat.totals(ThreadSchedStat.sample(applicationId + "-"));
        long lastEvent = System.nanoTime();
        awaitCommitted(applicationId, targets, runner);
        long committed = System.nanoTime();
        if (check != null) {
          check.accept(runner);
        }
        return new Measurement(
            arrival.perSecond(),
            arrival.seconds(),
            arrival.firstBatch(),
            arrival.middlePerSecond(),
            arrival.coarse(),
            cpu / 1e3 / events,
            cpu / (double) (lastEvent - started),
            arrival.streamThreadMicrosPerRecord(),
            (running - started) / 1e9,
            (committed - started) / 1e9,
            load,
            (lastEvent - started) / 1e9,
            sched);
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  /** Waits until the group's committed offset on every input partition is past its last record. */
  private void awaitCommitted(
      String group, Map<TopicPartition, Long> targets, TopologyRunner runner) throws Exception {
    long deadline = System.nanoTime() + COMMIT_TIMEOUT.toNanos();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      boolean done =
          targets.entrySet().stream()
              .allMatch(
                  t -> {
                    OffsetAndMetadata c = committed.get(t.getKey());
                    return c != null && c.offset() >= t.getValue();
                  });
      if (done) {
        return;
      }
      runner.checkHealthy();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            group + ": committed offsets " + committed + " did not reach " + targets);
      }
      // A bounded poll (deadline above) of committed offsets, which only the broker can tell.
      Thread.sleep(20);
    }
  }

  /** The rebuilt stores of a projection run against the fold's. */
  private static Check check(
      TopologyRunner runner,
      Map<String, byte[]> foldStates,
      Map<String, byte[]> foldDeks,
      FoldedLog.Extent events) {
    ReadOnlyKeyValueStore<String, byte[]> view =
        FoldedLog.store(
            runner, ProjectionsTopology.TENANT_VIEW_STORE, QueryableStoreTypes.keyValueStore());
    ReadOnlyKeyValueStore<String, DekState> viewDeks =
        FoldedLog.store(
            runner,
            ProjectionsTopology.TENANT_VIEW_DEKS_STORE,
            QueryableStoreTypes.keyValueStore());
    ReadOnlyKeyValueStore<Bytes, byte[]> audit =
        FoldedLog.store(
            runner, ProjectionsTopology.AUDIT_STORE, QueryableStoreTypes.keyValueStore());
    ReadOnlyKeyValueStore<String, CommandOutcome> outcomes =
        FoldedLog.store(
            runner, ProjectionsTopology.OUTCOME_STORE, QueryableStoreTypes.keyValueStore());
    List<String> mismatches = new ArrayList<>();
    int identical = 0;
    for (Map.Entry<String, byte[]> e : foldStates.entrySet()) {
      if (Arrays.equals(view.get(e.getKey()), e.getValue())) {
        identical++;
      } else if (mismatches.size() < 5) {
        mismatches.add("tenant " + e.getKey());
      }
    }
    int deksIdentical = 0;
    for (Map.Entry<String, byte[]> e : foldDeks.entrySet()) {
      DekState rebuilt = viewDeks.get(e.getKey());
      if (rebuilt != null && Arrays.equals(Codecs.DEK_STATE.encode(rebuilt), e.getValue())) {
        deksIdentical++;
      } else if (mismatches.size() < 5) {
        mismatches.add("dek " + e.getKey());
      }
    }
    long auditEntries = 0;
    long auditDigest = 0;
    try (KeyValueIterator<Bytes, byte[]> it = audit.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        auditEntries++;
        auditDigest += FoldedLog.digest(kv.value);
      }
    }
    return new Check(
        foldStates.size(),
        identical,
        (int) count(view),
        foldDeks.size(),
        deksIdentical,
        (int) count(viewDeks),
        auditEntries,
        auditDigest == events.digestSum(),
        count(outcomes),
        mismatches);
  }

  private static <K, V> long count(ReadOnlyKeyValueStore<K, V> store) {
    long n = 0;
    try (KeyValueIterator<K, V> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
    double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String loadRange(
      List<Run> runs, java.util.function.Function<Run, Measurement> which) {
    double[] loads =
        runs.stream().mapToDouble(r -> which.apply(r).loadAverage()).sorted().toArray();
    return String.format(Locale.ROOT, "%.2f-%.2f", loads[0], loads[loads.length - 1]);
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
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
