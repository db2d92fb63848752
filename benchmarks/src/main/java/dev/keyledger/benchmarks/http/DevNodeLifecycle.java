package dev.keyledger.benchmarks.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dev node as a user runs it ({@code java -jar api-edge/target/keyledger.jar dev}, a JVM of its
 * own, free loopback ports): how long it takes to become ready from cold, what it costs when idle,
 * and how long it takes to come back after {@code kill -9} and after a clean stop.
 *
 * <p><b>Readiness.</b> The edge's {@code GET /healthz} (200 {@code {"status":"ok"}}; {@code
 * /readyz} names each part) is served by Javalin, which {@code KeyLedgerNode.start} starts only
 * after the engine is up (topics ensured, Kafka Streams RUNNING, the command gateway's transactions
 * initialised, workers started); {@code DevCommand} prints its ready line right after. So the first
 * 200 from {@code /healthz} is the moment the node can serve, and the harness polls it every 50 ms
 * (a new connection per poll, 50 ms connect and 500 ms read timeout), from just before the process
 * is started. The ready line's first sighting in the node's output (checked at each poll) is
 * reported as well.
 *
 * <ol>
 *   <li><b>Cold start</b>, K times: a fresh data dir (so the broker formats its storage, the KMS
 *       emulator and the JWT secret are created), fresh ports; seconds from {@code
 *       ProcessBuilder.start} to ready; then a clean stop.
 *   <li><b>Idle</b>: one more cold start; after ready and a settle time (30 s), for 60 s, each
 *       second: the node's CPU time ({@link ProcessCpu}: user + system of all its threads) as cores
 *       used in that second, and its resident memory ({@code VmRSS} of {@code /proc/<pid>/status});
 *       median and max, and the mean over the whole period.
 *   <li><b>Restart</b> on that same data dir and ports, K times each, alternating: {@code kill -9}
 *       ({@code Process.destroyForcibly}, SIGKILL for a plain {@code java -jar} child) then a
 *       start; SIGTERM ({@code Process.destroy}: the node's shutdown hook closes the engine, KMS
 *       and broker), wait for the exit, then a start. Before each stop the node runs for {@code
 *       --before-stop} seconds (10) after ready. Seconds from the new process's start to ready.
 * </ol>
 *
 * <p>For every start the node log's own timestamps give a timeline (broker ready, Streams state
 * changes, the ready line), relative to the process start, to see where the time goes. Each start's
 * output is kept in {@code --logs DIR} if given.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * dev.keyledger.benchmarks.http.DevNodeLifecycle [--runs 5] [--quick] [--json FILE]}.
 */
public final class DevNodeLifecycle {

