package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.workers.WorkerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customer's kill switch (seed 001): removing kms:Decrypt from the role seals the tenant within
 * one key TTL, the data plane and agent sessions fail closed, the seal is audited; restoring access
 * unseals it within one watcher period, by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillSwitchIT {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration WATCHER = Duration.ofMillis(500);

  @TempDir static Path dataDir;
  private EdgeHarness kl;

  @BeforeAll
  void start() throws Exception {
    kl =
        new EdgeHarness(
            dataDir,
            s ->
                s.withKeyring(KeyringSettings.defaults().withByokTtl(TTL))
                    .withWorkers(
                        new WorkerSettings(
                            WATCHER, Duration.ofMinutes(15), Duration.ofSeconds(5), 100)));
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  @Test
  void revokingTheRolesAccessSealsTheTenantAndRestoringItUnsealsIt() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String admin = kl.token(tenant, "admin@" + tenant, Role.ADMIN);
    String agent = kl.token(tenant, "agent@" + tenant, Role.AGENT);
    String keyArn = kl.customer.keyWithDefaultPolicy();
    String externalId = UUID.randomUUID().toString();
    String roleArn = kl.customer.roleTrustingPlatform(externalId);
    kl.customer.allowEncryptDecrypt(roleArn, keyArn);
    assertThat(
            kl.http()
                .post(
                    "/admin/tenant-kms",
                    admin,
                    "{\"provider\":\"aws\",\"kms_key_ref\":\""
                        + keyArn
                        + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                        + roleArn
                        + "\",\"external_id\":\""
                        + externalId
                        + "\"}}")
                .status())
        .isEqualTo(200);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    admin,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"a@x.example\"}")
                .status())
        .isEqualTo(200);
    // The acknowledgment is the switch: once the rewrap moved the data, the CMK is what unwraps it.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        kl.http()
                            .get("/admin/tenant-kms", admin)
                            .body()
                            .path("rewrap_status")
                            .asText())
                    .isEqualTo("completed"));
    String ciphertext = encrypt(agent).body().path("ciphertext").asText();

    kl.customer.removeInlinePolicy(roleArn);
    long killedAt = System.nanoTime();
    await()
        .atMost(TTL.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(encrypt(agent).error()).isEqualTo("tenant_sealed"));
    Duration toSeal = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(toSeal)
        .as("sealed within one TTL (plus one round trip)")
        .isLessThan(TTL.plusSeconds(3));
    Http.Response refused = decrypt(agent, ciphertext);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(kl.http().post("/agent/v1/session", agent, "{}").error()).isEqualTo("tenant_sealed");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode config = kl.http().get("/admin/tenant-kms", admin).body().path("config");
              assertThat(config.path("status").asText()).isEqualTo("sealed");
              assertThat(config.path("sealed_since").isNull()).isFalse();
              assertThat(config.path("last_verify_error").asText()).contains("kms:Decrypt");
            });
    JsonNode health = kl.http().get("/api/v1/byok/health", admin).body();
    assertThat(health.path("status").asText()).isEqualTo("unhealthy");
    assertThat(health.path("error").asText()).startsWith("CMK inaccessible");

    kl.customer.allowEncryptDecrypt(roleArn, keyArn);
    long restoredAt = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        kl.http()
                            .get("/admin/tenant-kms", admin)
                            .body()
                            .path("config")
                            .path("status")
                            .asText())
                    .isEqualTo("active"));
    assertThat(Duration.ofNanos(System.nanoTime() - restoredAt))
        .as("unsealed by the watcher")
        .isLessThan(WATCHER.plusSeconds(3));
    assertThat(decrypt(agent, ciphertext).status()).isEqualTo(200);

    List<String> operations = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              operations.clear();
              kl.http()
                  .get("/api/v1/byok/audit?limit=20", admin)
                  .body()
                  .path("entries")
                  .forEach(e -> operations.add(e.path("operation").asText()));
              assertThat(operations).contains("seal", "unseal");
            });
    assertThat(operations.indexOf("unseal"))
        .as("newest first: the unseal after the seal")
        .isLessThan(operations.indexOf("seal"));
  }

  @Test
  void theManualUnsealAnswersPerTheSpec() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String owner = kl.token(tenant, "owner@" + tenant, Role.OWNER);
    String stepUp = kl.stepUp(tenant, "owner@" + tenant, Role.OWNER);
    assertThat(kl.http().post("/admin/tenant-kms/unseal", owner, "{}").error())
        .isEqualTo("step_up_required");
    Http.Response none = kl.http().postWithStepUp("/admin/tenant-kms/unseal", owner, stepUp, "{}");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.error()).isEqualTo("no_kms_config");
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    owner,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    owner,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"o@x.example\"}")
                .status())
        .isEqualTo(200);
    Http.Response notSealed =
        kl.http().postWithStepUp("/admin/tenant-kms/unseal", owner, stepUp, "{}");
    assertThat(notSealed.status()).isEqualTo(409);
    assertThat(notSealed.error()).isEqualTo("not_sealed");
  }

  private Http.Response encrypt(String token) {
    return kl.http()
        .post(
            "/api/v1/byok/encrypt",
            token,
            "{\"plaintext\":\"" + Base64.getEncoder().encodeToString("secret".getBytes()) + "\"}");
  }

  private Http.Response decrypt(String token, String ciphertext) {
    return kl.http().post("/api/v1/byok/decrypt", token, "{\"ciphertext\":\"" + ciphertext + "\"}");
  }
}
