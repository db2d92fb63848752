package dev.keyledger.benchmarks.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of child JVMs ({@code kafka.Kafka}, from this JVM's class path): one KRaft
 * controller and three brokers (DESIGN.md: separate broker nodes plus one controller), each with
 * its own data dir that survives its kills, so a killed broker comes back with its log and catches
 * up. Production settings where they matter to the trials: replication factor 3 and {@code
 * min.insync.replicas=2} for every topic (the transaction state log included), no unclean leader
 * election, and a broker session of 3 s so that the controller fences a killed broker quickly.
 */
final class BrokerCluster implements AutoCloseable {

  private static final String HOST = "127.0.0.1";
  private static final Duration START = Duration.ofSeconds(90);

  private final ChildProcess controller;
  private final List<ChildProcess> brokers;
  private final List<Integer> brokerPorts;

  private BrokerCluster(
      ChildProcess controller, List<ChildProcess> brokers, List<Integer> brokerPorts) {
    this.controller = controller;
    this.brokers = brokers;
    this.brokerPorts = brokerPorts;
  }

  /** Formats and starts the controller and the brokers under {@code dir}. */
  static BrokerCluster start(Path dir, int brokerCount) throws IOException, InterruptedException {
    String clusterId = Uuid.randomUuid().toString();
    int controllerPort = Ports.free();
    String voters = "0@" + HOST + ":" + controllerPort;
    ChildProcess controller =
        node(
            dir, 0, "controller", voters, "CONTROLLER://" + HOST + ":" + controllerPort, clusterId);
    controller.start(START);
    List<ChildProcess> brokers = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (int id = 1; id <= brokerCount; id++) {
      int port = Ports.free();
      ports.add(port);
      brokers.add(node(dir, id, "broker", voters, "PLAINTEXT://" + HOST + ":" + port, clusterId));
    }
    BrokerCluster cluster = new BrokerCluster(controller, brokers, ports);
    for (ChildProcess broker : brokers) {
      broker.start(START);
    }
    return cluster;
  }

  String bootstrapServers() {
    return brokerPorts.stream().map(p -> HOST + ":" + p).collect(Collectors.joining(","));
  }

  int size() {
    return brokers.size();
  }

  /** SIGKILLs broker {@code index} (0-based). */
  void kill(int index) throws InterruptedException {
    brokers.get(index).kill();
  }

  /**
   * Starts broker {@code index} again on its data dir.
   *
   * @return seconds to its listener accepting connections
   */
  double restart(int index) throws IOException, InterruptedException {
    return brokers.get(index).start(START);
  }

  /**
   * Waits until every partition of every topic has all brokers in its ISR (the restarted broker has
   * caught up), so that the next kill leaves two in-sync replicas.
   *
   * @return seconds it took
   * @throws IOException if that does not happen within {@code timeout}
   */
  double awaitFullIsr(Duration timeout) throws IOException, InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(props)) {
      while (System.nanoTime() < deadline) {
        if (fullIsr(admin)) {
          return (System.nanoTime() - started) / 1e9;
        }
        // Polls the cluster's metadata, bounded by the deadline.
        Thread.sleep(200);
      }
    }
    throw new IOException("the ISRs were not full again within " + timeout);
  }

  private boolean fullIsr(Admin admin) throws InterruptedException {
    try {
      var names =
          admin
              .listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
              .names()
              .get();
      Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
      return topics.values().stream()
          .flatMap(t -> t.partitions().stream())
          .allMatch(p -> p.isr().size() == brokers.size());
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (ChildProcess broker : brokers) {
      broker.close();
    }
    controller.close();
  }

  private static ChildProcess node(
      Path dir, int id, String role, String voters, String listener, String clusterId)
      throws IOException, InterruptedException {
    Path home = dir.resolve(role + "-" + id);
    Files.createDirectories(home);
    Properties p = new Properties();
    p.put("node.id", Integer.toString(id));
    p.put("process.roles", role);
    p.put("listeners", listener);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.quorum.voters", voters);
    p.put("log.dirs", home.resolve("data").toAbsolutePath().toString());
    if (role.equals("broker")) {
      p.put("advertised.listeners", listener);
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("num.partitions", "12");
      p.put("default.replication.factor", "3");
      p.put("min.insync.replicas", "2");
      p.put("offsets.topic.replication.factor", "3");
      p.put("transaction.state.log.replication.factor", "3");
      p.put("transaction.state.log.min.isr", "2");
      p.put("auto.create.topics.enable", "false");
      p.put("unclean.leader.election.enable", "false");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("broker.heartbeat.interval.ms", "500");
    } else {
      p.put("broker.session.timeout.ms", "3000");
    }
    Path config = home.resolve("server.properties");
    try (var out = Files.newBufferedWriter(config)) {
      p.store(out, "KeyLedger fault trials: " + role + " " + id);
    }
    List<String> jvm =
        List.of(
            ChildProcess.java(),
            "-Xmx320m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"));
    List<String> format = new ArrayList<>(jvm);
    format.addAll(
        List.of(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            clusterId,
            "-c",
            config.toString(),
            "--ignore-formatted"));
    Process formatting =
        new ProcessBuilder(format)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("format.log").toFile()))
            .start();
    if (formatting.waitFor() != 0) {
      throw new IOException("formatting " + home + " failed; see " + home.resolve("format.log"));
    }
    List<String> run = new ArrayList<>(jvm);
    run.addAll(List.of("kafka.Kafka", config.toString()));
    int port = Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
    return new ChildProcess(
        role + "-" + id, run, Map.of(), home.resolve("node.log"), () -> accepts(port));
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
