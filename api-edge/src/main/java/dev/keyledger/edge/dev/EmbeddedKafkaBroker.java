package dev.keyledger.edge.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode's Kafka: one KRaft node ({@code process.roles=broker,controller}) running in this JVM.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Both listeners bind to the given host only (PLAINTEXT on {@code host:port}, CONTROLLER on
 *       {@code host:controllerPort}); a wildcard host is refused, since the broker has no
 *       authentication.
 *   <li>State lives in {@code dataDir}, which is formatted (fresh cluster id) only when it has no
 *       {@code meta.properties}; restarting on the same directory keeps topics, records and the
 *       cluster id.
 *   <li>Single-node settings: replication factor 1 for internal topics, transactions work, {@code
 *       num.partitions=12}, no topic auto-creation, no initial rebalance delay.
 *   <li>A taken port is found before Kafka starts and reported as {@link PortInUseException} (flags
 *       {@code --kafka-port} and {@code --kafka-controller-port}).
 * </ul>
 *
 * The controller quorum is the static voter set {@code 1@host:controllerPort}, so the controller
 * port may differ between restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final String clusterId;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, String clusterId) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.clusterId = clusterId;
  }

  /**
   * Formats {@code dataDir} if needed and starts the node; returns once the broker is unfenced and
   * its listener accepts connections (Kafka's own startup waits for both).
   *
   * @param dataDir the broker's own directory (log dirs and metadata log), created if missing
   * @param host a concrete local address, normally {@code 127.0.0.1}
   * @param port the client (PLAINTEXT) port, 1..65535
   * @param controllerPort the KRaft controller port, 1..65535, different from {@code port}
   * @throws PortInUseException if either port is already bound on {@code host}
   * @throws IOException if {@code dataDir} cannot be prepared or formatted
   */
  public static EmbeddedKafkaBroker start(Path dataDir, String host, int port, int controllerPort)
      throws IOException {
    checkArguments(host, port, controllerPort);
    ensureFree(host, port, "--kafka-port");
    ensureFree(host, controllerPort, "--kafka-controller-port");
    Files.createDirectories(dataDir);
    String logDir = dataDir.toAbsolutePath().toString();
    String clusterId = formatIfNeeded(dataDir, logDir);

    KafkaRaftServer server =
        new KafkaRaftServer(
            new KafkaConfig(brokerConfig(logDir, host, port, controllerPort), false), Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      try {
        server.shutdown();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    String bootstrapServers = hostPort(host, port);
    LOG.info(
        "Embedded Kafka broker ready on {} (cluster {}, data in {})",
        bootstrapServers,
        clusterId,
        logDir);
    return new EmbeddedKafkaBroker(server, bootstrapServers, clusterId);
  }

  /** {@code host:port} of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The cluster id, stable across restarts on the same data dir. */
  public String clusterId() {
    return clusterId;
  }

  /** Stops the broker and controller and waits for them; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
  }

  static Map<String, String> brokerConfig(
      String logDir, String host, int port, int controllerPort) {
    Map<String, String> config = new HashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", Integer.toString(NODE_ID));
    config.put("controller.quorum.voters", NODE_ID + "@" + hostPort(host, controllerPort));
    config.put(
        "listeners",
        "PLAINTEXT://"
            + hostPort(host, port)
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + hostPort(host, controllerPort));
    config.put("advertised.listeners", "PLAINTEXT://" + hostPort(host, port));
    config.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    config.put("controller.listener.names", CONTROLLER_LISTENER);
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", logDir);
    config.put("offsets.topic.replication.factor", "1");
    config.put("transaction.state.log.replication.factor", "1");
    config.put("transaction.state.log.min.isr", "1");
    config.put("share.coordinator.state.topic.replication.factor", "1");
    config.put("share.coordinator.state.topic.min.isr", "1");
    config.put("num.partitions", "3");
    config.put("offsets.topic.num.partitions", "1");
    config.put("transaction.state.log.num.partitions", "1");
    config.put("share.coordinator.state.topic.num.partitions", "1");
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "false");
    // After kill -9 the restarted controller still sees the dead incarnation of this broker and
    // refuses the new one until that session times out (9 s by default): keep it short on one node.
    config.put("broker.session.timeout.ms", "2000");
    config.put("broker.heartbeat.interval.ms", "500");
    return config;
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static void checkArguments(String host, int port, int controllerPort) throws IOException {
    if (port < 1 || port > 65535 || controllerPort < 1 || controllerPort > 65535) {
      throw new IllegalArgumentException("Kafka ports must be between 1 and 65535");
    }
    if (port == controllerPort) {
      throw new IllegalArgumentException(
          "the Kafka port and the controller port must differ (both " + port + ")");
    }
    if (host == null || host.isBlank() || InetAddress.getByName(host).isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "the dev broker has no authentication and binds one address, "
              + "not a wildcard; use 127.0.0.1");
    }
  }

  private static void ensureFree(String host, int port, String flag) throws PortInUseException {
    try (ServerSocket probe = new ServerSocket()) {
      // allows rebinding over TIME_WAIT connections of a previous run, as Kafka's own acceptor does
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new PortInUseException(host, port, flag);
    }
  }

  private static String formatIfNeeded(Path dataDir, String logDir) throws IOException {
    Path metaProperties = dataDir.resolve("meta.properties");
    if (Files.exists(metaProperties)) {
      return readClusterId(metaProperties);
    }
    String clusterId = Uuid.randomUuid().toString();
    Formatter formatter =
        new Formatter()
            .setPrintStream(
                new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
            .setNodeId(NODE_ID)
            .setClusterId(clusterId)
            .setDirectories(List.of(logDir))
            .setMetadataLogDirectory(logDir)
            .setControllerListenerName(CONTROLLER_LISTENER);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IOException(
          "could not format the Kafka data dir " + logDir + ": " + e.getMessage(), e);
    }
    LOG.info("Formatted new Kafka data dir {} for cluster {}", logDir, clusterId);
    return clusterId;
  }

  private static String readClusterId(Path metaProperties) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(metaProperties)) {
      properties.load(in);
    }
    String clusterId = properties.getProperty("cluster.id");
    if (clusterId == null) {
      throw new IOException(metaProperties + " has no cluster.id; the Kafka data dir is damaged");
    }
    return clusterId;
  }
}
