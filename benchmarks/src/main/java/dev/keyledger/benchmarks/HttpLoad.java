package dev.keyledger.benchmarks;

import dev.keyledger.benchmarks.http.DevNodeProcess;
import dev.keyledger.benchmarks.http.LoadAverage;
import dev.keyledger.benchmarks.http.LoadPhase;
import dev.keyledger.benchmarks.http.PhaseResult;
import dev.keyledger.benchmarks.http.ProcessCpu;
import dev.keyledger.benchmarks.http.Report;
import dev.keyledger.benchmarks.http.TenantSetup;
import dev.keyledger.benchmarks.http.Workloads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP load benchmark of the data plane and of one command, against a dev-mode node ({@code
 * keyledger.jar dev}) started in its own JVM by this one.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.keyledger.benchmarks.HttpLoad [--quick] [--data-only]
 *     [--commands-only] [--history-deks N (1,000; quick: 50)] [--command-tenants N (50)]
 *     [--json FILE]
 *     [--node-jar api-edge/target/keyledger.jar] [--node-jvm-opt OPTION]...
 * </pre>
 *
 * <p>In one run: the four data-plane scenarios of {@link Workloads} at saturation and then at a
 * fixed rate, each after its own warm-up, then DEK rotations (HTTP command to the fold's outcome)
 * at a low fixed rate, at saturation and at the main fixed rate, one connection per tenant ({@code
 * --data-only} skips them). The tables go to standard output as Markdown; {@code --json} also
 * writes them as JSON. Exit code 0 even when requests failed: errors are part of the result and
 * reported.
 */
public final class HttpLoad {

  /**
   * Durations and rates of a run.
   *
   * @param data warm-up and window of each data-plane phase
   * @param connections connections of every data-plane phase
   * @param dataRate the fixed rate of the data-plane phases, per second
   * @param commands warm-up, window and grace of each command phase
   * @param commandRate the fixed rate of the main command phase, per second
   * @param commandLowRate a rate well below the command path's capacity (uncontended latency)
   * @param commandTenants how many tenants the commands are spread over (one connection each)
   * @param idle how long the node's idle CPU baseline is sampled, after setup
   */
  record Settings(
      LoadPhase.Timing data,
      int connections,
      double dataRate,
      LoadPhase.Timing commands,
      double commandRate,
      double commandLowRate,
      int commandTenants,
      Duration idle) {

    static Settings full() {
      return new Settings(
          new LoadPhase.Timing(
              Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(1)),
          16,
          2_000,
          new LoadPhase.Timing(
              Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(15)),
          500,
          20,
          50,
          Duration.ofSeconds(10));
    }

    static Settings quick() {
      return new Settings(
          new LoadPhase.Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)),
          16,
          2_000,
          new LoadPhase.Timing(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3)),
          500,
          20,
          5,
          Duration.ofSeconds(2));
    }
  }

  private HttpLoad() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean dataOnly = false;
    Integer historyDeks = null;
    boolean commandsOnly = false;
    Integer commandTenants = null;
    Path json = null;
    Path nodeJar = Path.of("api-edge/target/keyledger.jar");
    List<String> nodeJvm = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--data-only" -> dataOnly = true;
        case "--history-deks" -> historyDeks = Integer.valueOf(args[++i]);
        case "--commands-only" -> commandsOnly = true;
        case "--command-tenants" -> commandTenants = Integer.valueOf(args[++i]);
        case "--json" -> json = Path.of(args[++i]);
        case "--node-jar" -> nodeJar = Path.of(args[++i]);
        case "--node-jvm-opt" -> nodeJvm.add(args[++i]);
        default -> {
          System.err.println(
              "usage: HttpLoad [--quick] [--data-only | --commands-only] [--history-deks N]"
                  + " [--command-tenants N] [--json FILE] [--node-jar JAR]"
                  + " [--node-jvm-opt OPTION]...");
          System.exit(2);
        }
      }
    }
    Settings s = quick ? Settings.quick() : Settings.full();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("started_at", Instant.now().toString());
    run.put("mode", quick ? "quick" : "full");
    run.put("settings", s);
    run.put("cpus", Runtime.getRuntime().availableProcessors());
    run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    run.put("load_average_before", LoadAverage.read());
    long t0 = System.nanoTime();
    try (DevNodeProcess node = DevNodeProcess.start(nodeJar, nodeJvm);
        TenantSetup setup = new TenantSetup(node)) {
      log(
          "node pid %d on %s:%d, data %s",
          node.pid(), node.host(), node.httpPort(), node.nodeDataDir());
      run.put("node_jvm_options", nodeJvm);
      Workloads workloads = new Workloads(setup);
      int deks = historyDeks != null ? historyDeks : quick ? 50 : 1_000;
      run.put("history_deks", deks);
      List<LoadPhase.Workload> dataPlane = commandsOnly ? List.of() : workloads.dataPlane(deks);
      List<String> orgs =
          workloads.commandTenants(commandTenants != null ? commandTenants : s.commandTenants());
      log("set up %d tenants in %.1f s", orgs.size() + 1, (System.nanoTime() - t0) / 1e9);
      ProcessHandle nodeProcess = ProcessHandle.of(node.pid()).orElseThrow();
      double idle = ProcessCpu.idleCores(nodeProcess, s.idle());
      run.put("node_idle_cores", idle);
      log("node idle: %.3f cores over %s", idle, s.idle());
      LoadPhase.Target target =
          new LoadPhase.Target(node.host(), node.httpPort(), nodeProcess, idle);

      // JIT warm-up of every data-plane path before the first measured phase, so the first
      // scenario is not measured on colder code than the others (each phase warms up again).
      for (LoadPhase.Workload w : dataPlane) {
        LoadPhase.run(
            target,
            w,
            LoadPhase.Pacing.saturation(s.connections()),
            new LoadPhase.Timing(s.data().warmup(), Duration.ZERO, Duration.ZERO));
      }
      List<PhaseResult> data = new ArrayList<>();
      for (LoadPhase.Pacing pacing :
          List.of(
              LoadPhase.Pacing.saturation(s.connections()),
              LoadPhase.Pacing.fixedRate(s.connections(), s.dataRate()))) {
        for (LoadPhase.Workload w : dataPlane) {
          data.add(phase(target, w, pacing, s.data()));
        }
      }
      int c = orgs.size();
      List<PhaseResult> commands =
          dataOnly
              ? List.of()
              : List.of(
                  phase(
                      target,
                      workloads.rotations(orgs, "low"),
                      LoadPhase.Pacing.fixedRate(c, s.commandLowRate()),
                      s.commands()),
                  phase(
                      target,
                      workloads.rotations(orgs, "sat"),
                      LoadPhase.Pacing.saturation(c),
                      s.commands()),
                  phase(
                      target,
                      workloads.rotations(orgs, "rate"),
                      LoadPhase.Pacing.fixedRate(c, s.commandRate()),
                      s.commands()));
      run.put("load_average_after", LoadAverage.read());
      run.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
      Report report = new Report(run, data, commands);
      report.print(System.out);
      if (json != null) {
        report.writeJson(json);
        log("wrote %s", json);
      }
    }
  }

  private static PhaseResult phase(
      LoadPhase.Target target, LoadPhase.Workload w, LoadPhase.Pacing p, LoadPhase.Timing t)
      throws InterruptedException {
    PhaseResult r = LoadPhase.run(target, w, p, t);
    log(
        "%-14s %-24s %,8.0f req/s  p50 %,9.0f us  p99 %,9.0f us  node CPU %,6.0f us/req  errors %d  load %s",
        r.scenario(),
        r.pacing(),
        r.requestsPerSecond(),
        r.latency().p50(),
        r.latency().p99(),
        r.serverNetCpuMicrosPerRequest(),
        r.errorCount(),
        r.loadAverage());
    return r;
  }

  private static void log(String format, Object... args) {
    System.err.printf("[HttpLoad] " + format + "%n", args);
  }
}
