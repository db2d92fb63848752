package dev.keyledger.benchmarks.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code java -jar keyledger.jar dev} in a JVM of its own, on free loopback ports and a fresh data
 * dir: embedded Kafka, the local KMS emulator, engine and edge, exactly as a developer runs it. Its
 * output goes to {@code node.log} in the data dir; the node is ready when it prints its ready line,
 * from which the customer account of the KMS emulator and the platform principal are taken.
 */
public final class DevNodeProcess implements AutoCloseable {

  /** The local KMS emulator's customer account, as the ready line prints it. */
  public record Customer(String accountId, String accessKeyId, String secretAccessKey) {}

  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern READY =
      Pattern.compile("KeyLedger dev mode ready: edge http://[^:]+:(\\d+), .*kms (\\S+), data ");
  private static final Pattern CUSTOMER =
      Pattern.compile(
          "Customer account (\\d+) for the AWS CLI: AWS_ACCESS_KEY_ID=(\\S+) AWS_SECRET_ACCESS_KEY=(\\S+) ");
  private static final Pattern PRINCIPAL =
      Pattern.compile("Platform principal \\(grant it in key policies\\): (\\S+)");

  private final Process process;
  private final Path dataDir;
  private final int httpPort;
  private final URI kmsEndpoint;
  private final Customer customer;
  private final String platformPrincipal;

  private DevNodeProcess(
      Process process,
      Path dataDir,
      int httpPort,
      URI kmsEndpoint,
      Customer customer,
      String platformPrincipal) {
    this.process = process;
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    this.kmsEndpoint = kmsEndpoint;
    this.customer = customer;
    this.platformPrincipal = platformPrincipal;
  }

  /**
   * Starts {@code nodeJar dev} with a new temporary data dir and waits for its ready line.
   *
   * @param jvmOptions options of the node's JVM (e.g. {@code -Xmx1g}); may be empty
   * @throws IOException if the node exits or is not ready within two minutes (the log's tail is in
   *     the message)
   */
  public static DevNodeProcess start(Path nodeJar, List<String> jvmOptions)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(nodeJar)) {
      throw new IOException(
          nodeJar + " not found: build it with mvn -B -pl benchmarks -am package -DskipTests");
    }
    Path dataDir = Files.createTempDirectory("keyledger-httpload-");
    Path log = dataDir.resolve("node.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            nodeJar.toString(),
            "dev",
            "--data-dir",
            dataDir.resolve("node").toString(),
            "--host",
            HOST,
            "--http-port",
            Integer.toString(freePort()),
            "--management-port",
            Integer.toString(freePort()),
            "--kafka-port",
            Integer.toString(freePort()),
            "--kafka-controller-port",
            Integer.toString(freePort()),
            "--kms-port",
            Integer.toString(freePort())));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String out = Files.readString(log);
      Matcher ready = READY.matcher(out);
      Matcher customer = CUSTOMER.matcher(out);
      Matcher principal = PRINCIPAL.matcher(out);
      if (ready.find() && customer.find() && principal.find()) {
        return new DevNodeProcess(
            process,
            dataDir,
            Integer.parseInt(ready.group(1)),
            URI.create(ready.group(2)),
            new Customer(customer.group(1), customer.group(2), customer.group(3)),
            principal.group(1));
      }
      if (!process.isAlive()) {
        throw new IOException(
            "the dev node exited with " + process.exitValue() + ":\n" + tail(out));
      }
      // Polls another process's readiness, bounded by the start timeout above.
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IOException("the dev node was not ready within " + START_TIMEOUT);
  }

  /** The loopback address every listener binds. */
  public String host() {
    return HOST;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The node's data dir: its JWT secret mints tokens it accepts. */
  public Path nodeDataDir() {
    return dataDir.resolve("node");
  }

  public URI kmsEndpoint() {
    return kmsEndpoint;
  }

  public Customer customer() {
    return customer;
  }

  /** The principal the platform calls KMS as (to grant in a key policy). */
  public String platformPrincipal() {
    return platformPrincipal;
  }

  /** The node JVM's process id (for {@code jcmd}). */
  public long pid() {
    return process.pid();
  }

  /**
   * Stops the node (SIGTERM: its shutdown hook closes engine, KMS and broker) and deletes its data.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static String tail(String out) {
    String[] lines = out.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
  }
}
