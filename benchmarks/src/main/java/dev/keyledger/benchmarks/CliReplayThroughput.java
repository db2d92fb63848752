package dev.keyledger.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.OperatingSystemMXBean;
import dev.keyledger.edge.cli.KeyLedgerCli;
import dev.keyledger.edge.cli.log.EventLog;
import dev.keyledger.edge.cli.log.LogReplay;
import dev.keyledger.edge.cli.log.ReadProgress;
import dev.keyledger.edge.cli.log.RecordSink;
import dev.keyledger.edge.cli.log.ReplayedTenant;
import dev.keyledger.edge.cli.log.TenantChains;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.engine.topology.Topics;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.schemas.Codecs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;

/**
 * How fast the CLI reads the whole event log: {@code keyledger replay}'s path ({@link LogReplay}:
 * decode, check the chain, {@code Evolver.evolve} into in-memory states) and {@code keyledger audit
 * verify}'s ({@link TenantChains}: decode, SHA-256 chain), each over every tenant of the log,
 * against the baseline of the same reader handing the same records to a sink that only counts them,
 * in the same run and JVM.
 *
 * <p>Setup (untimed) as {@link ReplayThroughput}'s: one in-process KRaft broker, the node's topics
 * (prefix {@code keyledger}, 12 partitions), the {@link ReplayFleet} histories folded through the
 * real {@code LifecycleTopology} under exactly-once, so the events topic is what a node writes
 * (transactions, their markers), and the fold's stores read back.
 *
 * <p>Each run, in this order, each with a fresh {@link EventLog} (a new consumer, from offset 0 of
 * every partition to the end it has when the read starts; opening it is not timed):
 *
 * <ul>
 *   <li><b>read</b>: {@code EventLog.read} into a counting sink, the floor of the reader;
 *   <li><b>replay</b>: {@code EventLog.read} into {@code new LogReplay(every tenant, no instant)};
 *       then every tenant's replayed state must be the fold's {@code tenant-state} byte for byte,
 *       and its DEK records the fold's {@code tenant-deks};
 *   <li><b>verify</b>: {@code EventLog.read} into {@code new TenantChains(every tenant)}; every
 *       chain must be intact and hold all its events;
 *   <li>the two commands as an operator runs them, through {@code KeyLedgerCli} in this JVM, wall
 *       time including the client's start: {@code audit verify} (the whole log) and {@code replay
 *       --tenant tenant-00000} (two partitions: the tenant's and the platform's).
 * </ul>
 *
 * <p>The rate is records handed to the sink / wall time of the read; the CPU is that of the reading
 * thread (the consumer fetches on the thread that polls; there is no group and no other client
 * thread doing the work), per record.
 */
public final class CliReplayThroughput {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** One timed read of the whole log. */
  record Read(
      long records,
      double seconds,
      double cpuMicrosPerRecord,
      double gcSeconds,
      double loadAverage) {
    double perSecond() {
      return records / seconds;
    }
  }

  /** One run: the three paths and the two commands. */
  record Run(
      int run,
      Read read,
      Read replay,
      Read verify,
      double auditVerifySeconds,
      double replayTenantSeconds,
      String check) {}

  private final Map<String, Object> kafka;
  private final Topics topics = Topics.defaults();

  private CliReplayThroughput(Map<String, Object> kafka) {
    this.kafka = kafka;
  }

  /** Runs the benchmark; see the class comment and {@link ReplayOptions#usage}. */
  public static void main(String[] args) throws Exception {
    ReplayOptions options;
    try {
      options = ReplayOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(ReplayOptions.usage("CliReplayThroughput"));
      System.exit(2);
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "# %s; %d cores; load %.2f%n",
        options,
        Runtime.getRuntime().availableProcessors(),
        LoadAverage.oneMinute());
    int length =
        options.historyLength() > 0
            ? options.historyLength()
            : ReplayFleet.lengthFor((options.events() + options.tenants() - 1) / options.tenants());
    ReplayFleet fleet = ReplayFleet.of(options.tenants(), length);
    System.out.printf(
        Locale.ROOT,
        "history: %,d tenants x %d commands = %,d commands -> %,d events%n",
        fleet.tenants(),
        length,
        fleet.commands(),
        fleet.events());
    Path work = Files.createTempDirectory("cli-replay-");
    Map<String, Object> result = new LinkedHashMap<>();
    boolean ok;
    try (KafkaFixture broker = KafkaFixture.start(work.resolve("kafka"));
        Admin admin = Admin.create(broker.clientProps())) {
      CliReplayThroughput bench = new CliReplayThroughput(broker.clientProps());
      TopicsAdmin.ensure(
          admin,
          bench.topics,
          new TopicsAdmin.Settings(options.partitions(), (short) 1, Map.of()),
          ADMIN_TIMEOUT);
      ok = bench.run(options, fleet, work, result);
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
      System.out.println("FAILED: a replayed state differs from the fold's, or a chain broke");
      System.exit(1);
    }
  }

