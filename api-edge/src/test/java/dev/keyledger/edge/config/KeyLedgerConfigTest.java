package dev.keyledger.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.edge.auth.OidcSettings;
import dev.keyledger.edge.node.NodeSettings;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyLedgerConfigTest {

  private static final String ISSUER = "https://login.example.com/realms/acme";

  /** The keys serve needs: brokers and, for the default auth.mode=jwks, issuer and audience. */
  private static final Map<String, String> BOOTSTRAP =
      Map.of(
          "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
          "b1:9092,b2:9092",
          "KEYLEDGER_AUTH_ISSUER",
          ISSUER,
          "KEYLEDGER_AUTH_AUDIENCE",
          "keyledger");

  @TempDir Path dir;

  private static KeyLedgerConfig withEnv(Map<String, String> env) {
    return KeyLedgerConfig.load(null, env, List.of());
  }

  private static KeyLedgerConfig withSet(String key, String value) {
    return KeyLedgerConfig.load(null, BOOTSTRAP, List.of(Setting.flag(key, value, "--set")));
  }

  @Test
  void defaultsAreTheLibraryDefaultsExceptProductionReplication() {
    NodeSettings node = withEnv(BOOTSTRAP).nodeSettings();
    AwsKmsSettings aws = AwsKmsSettings.defaults();

    assertThat(node.topics()).isEqualTo(new TopicsAdmin.Settings(12, (short) 3, Map.of()));
    assertThat(node.applicationId()).isEqualTo("keyledger");
    assertThat(node.topicPrefix()).isEqualTo("keyledger");
    assertThat(node.httpHost()).isEqualTo("127.0.0.1");
    assertThat(node.httpPort()).isEqualTo(8080);
    assertThat(node.dataDir()).isEqualTo(Path.of("keyledger-data").toAbsolutePath());
    assertThat(node.keyring()).isEqualTo(KeyringSettings.defaults());
    assertThat(node.workers()).isEqualTo(WorkerSettings.defaults());
    assertThat(node.rateLimits()).isEqualTo(RateLimitConfig.defaults());
    assertThat(node.usageFlush()).isEqualTo(Duration.ofSeconds(5));
    assertThat(node.kms().endpointOverride()).isNull();
    assertThat(node.kms().attemptTimeout()).isEqualTo(aws.attemptTimeout());
    assertThat(node.kms().totalTimeout()).isEqualTo(aws.totalTimeout());
    assertThat(node.kms().maxAttempts()).isEqualTo(aws.maxAttempts());
    assertThat(node.kafka())
        .isEqualTo(Map.of("bootstrap.servers", "b1:9092,b2:9092", "num.standby.replicas", "1"));
    assertThat(node.advertisedHost()).isNull();
    assertThat(node.reachableHost()).isEqualTo("127.0.0.1");
    assertThat(node.identityProvider()).contains(OidcSettings.of(ISSUER, "keyledger"));
  }

  @Test
  void everyKeyReachesTheNodeSettings() throws IOException {
    Path file = dir.resolve("k.properties");
    Files.write(
        file,
        List.of(
            "data.dir=" + dir.resolve("data"),
            "http.host=keyledger-1",
            "http.port=8181",
            "http.advertised.host=keyledger-1.keyledger.svc",
            "application.id=kl-prod",
            "topic.prefix=kl",
            "topic.partitions=24",
            "topic.replication.factor=5",
            "kafka.bootstrap.servers=b1:9092",
            "kafka.security.protocol=SASL_SSL",
            "kafka.sasl.mechanism=SCRAM-SHA-512",
            "kafka.num.standby.replicas=2",
            "kms.endpoint=https://vpce-1.kms.eu-west-1.vpce.amazonaws.com",
            "kms.attempt.timeout=3s",
            "kms.total.timeout=10s",
            "kms.max.attempts=4",
            "kms.platform.principal.arn=arn:aws:iam::123456789012:role/keyledger",
            "keys.byok.ttl=2m",
            "keys.platform.ttl=30m",
            "workers.seal.retry=10s",
            "workers.validation=5m",
            "workers.rewrap.period=2s",
            "workers.rewrap.batch=50",
            "usage.flush=7s",
            "ratelimit.keys.create=50/1h",
            "ratelimit.audit=10/1m",
            "auth.issuer=https://acme.eu.auth0.com/",
            "auth.audience=https://keyledger.acme.example",
            "auth.jwks.url=https://acme.eu.auth0.com/.well-known/jwks.json",
            "auth.tenant.claim=org_id",
            "auth.roles.claim=https://keyledger.acme.example/roles",
            "auth.algorithms=RS256, PS256",
            "auth.clock.skew=10s",
            "auth.stepup.acr=http://schemas.openid.net/pape/policies/2007/06/multi-factor,mfa"));

    NodeSettings node = KeyLedgerConfig.load(file, Map.of(), List.of()).nodeSettings();

    assertThat(node.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(node.httpHost()).isEqualTo("keyledger-1");
    assertThat(node.httpPort()).isEqualTo(8181);
    assertThat(node.reachableHost()).isEqualTo("keyledger-1.keyledger.svc");
    assertThat(node.applicationId()).isEqualTo("kl-prod");
    assertThat(node.topicPrefix()).isEqualTo("kl");
    assertThat(node.topics()).isEqualTo(new TopicsAdmin.Settings(24, (short) 5, Map.of()));
    assertThat(node.kafka())
        .isEqualTo(
            Map.of(
                "bootstrap.servers",
                "b1:9092",
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "num.standby.replicas",
                "2"));
    assertThat(node.kms().endpointOverride())
        .isEqualTo(URI.create("https://vpce-1.kms.eu-west-1.vpce.amazonaws.com"));
    assertThat(node.kms().attemptTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(node.kms().totalTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(node.kms().maxAttempts()).isEqualTo(4);
    assertThat(node.kms().platformPrincipalArn())
        .isEqualTo("arn:aws:iam::123456789012:role/keyledger");
    assertThat(node.keyring().byokTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(node.keyring().platformTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(node.workers())
        .isEqualTo(
            new WorkerSettings(
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(2), 50));
    assertThat(node.usageFlush()).isEqualTo(Duration.ofSeconds(7));
    assertThat(node.rateLimits().limits())
        .containsEntry("keys.create", RateLimitConfig.Limit.perHour(50))
        .containsEntry("audit", RateLimitConfig.Limit.perMinute(10))
        .containsEntry("keys.read", RateLimitConfig.Limit.perMinute(100));
    assertThat(node.identityProvider())
        .contains(
            new OidcSettings(
                "https://acme.eu.auth0.com/",
                "https://keyledger.acme.example",
                Optional.of(URI.create("https://acme.eu.auth0.com/.well-known/jwks.json")),
                "org_id",
                "https://keyledger.acme.example/roles",
                Set.of("RS256", "PS256"),
                Duration.ofSeconds(10),
                List.of("http://schemas.openid.net/pape/policies/2007/06/multi-factor", "mfa")));
  }

  @Test
  void bindingEveryInterfaceNeedsAnAdvertisedHost() {
    assertThatThrownBy(() -> withSet("http.host", "0.0.0.0").nodeSettings())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.host=0.0.0.0")
        .hasMessageContaining("set http.advertised.host");
    NodeSettings node =
        KeyLedgerConfig.load(
                null,
                BOOTSTRAP,
                List.of(
                    Setting.flag("http.host", "0.0.0.0", "--set"),
                    Setting.flag("http.advertised.host", "keyledger-2", "--set")))
            .nodeSettings();
    assertThat(node.httpHost()).isEqualTo("0.0.0.0");
    assertThat(node.reachableHost()).isEqualTo("keyledger-2");
  }

  @Test
  void aBadValueNamesKeyValueAndLayer() {
    Map<String, String> env =
        Map.of("KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS", "b1:9092", "KEYLEDGER_HTTP_PORT", "abc");

    assertThatThrownBy(() -> withEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "http.port=abc (from environment KEYLEDGER_HTTP_PORT): not a port number (0-65535)");
  }

  @Test
  void badValuesOfEachKindAreRefused() {
    assertThatThrownBy(() -> withSet("http.port", "70000"))
        .hasMessage("http.port=70000 (from flag --set): not a port number (0-65535)");
    assertThatThrownBy(() -> withSet("keys.byok.ttl", "5x"))
        .hasMessageStartingWith("keys.byok.ttl=5x (from flag --set): the unit must be");
    assertThatThrownBy(() -> withSet("topic.partitions", "0"))
        .hasMessage("topic.partitions=0 (from flag --set): must be a whole number from 1 to 10000");
    assertThatThrownBy(() -> withSet("kms.endpoint", "local-kms:4566"))
        .hasMessageStartingWith(
            "kms.endpoint=local-kms:4566 (from flag --set): not an http(s) URL");
    assertThatThrownBy(() -> withSet("kms.platform.principal.arn", "keyledger"))
        .hasMessageStartingWith(
            "kms.platform.principal.arn=keyledger (from flag --set): not an IAM role or user ARN");
    assertThatThrownBy(() -> withSet("ratelimit.keys.create", "lots"))
        .hasMessageStartingWith(
            "ratelimit.keys.create=lots (from flag --set): a rate limit looks like");
    assertThatThrownBy(() -> withSet("application.id", " "))
        .hasMessage("application.id=  (from flag --set): must not be empty");
  }

  @Test
  void totalKmsTimeoutShorterThanOneAttemptConflicts() {
    assertThatThrownBy(() -> withSet("kms.total.timeout", "1s"))
        .hasMessage(
            "kms.total.timeout=1s (from flag --set): shorter than kms.attempt.timeout=2s; the total bound includes every attempt");
  }

  @Test
  void theManagementPortDefaultsTo9464ComesFromAnyLayerAndIsNotTheHttpPort() {
    assertThat(withEnv(BOOTSTRAP).nodeSettings().managementPort()).isEqualTo(9464);
    assertThat(withSet("management.port", "9100").nodeSettings().managementPort()).isEqualTo(9100);
    Map<String, String> env = new java.util.HashMap<>(BOOTSTRAP);
    env.put("KEYLEDGER_MANAGEMENT_PORT", "0");
    assertThat(withEnv(env).managementPort()).as("0 = any free port").isZero();

    assertThatThrownBy(() -> withSet("management.port", "x"))
        .hasMessage("management.port=x (from flag --set): not a port number (0-65535)");
    assertThatThrownBy(() -> withSet("management.port", "8080"))
        .hasMessage(
            "management.port=8080 (from flag --set): the same port as http.port; the management"
                + " port needs its own");
  }

  @Test
  void bootstrapServersAreRequired() {
    assertThatThrownBy(() -> withEnv(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka.bootstrap.servers is required");
  }

  @Test
  void kafkaSettingsKeyLedgerOwnsCannotBeOverridden() {
    assertThatThrownBy(() -> withSet("kafka.application.id", "other"))
        .hasMessage(
            "kafka.application.id=other (from flag --set): KeyLedger sets application.id itself; use application.id");
    assertThatThrownBy(() -> withSet("kafka.state.dir", "/tmp"))
        .hasMessageEndingWith("use data.dir");
    assertThatThrownBy(() -> withSet("kafka.application.server", "x:1"))
        .hasMessageEndingWith("use http.advertised.host and http.port");
    assertThatThrownBy(() -> withSet("kafka.task.assignor.class", "x.Other"))
        .hasMessageContaining("keeps all tasks of a partition on one instance");
  }

  @Test
  void platformKeyFromFileAndFromTextConflict() {
    Map<String, String> env =
        Map.of(
            "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
            "b:9092",
            "KEYLEDGER_PLATFORM_KEY",
            "c2VjcmV0",
            "KEYLEDGER_PLATFORM_KEY_FILE",
            "/run/secrets/platform.key");

    assertThatThrownBy(() -> withEnv(env))
        .hasMessage(
            "platform.key=****** (from environment KEYLEDGER_PLATFORM_KEY): conflicts with"
                + " platform.key.file=/run/secrets/platform.key (from environment KEYLEDGER_PLATFORM_KEY_FILE); set one");
  }

  @Test
  void describeListsEveryKeyWithItsSourceAndMasksSecrets() {
    KeyLedgerConfig config =
        KeyLedgerConfig.load(
            null,
            Map.of(
                "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS", "b1:9092",
                "KEYLEDGER_AUTH_MODE", "shared-secret",
                "KEYLEDGER_KAFKA_SASL_JAAS_CONFIG",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"kl\" password=\"hunter2\";",
                "KEYLEDGER_KAFKA_SSL_KEY_PASSWORD", "hunter3",
                "KEYLEDGER_PLATFORM_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            List.of(Setting.flag("http.port", "9000", "--http-port")));

    String described = config.describe();

    assertThat(described)
        .doesNotContain("hunter2", "hunter3", "AAAAAAAA")
        .contains(
            "  kafka.sasl.jaas.config = ******  (from environment KEYLEDGER_KAFKA_SASL_JAAS_CONFIG)")
        .contains(
            "  kafka.ssl.key.password = ******  (from environment KEYLEDGER_KAFKA_SSL_KEY_PASSWORD)")
        .contains("  platform.key = ******  (from environment KEYLEDGER_PLATFORM_KEY)")
        .contains("  http.port = 9000  (from flag --http-port)")
        .contains("  topic.replication.factor = 3  (default)")
        .contains("  kms.endpoint = (not set)")
        .contains("  ratelimit.keys.create = 5/1h  (default)");
    assertThat(config.toString()).isEqualTo(described);
  }

  @Test
  void errorsAboutASecretNeverShowItsValue() {
    Setting secret =
        new Setting("kafka.ssl.key.password", "hunter2", Layer.FILE, "/etc/k.properties");

    assertThat(ConfigException.invalid(secret, "bad").getMessage())
        .isEqualTo("kafka.ssl.key.password=****** (from file /etc/k.properties): bad");
    assertThat(Secrets.isSecret("auth.jwt.secret.file")).isTrue();
    assertThat(Secrets.isSecret("kafka.ssl.keystore.key")).isTrue();
    assertThat(Secrets.isSecret("kafka.sasl.oauthbearer.client.credentials.client.secret"))
        .isTrue();
    assertThat(Secrets.isSecret("kafka.bootstrap.servers")).isFalse();
  }

  @Test
  void anEmptyOptionalValueUnsetsIt() {
    Map<String, String> env =
        Map.of(
            "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
            "b:9092",
            "KEYLEDGER_AUTH_MODE",
            "shared-secret",
            "KEYLEDGER_KMS_ENDPOINT",
            "");

    assertThat(withEnv(env).kmsEndpoint()).isEmpty();
  }

  @Test
  void jwksModeIsTheDefaultAndNeedsIssuerAndAudience() {
    Map<String, String> brokersOnly = Map.of("KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS", "b:9092");

    assertThatThrownBy(() -> withEnv(brokersOnly))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "auth.mode=jwks (default) needs auth.issuer and auth.audience: the identity provider"
                + " whose tokens KeyLedger accepts (its issuer URL, e.g."
                + " auth.issuer=https://login.example.com/realms/acme) and the audience of its"
                + " tokens for KeyLedger (e.g. auth.audience=keyledger); or set"
                + " auth.mode=shared-secret to accept HS256 tokens signed with auth.jwt.secret.file");
    assertThatThrownBy(
            () ->
                KeyLedgerConfig.load(
                    null,
                    brokersOnly,
                    List.of(
                        Setting.flag("auth.mode", "jwks", "--set"),
                        Setting.flag("auth.issuer", ISSUER, "--set"))))
        .hasMessageStartingWith("auth.mode=jwks (from flag --set) needs auth.audience: ");
  }

  @Test
  void sharedSecretModeIsChosenExplicitlyAndReadsNoIdentityProviderKey() {
    KeyLedgerConfig sharedSecret =
        KeyLedgerConfig.load(
            null,
            Map.of(
                "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
                "b:9092",
                "KEYLEDGER_AUTH_MODE",
                "shared-secret"),
            List.of());

    assertThat(sharedSecret.identityProvider()).isEmpty();
    assertThat(sharedSecret.nodeSettings().identityProvider()).isEmpty();
    assertThatThrownBy(
            () ->
                KeyLedgerConfig.load(
                    null,
                    Map.of(
                        "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
                        "b:9092",
                        "KEYLEDGER_AUTH_MODE",
                        "shared-secret",
                        "KEYLEDGER_AUTH_ISSUER",
                        ISSUER),
                    List.of()))
        .hasMessage(
            "auth.issuer="
                + ISSUER
                + " (from environment KEYLEDGER_AUTH_ISSUER): applies only with auth.mode=jwks, not"
                + " with auth.mode=shared-secret (from environment KEYLEDGER_AUTH_MODE)");
  }

  @Test
  void badIdentityProviderValuesAreRefused() {
    assertThatThrownBy(() -> withSet("auth.mode", "oidc"))
        .hasMessageStartingWith("auth.mode=oidc (from flag --set): must be jwks (tokens of an");
    assertThatThrownBy(() -> withSet("auth.algorithms", "RS256,none"))
        .hasMessage(
            "auth.algorithms=RS256,none (from flag --set): none is never accepted: unsigned tokens"
                + " prove nothing");
    assertThatThrownBy(() -> withSet("auth.algorithms", "HS256"))
        .hasMessageStartingWith(
            "auth.algorithms=HS256 (from flag --set): HS256 is never accepted from an identity"
                + " provider");
    assertThatThrownBy(() -> withSet("auth.algorithms", "RS1"))
        .hasMessageStartingWith("auth.algorithms=RS1 (from flag --set): unknown algorithm RS1");
    assertThatThrownBy(() -> withSet("auth.jwks.url", "http://idp.example/jwks"))
        .hasMessage(
            "auth.jwks.url=http://idp.example/jwks (from flag --set): keys are fetched only over"
                + " https (http only from localhost), not from http://idp.example/jwks");
    assertThatThrownBy(() -> withSet("auth.clock.skew", "soon"))
        .hasMessageStartingWith("auth.clock.skew=soon (from flag --set): not a duration");
    assertThatThrownBy(() -> withSet("auth.issuer", "http://idp.example"))
        .hasMessage(
            "auth.issuer=http://idp.example (from flag --set): keys are fetched only over https"
                + " (http only from localhost), not from"
                + " http://idp.example/.well-known/openid-configuration (or set auth.jwks.url)");
  }
}
