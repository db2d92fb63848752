package dev.keyledger.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TestIdentityProvider;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.node.KeyLedgerNode;
import dev.keyledger.engine.testing.KafkaFixture;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve} against a real broker, configured by file + environment + flags, with local-kms as
 * the KMS endpoint.
 */
class ServeCommandIT {

  @TempDir Path dir;

  @Test
  void servesHealthAndAcceptsTokensSignedWithTheConfiguredSecretWithoutCopyingSecrets()
      throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    byte[] platformKey = new byte[32];
    new SecureRandom().nextBytes(platformKey);
    Path jwtSecret = dir.resolve("jwt.key");
    Files.writeString(jwtSecret, Base64.getEncoder().encodeToString(secret));
    try (KafkaFixture kafka = KafkaFixture.start(dir.resolve("kafka"));
        LocalKms kms = LocalKms.start(LocalKmsConfig.defaults().withPort(0))) {
      Path config = dir.resolve("keyledger.properties");
      Files.write(
          config,
          List.of(
              "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
              "application.id=keyledger-serve-it",
              "topic.partitions=3",
              "topic.replication.factor=3",
              "kms.endpoint=" + kms.endpoint(),
              "auth.mode=shared-secret",
              "auth.jwt.secret.file=" + jwtSecret));
      ServeCommand serve =
          new ServeCommand(
              Map.of(
                  "KEYLEDGER_TOPIC_REPLICATION_FACTOR",
                  "1",
                  "KEYLEDGER_PLATFORM_KEY",
                  Base64.getEncoder().encodeToString(platformKey)));
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(serve);
      cli.setOut(new PrintWriter(out, true));
      cli.parseArgs(
          "--config",
          config.toString(),
          "--http-port",
          "0",
          "--set",
          "management.port=0",
          "--data-dir",
          dir.resolve("data").toString());

      try (KeyLedgerNode node = serve.start()) {
        assertThat(out.toString())
            .startsWith(
                "KeyLedger ready: edge http://127.0.0.1:"
                    + node.httpPort()
                    + ", management http://127.0.0.1:"
                    + node.managementPort()
                    + "/metrics, kafka "
                    + kafka.bootstrapServers()
                    + ", application.id keyledger-serve-it, kms "
                    + kms.endpoint());
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + node.httpPort();
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        String token =
            new TokenIssuer(JwtKeys.of(secret), Clock.systemUTC())
                .issueAccess(new Principal("ops@acme.example", "acme", EnumSet.of(Role.OWNER)));
        HttpResponse<String> waiver =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/byok/legal-waiver"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        String foreign =
            new TokenIssuer(JwtKeys.of(new byte[32]), Clock.systemUTC())
                .issueAccess(new Principal("ops@acme.example", "acme", EnumSet.of(Role.OWNER)));
        HttpResponse<String> refused =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/byok/legal-waiver"))
                    .header("Authorization", "Bearer " + foreign)
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"ok\"");
        assertThat(waiver.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(401);
        // Scan every file the instance wrote for the secrets, raw or in base64.
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("data"))) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            byte[] content = Files.readAllBytes(file);
            for (byte[] needle :
                List.of(
                    secret,
                    platformKey,
                    Base64.getEncoder().encode(secret),
                    Base64.getEncoder().encode(platformKey))) {
              assertThat(indexOf(content, needle)).as("a secret in %s", file).isEqualTo(-1);
            }
          }
        }
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void anExistingKeyMaterialTopicThatIsNotCompactedStopsServeWithOneLineAndNoStackTrace()
      throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start(dir.resolve("kafka"));
        Admin admin = Admin.create(kafka.clientProps())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("keyledger.key-material", 3, (short) 1)
                      .configs(
                          Map.of(
                              "cleanup.policy",
                              "delete",
                              "segment.ms",
                              "3600000",
                              "max.compaction.lag.ms",
                              "3600000"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      StringWriter err = new StringWriter();
      CommandLine cli =
          new CommandLine(
              new ServeCommand(
                  Map.of(
                      "KEYLEDGER_PLATFORM_KEY", Base64.getEncoder().encodeToString(new byte[32]))));
      cli.setErr(new PrintWriter(err, true));
      cli.setOut(new PrintWriter(new StringWriter(), true));

      int exit =
          cli.execute(
              "--http-port",
              "0",
              "--data-dir",
              dir.resolve("data").toString(),
              "--set",
              "management.port=0",
              "--set",
              "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
              "--set",
              "topic.replication.factor=1",
              "--set",
              "auth.mode=shared-secret");

      assertThat(exit).isEqualTo(1);
      assertThat(err.toString())
          .isEqualTo(
              "keyledger serve: topic keyledger.key-material: cleanup.policy=delete, but key"
                  + " material must be compacted, and only compacted: a tombstone is how a key is"
                  + " erased, and deletion by age would drop keys still in use. Fix:"
                  + " kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics"
                  + " --entity-name keyledger.key-material --add-config cleanup.policy=compact"
                  + System.lineSeparator());
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .containsExactly("keyledger.key-material");
    }
  }

  @Test
  void servesTokensOfTheIdentityProviderByDefault() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start(dir.resolve("kafka"));
        LocalKms kms = LocalKms.start(LocalKmsConfig.defaults().withPort(0));
        TestIdentityProvider idp = TestIdentityProvider.start()) {
      Path config = dir.resolve("keyledger.properties");
      Files.write(
          config,
          List.of(
              "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
              "application.id=keyledger-serve-jwks-it",
              "topic.partitions=3",
              "topic.replication.factor=1",
              "kms.endpoint=" + kms.endpoint(),
              "auth.issuer=" + idp.issuer(),
              "auth.audience=" + TestIdentityProvider.AUDIENCE,
              "auth.stepup.acr=mfa"));
      ServeCommand serve =
          new ServeCommand(
              Map.of("KEYLEDGER_PLATFORM_KEY", Base64.getEncoder().encodeToString(new byte[32])));
      CommandLine cli = new CommandLine(serve);
      cli.setOut(new PrintWriter(new StringWriter(), true));
      Path data = dir.resolve("data");
      cli.parseArgs(
          "--config", config.toString(), "--http-port", "0", "--data-dir", data.toString());

      try (KeyLedgerNode node = serve.start()) {
        HttpClient http = HttpClient.newHttpClient();
        String waiver = "http://127.0.0.1:" + node.httpPort() + "/api/v1/byok/legal-waiver";
        String idpToken =
            idp.rs256(idp.claims("ops@acme.example", "acme", Instant.now(), "owner").build());
        String dataDirToken =
            new TokenIssuer(JwtKeys.loadOrCreate(data), Clock.systemUTC())
                .issueAccess(new Principal("ops@acme.example", "acme", EnumSet.of(Role.OWNER)));

        HttpResponse<String> accepted =
            http.send(
                HttpRequest.newBuilder(URI.create(waiver))
                    .header("Authorization", "Bearer " + idpToken)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused =
            http.send(
                HttpRequest.newBuilder(URI.create(waiver))
                    .header("Authorization", "Bearer " + dataDirToken)
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(idp.discoveryRequests()).isEqualTo(1);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body())
            .contains("With auth.mode=jwks an HS256 token can only be an agent session token");
      }
    }
  }
}