  private boolean run(
      ReplayOptions options, ReplayFleet fleet, Path work, Map<String, Object> result)
      throws Exception {
    Map<String, byte[]> foldStates = new TreeMap<>();
    Map<String, byte[]> foldDeks = new TreeMap<>();
    double seedSeconds = FoldedLog.seed(kafka, topics, work, fleet, foldStates, foldDeks);
    FoldedLog.Extent events = FoldedLog.extent(kafka, topics.events().name());
    if (events.records() != fleet.events()) {
      throw new IllegalStateException(
          "the log holds " + events.records() + " events; the fold made " + fleet.events());
    }
    System.out.printf(
        Locale.ROOT,
        "event log: %,d events (%,.0f B each on average), %d partitions; fold: %,d states, %,d DEK"
            + " records%n",
        events.records(),
        (double) events.bytes() / events.records(),
        options.partitions(),
        foldStates.size(),
        foldDeks.size());

    List<Run> runs = new ArrayList<>();
    boolean ok = true;
    for (int run = 1 - options.warmups(); run <= options.runs(); run++) {
      Read read = read(() -> record -> {});
      LogReplay[] replay = new LogReplay[1];
      Read replayed = read(() -> replay[0] = new LogReplay(t -> true, null));
      TenantChains[] chains = new TenantChains[1];
      Read verified = read(() -> chains[0] = new TenantChains(t -> true));
      double auditVerify = command(0, "audit", "verify");
      double replayTenant = command(0, "replay", "--tenant", "tenant-00000");
      String check = check(replay[0], chains[0], foldStates, foldDeks, events.records());
      ok &= check.isEmpty();
      Run r = new Run(run, read, replayed, verified, auditVerify, replayTenant, check);
      System.out.printf(
          Locale.ROOT,
          "%s: read %,.0f ev/s (%.2f s, %.2f us process CPU/ev, GC %.2f s) | replay %,.0f ev/s (%.2f s,"
              + " %.2f us, GC %.2f s) | verify %,.0f ev/s (%.2f s, %.2f us, GC %.2f s) | audit verify %.2f s, replay --tenant %.2f s"
              + " | load %.2f | %s%n",
          run > 0 ? "run " + run : "warm-up " + (1 - run),
          read.perSecond(),
          read.seconds(),
          read.cpuMicrosPerRecord(),
          read.gcSeconds(),
          replayed.perSecond(),
          replayed.seconds(),
          replayed.cpuMicrosPerRecord(),
          replayed.gcSeconds(),
          verified.perSecond(),
          verified.seconds(),
          verified.cpuMicrosPerRecord(),
          verified.gcSeconds(),
          auditVerify,
          replayTenant,
          replayed.loadAverage(),
          check.isEmpty() ? "replayed = fold, every chain intact" : check);
      if (run > 0) {
        runs.add(r);
      }
    }

    double readMedian = median(runs, r -> r.read().perSecond());
    double replayMedian = median(runs, r -> r.replay().perSecond());
    double verifyMedian = median(runs, r -> r.verify().perSecond());
    double auditSeconds = median(runs, Run::auditVerifySeconds);
    System.out.printf(
        Locale.ROOT,
        "%nCLI replay of the whole event log: %,d events, %,d tenants, %d partitions, median of %d"
            + " run(s)%n",
        events.records(),
        fleet.tenants(),
        options.partitions(),
        runs.size());
    System.out.printf(
        Locale.ROOT,
        "%-36s %12s %22s %14s%n",
        "path",
        "events/s",
        "process CPU us/event",
        "ratio to read");
    row("read (EventLog, counting sink)", readMedian, readMedian, runs, Run::read);
    row("replay (LogReplay, every tenant)", replayMedian, readMedian, runs, Run::replay);
    row("verify (TenantChains, every tenant)", verifyMedian, readMedian, runs, Run::verify);
    System.out.printf(
        Locale.ROOT,
        "keyledger audit verify (whole log, in-process, client start included): %.2f s = %,.0f"
            + " events/s; keyledger replay --tenant tenant-00000: %.2f s%n",
        auditSeconds,
        events.records() / auditSeconds,
        median(runs, Run::replayTenantSeconds));
    System.out.printf(
        Locale.ROOT,
        "load average (1 min) during the replay reads: %.2f-%.2f; seeding (untimed) %.1f s%n",
        runs.stream().mapToDouble(r -> r.replay().loadAverage()).min().orElse(Double.NaN),
        runs.stream().mapToDouble(r -> r.replay().loadAverage()).max().orElse(Double.NaN),
        seedSeconds);

    result.put("options", options);
    result.put("java", System.getProperty("java.version"));
    result.put("events", events.records());
    result.put("averageEventBytes", (double) events.bytes() / events.records());
    result.put("readMedianEventsPerSecond", readMedian);
    result.put("replayMedianEventsPerSecond", replayMedian);
    result.put("verifyMedianEventsPerSecond", verifyMedian);
    result.put("replayToRead", replayMedian / readMedian);
    result.put("verifyToRead", verifyMedian / readMedian);
    result.put("auditVerifyCommandSeconds", auditSeconds);
    result.put("ok", ok);
    result.put("runs", runs);
    return ok;
  }

