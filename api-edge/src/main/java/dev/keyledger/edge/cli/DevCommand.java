package dev.keyledger.edge.cli;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.dev.EmbeddedKafkaBroker;
import dev.keyledger.edge.dev.PortInUseException;
import dev.keyledger.edge.node.KeyLedgerNode;
import dev.keyledger.edge.node.NodeSettings;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.topology.MisconfiguredTopicException;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code keyledger dev}: everything on this machine, on loopback: a one-node Kafka, the local KMS
 * emulator, the engine and the edge. State lives under {@code --data-dir} and survives restarts.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description =
        "Run KeyLedger locally: embedded Kafka (loopback), local KMS emulator, engine and HTTP edge.")
public final class DevCommand implements Callable<Integer> {

  /** Where every listener binds by default: loopback only. */
  static final String DEFAULT_HOST = "127.0.0.1";

  /** The broker's default port, which the log-reading commands read by default. */
  static final String DEFAULT_KAFKA_PORT = "9092";

  @Option(
      names = "--data-dir",
      defaultValue = "keyledger-data",
      description = "State directory, kept across restarts (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--host",
      defaultValue = DEFAULT_HOST,
      description = "Address every listener binds (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "HTTP edge port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--management-port",
      defaultValue = "9464",
      description =
          "Port of /metrics (Prometheus), /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int managementPort;

  @Option(
      names = "--kafka-port",
      defaultValue = DEFAULT_KAFKA_PORT,
      description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--kafka-controller-port",
      defaultValue = "9093",
      description = "Kafka controller port (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(
      names = "--kms-port",
      defaultValue = "4566",
      description = "Local KMS emulator port (default: ${DEFAULT-VALUE}).")
  int kmsPort;

  @Option(
      names = "--byok-ttl",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "How long plaintext keys under a customer's CMK stay in memory: the kill switch takes effect within it (default: ${DEFAULT-VALUE}).")
  Duration byokTtl;

  @Option(
      names = "--seal-retry",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How often a sealed tenant's CMK is retried (default: ${DEFAULT-VALUE}).")
  Duration sealRetry;

  @Option(
      names = "--org",
      defaultValue = "demo",
      description = "Tenant of the printed dev token (default: ${DEFAULT-VALUE}).")
  String org;

  @Override
  public Integer call() throws Exception {
    Path data = dataDir.toAbsolutePath();
    PortInUseException.requireFree(host, httpPort, "--http-port");
    PortInUseException.requireFree(host, managementPort, "--management-port");
    PortInUseException.requireFree(host, kmsPort, "--kms-port");
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(data.resolve("kafka"), host, kafkaPort, controllerPort);
    LocalKms kms = null;
    KeyLedgerNode node = null;
    LocalKmsConfig kmsConfig =
        LocalKmsConfig.defaults()
            .withHost(host)
            .withPort(kmsPort)
            .withDataDir(data.resolve("local-kms"));
    try {
      kms = LocalKms.start(kmsConfig);
      AwsKmsSettings awsSettings =
          AwsKmsSettings.defaults()
              .withEndpointOverride(kms.endpoint())
              .withPlatformCredentials(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(
                          kmsConfig.platformAccessKeyId(), kmsConfig.platformSecretAccessKey())),
                  kmsConfig.platformPrincipalArn());
      node =
          KeyLedgerNode.start(
              NodeSettings.of(
                      data,
                      Map.of("bootstrap.servers", broker.bootstrapServers()),
                      "keyledger",
                      "keyledger",
                      TopicsAdmin.Settings.dev(),
                      host,
                      httpPort,
                      awsSettings)
                  .withManagementPort(managementPort)
                  .withKeyring(KeyringSettings.defaults().withByokTtl(byokTtl))
                  .withWorkers(
                      new WorkerSettings(
                          sealRetry,
                          WorkerSettings.defaults().validation(),
                          WorkerSettings.defaults().rewrap(),
                          WorkerSettings.defaults().rewrapBatch())));
    } catch (MisconfiguredTopicException e) {
      closeAll(node, kms, broker);
      e.problems().forEach(problem -> System.err.println("keyledger dev: " + problem));
      return 1;
    } catch (Exception | Error e) {
      closeAll(node, kms, broker);
      throw e;
    }
    KeyLedgerNode started = node;
    LocalKms startedKms = kms;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> closeAll(started, startedKms, broker), "keyledger-shutdown"));
    printReady(data, broker, startedKms, kmsConfig, started.httpPort(), started.managementPort());
    started.awaitFailure();
    return 1;
  }

  private void printReady(
      Path data,
      EmbeddedKafkaBroker broker,
      LocalKms kms,
      LocalKmsConfig kmsConfig,
      int port,
      int managementPort)
      throws IOException {
    String token =
        new TokenIssuer(JwtKeys.loadOrCreate(data), Clock.systemUTC())
            .issueAccess(
                new Principal(
                    "dev@keyledger.local", org, EnumSet.of(Role.OWNER, Role.ADMIN, Role.AUDITOR)));
    String base = "http://" + host + ":" + port;
    System.out.println(
        "KeyLedger dev mode ready: edge "
            + base
            + ", management http://"
            + host
            + ":"
            + managementPort
            + "/metrics"
            + ", kafka "
            + broker.bootstrapServers()
            + ", kms "
            + kms.endpoint()
            + ", data "
            + data);
    System.out.println();
    System.out.println("Dev token (org " + org + ", roles owner,admin,auditor, valid 12 h):");
    System.out.println("  export KL_TOKEN=" + token);
    System.out.println("Admin console: " + base + "/console/ (sign in with this token)");
    System.out.println("Try:");
    System.out.println(
        "  curl -s " + base + "/api/v1/byok/legal-waiver -H \"Authorization: Bearer $KL_TOKEN\"");
    System.out.println(
        "  curl -s " + base + "/api/v1/byok/keys -H \"Authorization: Bearer $KL_TOKEN\"");
    System.out.println(
        "  curl -s " + base + "/api/v1/byok/audit -H \"Authorization: Bearer $KL_TOKEN\"");
    System.out.println(
        "Customer account "
            + kmsConfig.customerAccountId()
            + " for the AWS CLI: AWS_ACCESS_KEY_ID="
            + kmsConfig.customerAccessKeyId()
            + " AWS_SECRET_ACCESS_KEY="
            + kmsConfig.customerSecretAccessKey()
            + " aws --endpoint-url "
            + kms.endpoint()
            + " --region us-east-1 kms create-key ...");
    System.out.println(
        "Platform principal (grant it in key policies): " + kmsConfig.platformPrincipalArn());
    System.out.println("Walkthrough: README.md. Stop with Ctrl-C; state stays in " + data + ".");
    System.out.flush();
  }

  private static void closeAll(KeyLedgerNode node, LocalKms kms, EmbeddedKafkaBroker broker) {
    if (node != null) {
      node.close();
    }
    if (kms != null) {
      kms.close();
    }
    broker.close();
  }
}