  private static final String HOST = "127.0.0.1";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final long POLL_MS = 50;
  private static final String READY_LINE = "KeyLedger dev mode ready: edge ";
  private static final Pattern LOG_LINE =
      Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) \\S+\\s+\\[([^\\]]*)\\] (\\S+) - (.*)$");

  /** The options; see the class comment. */
  record Options(
      int runs,
      Duration settle,
      Duration idle,
      Duration beforeStop,
      Path jar,
      List<String> jvmOptions,
      Path logs,
      Path json,
      boolean quick) {

    static Options parse(String... args) {
      boolean quick = Arrays.asList(args).contains("--quick");
      int runs = quick ? 1 : 5;
      Duration settle = Duration.ofSeconds(quick ? 5 : 30);
      Duration idle = Duration.ofSeconds(quick ? 10 : 60);
      Duration beforeStop = Duration.ofSeconds(quick ? 3 : 10);
      Path jar = Path.of("api-edge/target/keyledger.jar");
      List<String> jvm = new ArrayList<>();
      Path logs = null;
      Path json = null;
      String diagnose = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--quick")) {
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--runs" -> runs = Integer.parseInt(value);
          case "--settle" -> settle = Duration.ofSeconds(Long.parseLong(value));
          case "--idle" -> idle = Duration.ofSeconds(Long.parseLong(value));
          case "--before-stop" -> beforeStop = Duration.ofSeconds(Long.parseLong(value));
          case "--jar" -> jar = Path.of(value);
          case "--node-jvm-opt" -> jvm.add(value);
          case "--diagnose" -> diagnose = value;
          case "--logs" -> logs = Path.of(value);
          case "--json" -> json = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (runs < 1 || idle.toSeconds() < 2) {
        throw new IllegalArgumentException("--runs >= 1, --idle >= 2");
      }
      if (diagnose != null) {
        jvm.add("-Dlogback.configurationFile=" + diagnosticLogConfig(diagnose));
      }
      return new Options(runs, settle, idle, beforeStop, jar, jvm, logs, json, quick);
    }

    static String usage() {
      return "usage: DevNodeLifecycle [--quick] [--runs 5] [--settle 30] [--idle 60] [--before-stop 10]"
          + " [--jar api-edge/target/keyledger.jar] [--node-jvm-opt OPT]... [--logs DIR] [--json FILE]"
          + " [--diagnose logger1,logger2 (INFO in the node's log, e.g. kafka,org.apache.kafka)]";
    }

    /**
     * A logback configuration for the node that is the edge's own (INFO, Kafka at WARN) plus the
     * given loggers at INFO, for a timeline of where a start spends its time; written to a temp
     * file.
     */
    private static Path diagnosticLogConfig(String loggers) {
      StringBuilder xml = new StringBuilder();
      xml.append("<configuration>\n")
          .append("  <appender name=\"STDERR\" class=\"ch.qos.logback.core.ConsoleAppender\">\n")
          .append("    <target>System.err</target>\n")
          .append("    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n")
          .append("</pattern></encoder>\n")
          .append("  </appender>\n")
          .append("  <logger name=\"kafka\" level=\"WARN\"/>\n")
          .append("  <logger name=\"org.apache.kafka\" level=\"WARN\"/>\n")
          .append("  <logger name=\"state.change.logger\" level=\"WARN\"/>\n");
      for (String logger : loggers.split(",")) {
        xml.append("  <logger name=\"").append(logger.strip()).append("\" level=\"INFO\"/>\n");
      }
      xml.append("  <root level=\"INFO\"><appender-ref ref=\"STDERR\"/></root>\n")
          .append("</configuration>\n");
      try {
        Path file = Files.createTempFile("devnode-logback-", ".xml");
        Files.writeString(file, xml);
        file.toFile().deleteOnExit();
        return file;
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the diagnostic log configuration", e);
      }
    }
  }

  /** One start of the node, to ready. */
  record Start(
      String kind,
      int run,
      double toHealthzSeconds,
      double toReadyLineSeconds,
      double stopSeconds,
      double loadAverage,
      List<String> timeline) {}

  /** Per-second samples of the idle node. */
  record Idle(
      double meanCores,
      double medianCores,
      double maxCores,
      double medianRssMiB,
      double maxRssMiB,
      String loadBefore,
      String loadAfter,
      double[] cores,
      double[] rssMiB) {}

  private final Options options;
  private final List<Start> starts = new ArrayList<>();
  private int logCounter;

  private DevNodeLifecycle(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Options.usage());
      System.exit(2);
      return;
    }
    if (!Files.isRegularFile(options.jar())) {
      System.err.println(
          options.jar() + " not found: build it with mvn -B -pl api-edge -am package -DskipTests");
      System.exit(2);
    }
    if (options.logs() != null) {
      Files.createDirectories(options.logs());
    }
    System.out.printf(
        Locale.ROOT,
        "# %s; %d cores; load %s%n",
        options,
        Runtime.getRuntime().availableProcessors(),
        LoadAverage.read());
    new DevNodeLifecycle(options).run();
  }

  private void run() throws Exception {
    for (int run = 1; run <= options.runs(); run++) {
      Path data = Files.createTempDirectory("keyledger-lifecycle-");
      try {
        Node node = Node.start(this, data, Ports.free(), "cold", run, Double.NaN);
        node.stop(false);
      } finally {
        deleteRecursively(data);
      }
    }

    Path data = Files.createTempDirectory("keyledger-lifecycle-");
    Idle idle;
    try {
      Ports ports = Ports.free();
      Node node = Node.start(this, data, ports, "cold (idle run)", 0, Double.NaN);
      System.out.printf(
          Locale.ROOT,
          "idle: settling %d s, then sampling %d s...%n",
          options.settle().toSeconds(),
          options.idle().toSeconds());
      // The protocol: start-up work (JIT, first commits) ends before idle is sampled.
      Thread.sleep(options.settle().toMillis());
      idle = sampleIdle(node.process);
      System.out.printf(
          Locale.ROOT,
          "idle: CPU %.3f cores (mean over %d s), per-second median %.3f, max %.3f; RSS median %.0f"
              + " MiB, max %.0f MiB; load %s -> %s%n",
          idle.meanCores(),
          options.idle().toSeconds(),
          idle.medianCores(),
          idle.maxCores(),
          idle.medianRssMiB(),
          idle.maxRssMiB(),
          idle.loadBefore(),
          idle.loadAfter());
      for (int run = 1; run <= options.runs(); run++) {
        // The protocol: the node runs this long after ready before it is stopped.
        Thread.sleep(options.beforeStop().toMillis());
        double kill = node.stop(true);
        node = Node.start(this, data, ports, "restart after kill -9", run, kill);
        Thread.sleep(options.beforeStop().toMillis());
        double stop = node.stop(false);
        node = Node.start(this, data, ports, "restart after SIGTERM", run, stop);
      }
      node.stop(false);
    } finally {
      deleteRecursively(data);
    }
    printTable(idle);
    if (options.json() != null) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("options", options.toString());
      json.put("cores", Runtime.getRuntime().availableProcessors());
      json.put("java", System.getProperty("java.version"));
      json.put("summary", summary());
      json.put("idle", idle);
      json.put("starts", starts);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(options.json().toFile(), json);
      System.out.println("JSON written to " + options.json());
    }
  }

  private Map<String, Map<String, Double>> summary() {
    Map<String, Map<String, Double>> summary = new LinkedHashMap<>();
    for (String kind : List.of("cold", "restart after kill -9", "restart after SIGTERM")) {
      List<Start> of = starts.stream().filter(s -> s.kind().equals(kind)).toList();
      Map<String, Double> figures = new LinkedHashMap<>();
      figures.put(
          "medianToHealthzSeconds", median(of.stream().mapToDouble(Start::toHealthzSeconds)));
      figures.put(
          "medianToReadyLineSeconds", median(of.stream().mapToDouble(Start::toReadyLineSeconds)));
      figures.put(
          "minToHealthzSeconds",
          of.stream().mapToDouble(Start::toHealthzSeconds).min().orElse(Double.NaN));
      figures.put(
          "maxToHealthzSeconds",
          of.stream().mapToDouble(Start::toHealthzSeconds).max().orElse(Double.NaN));
      summary.put(kind, figures);
    }
    return summary;
  }

  private void printTable(Idle idle) {
    System.out.printf(
        Locale.ROOT,
        "%nDev node lifecycle (%s, %d cores), %d run(s) each, load now %s%n",
        options.jar(),
        Runtime.getRuntime().availableProcessors(),
        options.runs(),
        LoadAverage.read());
    System.out.printf(
        Locale.ROOT,
        "%-24s %5s %16s %16s %14s %s%n",
        "start",
        "runs",
        "to /healthz s",
        "to ready line s",
        "min-max s",
        "load avg (1 min) at each start");
    for (String kind : List.of("cold", "restart after kill -9", "restart after SIGTERM")) {
      List<Start> of = starts.stream().filter(s -> s.kind().equals(kind)).toList();
      if (of.isEmpty()) {
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "%-24s %5d %16.2f %16.2f %6.2f-%-7.2f %s%n",
          kind,
          of.size(),
          median(of.stream().mapToDouble(Start::toHealthzSeconds)),
          median(of.stream().mapToDouble(Start::toReadyLineSeconds)),
          of.stream().mapToDouble(Start::toHealthzSeconds).min().orElse(Double.NaN),
          of.stream().mapToDouble(Start::toHealthzSeconds).max().orElse(Double.NaN),
          of.stream().map(s -> String.format(Locale.ROOT, "%.1f", s.loadAverage())).toList());
    }
    List<Start> clean =
        starts.stream().filter(s -> s.kind().equals("restart after SIGTERM")).toList();
    System.out.printf(
        Locale.ROOT,
        "clean stop (SIGTERM -> exit) before each SIGTERM restart: median %.2f s%n",
        median(clean.stream().mapToDouble(Start::stopSeconds)));
    System.out.printf(
        Locale.ROOT,
        "idle (after %d s settle, %d one-second samples): CPU mean %.3f cores, median %.3f, max %.3f;"
            + " VmRSS median %.0f MiB, max %.0f MiB; load %s -> %s%n",
        options.settle().toSeconds(),
        idle.cores().length,
        idle.meanCores(),
        idle.medianCores(),
        idle.maxCores(),
        idle.medianRssMiB(),
        idle.maxRssMiB(),
        idle.loadBefore(),
        idle.loadAfter());
  }

  private Idle sampleIdle(Process process) throws Exception {
    ProcessHandle handle = process.toHandle();
    int seconds = (int) options.idle().toSeconds();
    double[] cores = new double[seconds];
    double[] rss = new double[seconds];
    String loadBefore = LoadAverage.read();
    long firstCpu = ProcessCpu.nanos(handle);
    long firstWall = System.nanoTime();
    long cpu = firstCpu;
    long wall = firstWall;
    for (int i = 0; i < seconds; i++) {
      long next = firstWall + (i + 1) * 1_000_000_000L;
      // One sample per wall-clock second: the measurement is of time.
      Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
      long nowCpu = ProcessCpu.nanos(handle);
      long nowWall = System.nanoTime();
      cores[i] = (nowCpu - cpu) / (double) (nowWall - wall);
      rss[i] = rssKiB(process.pid()) / 1024.0;
      cpu = nowCpu;
      wall = nowWall;
    }
    double mean = (cpu - firstCpu) / (double) (wall - firstWall);
    return new Idle(
        mean,
        median(Arrays.stream(cores)),
        Arrays.stream(cores).max().orElse(Double.NaN),
        median(Arrays.stream(rss)),
        Arrays.stream(rss).max().orElse(Double.NaN),
        loadBefore,
        LoadAverage.read(),
        cores,
        rss);
  }

  private static long rssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** The ports of one data dir; a restart reuses them, as a user's restart would. */
  record Ports(int http, int management, int kafka, int controller, int kms) {
    static Ports free() throws IOException {
      return new Ports(freePort(), freePort(), freePort(), freePort(), freePort());
    }
  }

  /** One node process, from its start to its stop. */
  private static final class Node {
    private final DevNodeLifecycle owner;
    private final Process process;
    private final Path log;

    private Node(DevNodeLifecycle owner, Process process, Path log) {
      this.owner = owner;
      this.process = process;
      this.log = log;
    }

    /**
     * Starts the node and waits until it is ready.
     *
     * @param stopSeconds how long the preceding stop took (NaN for a cold start), for the record
     */
    static Node start(
        DevNodeLifecycle owner, Path data, Ports ports, String kind, int run, double stopSeconds)
        throws Exception {
      Options o = owner.options;
      Path log = data.resolve("node-" + (++owner.logCounter) + ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(o.jvmOptions());
      command.addAll(
          List.of(
              "-jar",
              o.jar().toString(),
              "dev",
              "--data-dir",
              data.resolve("node").toString(),
              "--host",
              HOST,
              "--http-port",
              Integer.toString(ports.http()),
              "--management-port",
              Integer.toString(ports.management()),
              "--kafka-port",
              Integer.toString(ports.kafka()),
              "--kafka-controller-port",
              Integer.toString(ports.controller()),
              "--kms-port",
              Integer.toString(ports.kms())));
      double load = Double.parseDouble(LoadAverage.read().split(" ")[0]);
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      long wallStart = System.currentTimeMillis();
      long started = System.nanoTime();
      Process process = builder.start();
      long deadline = started + READY_TIMEOUT.toNanos();
      double healthz = Double.NaN;
      double readyLine = Double.NaN;
      while (Double.isNaN(healthz) || Double.isNaN(readyLine)) {
        long poll = System.nanoTime();
        if (Double.isNaN(healthz) && healthz(ports.http())) {
          healthz = (System.nanoTime() - started) / 1e9;
        }
        if (Double.isNaN(readyLine) && Files.readString(log).contains(READY_LINE)) {
          readyLine = (System.nanoTime() - started) / 1e9;
        }
        if (!process.isAlive()) {
          throw new IOException(
              "the dev node exited with " + process.exitValue() + ":\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly().waitFor();
          throw new IOException(
              "the dev node was not ready within " + READY_TIMEOUT + "\n" + tail(log));
        }
        long sleep = POLL_MS - (System.nanoTime() - poll) / 1_000_000;
        if (sleep > 0) {
          // A fixed 50 ms poll of another process's readiness, bounded by the start timeout.
          Thread.sleep(sleep);
        }
      }
      List<String> timeline = timeline(log, wallStart);
      Start s = new Start(kind, run, healthz, readyLine, stopSeconds, load, timeline);
      owner.starts.add(s);
      System.out.printf(
          Locale.ROOT,
          "%s%s: /healthz 200 after %.2f s, ready line after %.2f s (load %.2f, pid %d)%n",
          kind,
          run > 0 ? " " + run + "/" + o.runs() : "",
          healthz,
          readyLine,
          load,
          process.pid());
      for (String line : timeline) {
        System.out.println("    " + line);
      }
      return new Node(owner, process, log);
    }

    /** Stops the node: SIGKILL ({@code kill}) or SIGTERM; returns the seconds to its exit. */
    double stop(boolean kill) throws Exception {
      long t = System.nanoTime();
      if (kill) {
        process.destroyForcibly();
      } else {
        process.destroy();
      }
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        System.out.println("  the node did not exit within 60 s of SIGTERM; killing it");
        process.destroyForcibly().waitFor();
      }
      double seconds = (System.nanoTime() - t) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "  stopped (%s) in %.2f s, exit %d%n",
          kill ? "kill -9" : "SIGTERM",
          seconds,
          process.exitValue());
      if (owner.options.logs() != null) {
        Files.copy(
            log,
            owner.options.logs().resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return seconds;
    }
  }

  /**
   * The node log's milestones with their time since the process start: the first log line, the
   * broker's ready line, each Streams state change, warnings and errors, and the ready line.
   */
  private static List<String> timeline(Path log, long wallStart) throws IOException {
    List<String> milestones = new ArrayList<>();
    LocalDate today = LocalDate.now();
    boolean first = true;
    for (String line : Files.readAllLines(log)) {
      Matcher m = LOG_LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String message = m.group(4);
      boolean milestone =
          first
              || message.startsWith("Embedded Kafka broker ready")
              || message.startsWith("streams ")
              || line.contains(" WARN ")
              || line.contains(" ERROR ");
      if (!milestone) {
        continue;
      }
      first = false;
      try {
        long at =
            LocalTime.parse(m.group(1))
                .atDate(today)
                .atZone(ZoneId.systemDefault())
                .toInstant()
                .toEpochMilli();
        String text = message.length() > 160 ? message.substring(0, 160) + "..." : message;
        milestones.add(
            String.format(
                Locale.ROOT,
                "%+7.2f s [%s] %s: %s",
                (at - wallStart) / 1e3,
                m.group(2),
                shortName(m.group(3)),
                text));
      } catch (DateTimeParseException e) {
        // not a log line after all
      }
    }
    return milestones;
  }

  private static String shortName(String logger) {
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }

  /** One GET /healthz on a new connection: true on a 200. */
  private static boolean healthz(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 50);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /healthz HTTP/1.1\r\nHost: " + HOST + ":" + port + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = new byte[12];
      int n = 0;
      while (n < head.length) {
        int r = in.read(head, n, head.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return n == head.length
          && new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }

  private static double median(java.util.stream.DoubleStream values) {
    double[] sorted = values.sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
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