  /** Reads the whole log once into a new sink; opening the reader is not timed. */
  private Read read(Supplier<RecordSink> sink) throws IOException {
    try (EventLog log = EventLog.open(kafka, topics.events().name(), READ_TIMEOUT)) {
      RecordSink target = sink.get();
      double load = LoadAverage.oneMinute();
      long gc = gcMillis();
      long cpu = OS.getProcessCpuTime();
      long started = System.nanoTime();
      long records = log.read(log.allPartitions(), target, ReadProgress.NONE);
      long wall = System.nanoTime() - started;
      cpu = OS.getProcessCpuTime() - cpu;
      return new Read(records, wall / 1e9, cpu / 1e3 / records, (gcMillis() - gc) / 1e3, load);
    }
  }

  /** Collection time of every garbage collector so far (their threads are not the reader's). */
  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
        .sum();
  }

  /** Runs a CLI command against the broker; it must exit with {@code expected}. */
  private double command(int expected, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = KeyLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--bootstrap-server";
    all[args.length + 1] = String.valueOf(kafka.get("bootstrap.servers"));
    long started = System.nanoTime();
    int exit = cli.execute(all);
    double seconds = (System.nanoTime() - started) / 1e9;
    if (exit != expected) {
      throw new IllegalStateException(
          String.join(" ", args)
              + " exited "
              + exit
              + ": "
              + err
              + out.toString().lines().limit(5).toList());
    }
    return seconds;
  }

  /** The replay against the fold's stores, the chains against the log; empty when all agree. */
  private static String check(
      LogReplay replay,
      TenantChains chains,
      Map<String, byte[]> foldStates,
      Map<String, byte[]> foldDeks,
      long events) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : foldStates.entrySet()) {
      byte[] replayed =
          replay.tenant(e.getKey()).map(t -> Codecs.TENANT_STATE.encode(t.state())).orElse(null);
      if (!Arrays.equals(replayed, e.getValue()) && problems.size() < 5) {
        problems.add("state of " + e.getKey());
      }
    }
    for (Map.Entry<String, byte[]> e : foldDeks.entrySet()) {
      String[] key = e.getKey().split("/");
      byte[] replayed =
          replay
              .tenant(key[0])
              .flatMap(t -> t.version(Integer.parseInt(key[1])))
              .map(Codecs.DEK_STATE::encode)
              .orElse(null);
      if (!Arrays.equals(replayed, e.getValue()) && problems.size() < 5) {
        problems.add("DEK " + e.getKey());
      }
    }
    long replayedDeks =
        foldStates.keySet().stream()
            .mapToLong(t -> replay.tenant(t).map(r -> r.all().size()).orElse(0))
            .sum();
    if (replayedDeks != foldDeks.size()) {
      problems.add(replayedDeks + " DEK records replayed, the fold has " + foldDeks.size());
    }
    SortedMap<String, ChainReport> reports = chains.reports();
    long checked = reports.values().stream().mapToLong(ChainReport::checked).sum();
    if (reports.size() != foldStates.size()
        || checked != events
        || reports.values().stream().anyMatch(r -> !r.intact())) {
      problems.add(
          "chains: "
              + reports.size()
              + " tenants, "
              + checked
              + " of "
              + events
              + " events intact");
    }
    for (String tenant : foldStates.keySet()) {
      if (replay.tenant(tenant).map(ReplayedTenant::chain).map(c -> !c.intact()).orElse(true)
          && problems.size() < 5) {
        problems.add("replayed chain of " + tenant);
      }
    }
    return String.join("; ", problems);
  }

  private static void row(
      String path, double median, double readMedian, List<Run> runs, Function<Run, Read> which) {
    System.out.printf(
        Locale.ROOT,
        "%-36s %,12.0f %22.2f %14.3f%n",
        path,
        median,
        median(runs, r -> which.apply(r).cpuMicrosPerRecord()),
        median / readMedian);
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> value) {
    double[] sorted = runs.stream().mapToDouble(value).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
