package dev.keyledger.edge.it;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.node.KeyLedgerNode;
import dev.keyledger.edge.node.NodeSettings;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A whole KeyLedger on this JVM: a real broker, local-kms, one node and its HTTP edge. */
final class EdgeHarness implements AutoCloseable {

  final KafkaFixture kafka;
  final LocalKms kms;
  final CustomerAccount customer;
  final Path dataDir;
  private final NodeSettings settings;
  private KeyLedgerNode node;
  private Http http;

  EdgeHarness(Path dataDir) throws Exception {
    this(dataDir, settings -> settings);
  }

  /**
   * @param customize adjusts the node settings (TTLs, periods) before the node starts
   */
  EdgeHarness(Path dataDir, java.util.function.UnaryOperator<NodeSettings> customize)
      throws Exception {
    this.dataDir = dataDir;
    this.kafka = KafkaFixture.start(dataDir.resolve("kafka"));
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
    this.settings =
        customize.apply(
            NodeSettings.of(
                    dataDir,
                    kafka.clientProps(),
                    "keyledger-it",
                    "kl",
                    new TopicsAdmin.Settings(3, (short) 1, Map.of()),
                    "127.0.0.1",
                    0,
                    aws)
                .withCommandWait(Duration.ofSeconds(20)));
    startNode();
  }

  void startNode() throws Exception {
    node = KeyLedgerNode.start(settings);
    http = new Http(node.httpPort());
  }

  void stopNode() {
    node.close();
  }

  int httpPort() {
    return node.httpPort();
  }

  int managementPort() {
    return node.managementPort();
  }

  Http http() {
    return http;
  }

  String token(String org, String sub, Role... roles) throws IOException {
    return new TokenIssuer(JwtKeys.loadOrCreate(dataDir), settings.clock())
        .issueAccess(new Principal(sub, org, EnumSet.of(roles[0], roles)));
  }

  String stepUp(String org, String sub, Role... roles) throws IOException {
    return new TokenIssuer(JwtKeys.loadOrCreate(dataDir), settings.clock())
        .issueStepUp(new Principal(sub, org, EnumSet.of(roles[0], roles)));
  }

  @Override
  public void close() throws Exception {
    if (node != null) {
      node.close();
    }
    customer.close();
    kms.close();
    kafka.close();
  }
}
