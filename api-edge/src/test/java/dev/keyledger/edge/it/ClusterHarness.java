package dev.keyledger.edge.it;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.node.KeyLedgerNode;
import dev.keyledger.edge.node.NodeSettings;
import dev.keyledger.engine.crypto.PlatformKey;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.engine.testing.MutableClock;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Several KeyLedger instances of one application on this JVM: one real broker, one local-kms, and
 * per instance its own Kafka Streams, state dir and HTTP port; the JWT secret and the platform key
 * are the same on every instance (as a cluster's configuration gives them), and one clock moves
 * them all.
 */
final class ClusterHarness implements AutoCloseable {

  final KafkaFixture kafka;
  final LocalKms kms;
  final CustomerAccount customer;
  final MutableClock clock = new MutableClock(Instant.now());
  private final Path base;
  private final List<KeyLedgerNode> nodes = new ArrayList<>();
  private final List<Http> http = new ArrayList<>();
  private final java.util.Set<Integer> stopped = new java.util.HashSet<>();
  private final JwtKeys jwtKeys;

  /**
   * @param workers adjusts the workers' periods of every instance
   */
  ClusterHarness(
      Path base,
      int instances,
      int partitions,
      java.util.function.UnaryOperator<WorkerSettings> workers)
      throws Exception {
    this.base = base;
    this.kafka = KafkaFixture.start(base.resolve("kafka"));
    LocalKmsConfig kmsConfig = LocalKmsConfig.defaults().withPort(0);
    this.kms = LocalKms.start(kmsConfig);
    this.customer = new CustomerAccount(kms.endpoint());
    AwsKmsSettings aws =
        AwsKmsSettings.defaults()
            .withEndpointOverride(kms.endpoint())
            .withPlatformCredentials(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        kmsConfig.platformAccessKeyId(), kmsConfig.platformSecretAccessKey())),
                kmsConfig.platformPrincipalArn());
    Path shared = base.resolve("shared");
    jwtKeys = JwtKeys.loadOrCreate(shared);
    PlatformKey.loadOrCreate(shared).destroy();
    for (int i = 0; i < instances; i++) {
      Path dataDir = base.resolve("node-" + i);
      Files.createDirectories(dataDir.resolve("secrets"));
      Files.copy(
          shared.resolve("secrets").resolve("jwt-hs256.key"),
          dataDir.resolve("secrets").resolve("jwt-hs256.key"));
      Files.copy(shared.resolve(PlatformKey.FILE_NAME), dataDir.resolve(PlatformKey.FILE_NAME));
      NodeSettings settings =
          NodeSettings.of(
                  dataDir,
                  kafka.clientProps(),
                  "keyledger-cluster-it",
                  "klc",
                  new TopicsAdmin.Settings(partitions, (short) 1, Map.of()),
                  "127.0.0.1",
                  0,
                  aws)
              .withCommandWait(Duration.ofSeconds(20))
              .withClock(clock)
              .withWorkers(workers.apply(WorkerSettings.defaults()))
              .withKafka(Map.of("num.standby.replicas", 1));
      KeyLedgerNode node = KeyLedgerNode.start(settings);
      nodes.add(node);
      http.add(new Http(node.httpPort()));
    }
  }

  int size() {
    return nodes.size();
  }

  /** The HTTP client of instance {@code i}. */
  Http http(int i) {
    return http.get(i);
  }

  /** The management port of instance {@code i} ({@code /readyz}). */
  int managementPort(int i) {
    return nodes.get(i).managementPort();
  }

  /** Stops instance {@code i} without leaving the consumer group (a static member just goes). */
  void stop(int i) {
    stopped.add(i);
    nodes.get(i).close();
  }

  String token(String org, String sub, Role... roles) {
    return new TokenIssuer(jwtKeys, clock)
        .issueAccess(new Principal(sub, org, EnumSet.of(roles[0], roles)));
  }

  Path base() {
    return base;
  }

  @Override
  public void close() throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      if (!stopped.contains(i)) {
        nodes.get(i).close();
      }
    }
    customer.close();
    kms.close();
    kafka.close();
  }
}
