package dev.keyledger.edge.cli;

import dev.keyledger.edge.config.ConfigException;
import dev.keyledger.edge.config.ConfigLayers;
import dev.keyledger.edge.config.ConfiguredSecrets;
import dev.keyledger.edge.config.KeyLedgerConfig;
import dev.keyledger.edge.config.Setting;
import dev.keyledger.edge.dev.PortInUseException;
import dev.keyledger.edge.node.KeyLedgerNode;
import dev.keyledger.edge.node.NodeSecrets;
import dev.keyledger.engine.topology.MisconfiguredTopicException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyledger serve}: one production instance against an external Kafka cluster and AWS KMS
 * (platform credentials from the AWS default chain). Configuration layers: defaults &lt; {@code
 * --config} file &lt; {@code KEYLEDGER_*} environment &lt; flags (see docs/configuration.md). Exit
 * codes: 2 for a bad configuration, 1 when Kafka is unreachable, the HTTP or management port is
 * taken or the stream threads fail; each of these is reported as one line. SIGTERM shuts the
 * instance down cleanly.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run one KeyLedger instance against an external Kafka cluster and AWS KMS.")
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static final long KAFKA_CHECK_SECONDS = 30;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (Java properties).")
  Path configFile;

  @Option(
      names = "--http-port",
      paramLabel = "N",
      description = "HTTP edge port; overrides http.port.")
  String httpPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "State directory; overrides data.dir.")
  String dataDir;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any configuration key, e.g. --set kafka.security.protocol=SSL; repeatable.")
  List<String> sets = new ArrayList<>();

  @Spec CommandSpec spec;

  private final Map<String, String> environment;

  /** Reads the process environment. */
  public ServeCommand() {
    this(System.getenv());
  }

  /**
   * @param environment the variables to read {@code KEYLEDGER_*} settings from (tests pass their
   *     own)
   */
  ServeCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Integer call() throws Exception {
    KeyLedgerNode node;
    try {
      node = start();
    } catch (PortInUseException | KafkaUnreachableException e) {
      err().println("keyledger serve: " + e.getMessage());
      return 1;
    } catch (MisconfiguredTopicException e) {
      e.problems().forEach(problem -> err().println("keyledger serve: " + problem));
      return 1;
    }
    if (node == null) {
      return spec.exitCodeOnInvalidInput();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "keyledger-shutdown"));
    node.awaitFailure();
    err().println("keyledger serve: the stream threads failed (see the log above); exiting");
    return 1;
  }

  /**
   * Loads and checks the configuration, then starts the node and prints the ready line.
   *
   * @return the running node, or null after a configuration error has been printed
   * @throws PortInUseException if the HTTP or the management port is taken
   * @throws KafkaUnreachableException if no broker answers
   */
  KeyLedgerNode start() throws Exception {
    KeyLedgerConfig config;
    NodeSecrets secrets;
    try {
      config = KeyLedgerConfig.from(layers());
      LOG.info("{}", config.describe());
      if (config.identityProvider().filter(idp -> idp.stepUpAcr().isEmpty()).isPresent()) {
        LOG.warn(
            "auth.stepup.acr is not set: every call that needs a step-up token (DELETE /keys,"
                + " rotations, unseal, revoke) will be refused");
      }
      requireResolvable(config);
      secrets = ConfiguredSecrets.load(config);
    } catch (ConfigException e) {
      err().println("keyledger serve: " + e.getMessage());
      return null;
    }
    PortInUseException.requireFree(
        config.httpHost(), config.httpPort(), "--http-port (or http.port)");
    PortInUseException.requireFree(
        config.httpHost(), config.managementPort(), "--set management.port=N");
    requireKafka(config);
    KeyLedgerNode node = KeyLedgerNode.start(config.nodeSettings().withSecrets(secrets));
    spec.commandLine()
        .getOut()
        .println(
            "KeyLedger ready: edge http://"
                + config.httpHost()
                + ":"
                + node.httpPort()
                + ", management http://"
                + config.httpHost()
                + ":"
                + node.managementPort()
                + "/metrics"
                + ", kafka "
                + config.bootstrapServers()
                + ", application.id "
                + config.applicationId()
                + ", kms "
                + config.kmsEndpoint().map(Object::toString).orElse("AWS")
                + ", data "
                + config.dataDir());
    spec.commandLine().getOut().flush();
    return node;
  }

  private ConfigLayers layers() {
    ConfigLayers layers = ConfigLayers.defaults();
    if (configFile != null) {
      layers = layers.withFile(configFile);
    }
    List<Setting> flags = new ArrayList<>();
    if (httpPort != null) {
      flags.add(Setting.flag("http.port", httpPort, "--http-port"));
    }
    if (dataDir != null) {
      flags.add(Setting.flag("data.dir", dataDir, "--data-dir"));
    }
    for (String assignment : sets) {
      int eq = assignment.indexOf('=');
      if (eq < 1) {
        throw new ConfigException("--set " + assignment + ": expected KEY=VALUE");
      }
      flags.add(
          Setting.flag(
              assignment.substring(0, eq).strip(), assignment.substring(eq + 1).strip(), "--set"));
    }
    return layers.withEnvironment(environment).withFlags(flags);
  }

  private static void requireResolvable(KeyLedgerConfig config) {
    try {
      InetAddress.getByName(config.httpHost());
    } catch (UnknownHostException e) {
      throw ConfigException.invalid(
          config.setting("http.host").orElseThrow(),
          "not an address of this host, nor a name that resolves");
    }
  }

  /** Fails in one line when no broker answers, before Streams would retry silently for minutes. */
  private static void requireKafka(KeyLedgerConfig config)
      throws InterruptedException, KafkaUnreachableException {
    try (Admin admin = Admin.create(new HashMap<>(config.kafka()))) {
      admin.describeCluster().clusterId().get(KAFKA_CHECK_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new KafkaUnreachableException(
          config.bootstrapServers(),
          Objects.toString(e.getCause().getMessage(), e.getCause().getClass().getSimpleName()));
    } catch (TimeoutException e) {
      throw new KafkaUnreachableException(
          config.bootstrapServers(), "no answer within " + KAFKA_CHECK_SECONDS + " s");
    } catch (KafkaException e) {
      throw new KafkaUnreachableException(config.bootstrapServers(), e.getMessage());
    }
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** No broker of {@code kafka.bootstrap.servers} answered; the message is one printable line. */
  static final class KafkaUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    KafkaUnreachableException(String bootstrapServers, String why) {
      super(
          "Kafka is not reachable at "
              + bootstrapServers
              + " ("
              + why
              + "); check kafka.bootstrap.servers and the kafka.* security settings");
    }
  }
}
