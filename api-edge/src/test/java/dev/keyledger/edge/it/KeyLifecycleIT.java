package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.topology.TopicsAdmin;
import dev.keyledger.engine.workers.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole key lifecycle on a real broker and local-kms (issue 11): platform-managed keys from the
 * first call, BYOK onboarding as a migration of existing data, the way back, and the end of BYOK by
 * erasure while sealed.
 */
class KeyLifecycleIT {

  /** Short enough that a disabled CMK seals the tenant within seconds. */
  private static final Duration BYOK_TTL = Duration.ofSeconds(2);

  @TempDir Path dataDir;

  private EdgeHarness start() throws Exception {
    return new EdgeHarness(
        dataDir,
        s ->
            s.withTopics(new TopicsAdmin.Settings(3, (short) 1, ErasureIT.FAST_COMPACTION))
                .withKeyring(KeyringSettings.defaults().withByokTtl(BYOK_TTL))
                .withWorkers(
                    new WorkerSettings(
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(15),
                        Duration.ofMillis(500),
                        100)));
  }

  @Test
  void dataEncryptedBeforeByokMovesUnderTheCmkAndBackWithoutEverBecomingUnreadable()
      throws Exception {
    try (EdgeHarness kl = start()) {
      String tenant = "migrate-co";
      String admin = kl.token(tenant, "admin@" + tenant, Role.ADMIN);
      String stepUp = kl.stepUp(tenant, "admin@" + tenant, Role.ADMIN);

      Http.Response first = encrypt(kl, admin, "written before BYOK");
      assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
      assertThat(first.body().path("tmk_version").asInt()).isEqualTo(1);
      String before = first.body().path("ciphertext").asText();
      Http.Response noByok = kl.http().get("/admin/tenant-kms", admin);
      assertThat(noByok.status()).isEqualTo(404);
      assertThat(noByok.error()).isEqualTo("no_kms_config");
      assertThat(noByok.body().path("error").path("reason").asText()).isEqualTo("platform_managed");

      String keyArn = kl.customer.keyWithDefaultPolicy();
      String externalId = UUID.randomUUID().toString();
      String roleArn = kl.customer.roleTrustingPlatform(externalId);
      kl.customer.allowEncryptDecrypt(roleArn, keyArn);
      Http.Response onboarded =
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
                      + "\"}}");
      assertThat(onboarded.status()).as(onboarded.body().toString()).isEqualTo(200);
      assertThat(onboarded.body().path("new_key_version").asInt()).isEqualTo(2);
      assertThat(onboarded.body().path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
      acknowledgeWaiver(kl, admin);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode config = kl.http().get("/admin/tenant-kms", admin).body();
                assertThat(config.path("rewrap").isObject()).as("rewrap completed").isFalse();
                assertThat(config.path("wrap_method").asText()).isEqualTo("customer_kms");
                assertThat(config.path("keys").get(0).path("wrap_method").asText())
                    .isEqualTo("platform");
                assertThat(config.path("keys").get(0).path("status").asText()).isEqualTo("retired");
              });
      assertThat(plaintext(decrypt(kl, admin, before))).isEqualTo("written before BYOK");
      Http.Response destroyed =
          kl.http().postWithStepUp("/admin/tenant-kms/revoke", admin, stepUp, "{\"version\":1}");
      assertThat(destroyed.status()).as(destroyed.body().toString()).isEqualTo(200);
      assertThat(destroyed.body().path("deks_lost").asLong())
          .as("the rewrap moved every DEK: the platform-wrapped version wraps none")
          .isZero();
      assertThat(plaintext(decrypt(kl, admin, before))).isEqualTo("written before BYOK");

      kl.customer.kms.disableKey(r -> r.keyId(keyArn));
      await()
          .atMost(BYOK_TTL.plusSeconds(10))
          .untilAsserted(
              () -> assertThat(decrypt(kl, admin, before).error()).isEqualTo("tenant_sealed"));
      Http.Response whileSealed = kl.http().delete("/api/v1/byok/keys", admin, stepUp);
      assertThat(whileSealed.status()).isEqualTo(409);
      assertThat(whileSealed.body().path("error").path("hint").asText())
          .contains("retry DELETE")
          .contains("\"end_byok\": true");

      kl.customer.kms.enableKey(r -> r.keyId(keyArn));
      // DELETE is limited to 1/h per sub: the owner, not the admin refused above, retries.
      Http.Response deleted =
          kl.http()
              .delete(
                  "/api/v1/byok/keys",
                  kl.token(tenant, "owner@" + tenant, Role.OWNER),
                  kl.stepUp(tenant, "owner@" + tenant, Role.OWNER));
      assertThat(deleted.status()).as(deleted.body().toString()).isEqualTo(200);
      assertThat(deleted.body().path("migration_status").asText()).isEqualTo("completed");
      JsonNode keys = kl.http().get("/api/v1/byok/keys", admin).body();
      assertThat(keys.path("status").asText()).isEqualTo("disabled");
      assertThat(keys.path("wrap_method").asText()).isEqualTo("platform");
      assertThat(plaintext(decrypt(kl, admin, before))).isEqualTo("written before BYOK");
      assertThat(auditOperations(kl, admin))
          .contains("provision", "onboard", "rewrap_completed", "revoke", "seal", "deregister");
    }
  }

  @Test
  void whileTheWaiverIsPendingTheCmkIsNotUsedAndTheAcknowledgmentSwitchesToIt() throws Exception {
    try (EdgeHarness kl = start()) {
      String tenant = "pending-co";
      String owner = kl.token(tenant, "owner@" + tenant, Role.OWNER);
      String before = encrypt(kl, owner, "written before BYOK").body().path("ciphertext").asText();

      String keyArn = kl.customer.keyGrantingPlatform();
      Http.Response registered =
          kl.http().post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}");
      assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
      assertThat(registered.body().path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
      JsonNode pending = kl.http().get("/admin/tenant-kms", owner).body();
      assertThat(pending.path("wrap_method").asText()).isEqualTo("platform");
      assertThat(pending.path("keys").get(1).path("status").asText()).isEqualTo("pending_waiver");

      kl.customer.kms.disableKey(r -> r.keyId(keyArn));
      // Longer than the CMK cache's TTL, with the seal watcher and the rewrap worker running:
      // nothing of the tenant's data plane needs the CMK while the waiver is pending.
      await()
          .during(BYOK_TTL.plusSeconds(2))
          .atMost(BYOK_TTL.plusSeconds(10))
          .until(
              () -> {
                Http.Response encrypted = encrypt(kl, owner, "while pending");
                return encrypted.status() == 200
                    && encrypted.body().path("tmk_version").asInt() == 1
                    && decrypt(kl, owner, before).status() == 200;
              });
      JsonNode stillPending = kl.http().get("/api/v1/byok/keys", owner).body();
      assertThat(stillPending.path("status").asText()).as("not sealed").isEqualTo("pending_waiver");
      assertThat(stillPending.path("rewrap").isObject()).as("nothing moved").isFalse();

      kl.customer.kms.enableKey(r -> r.keyId(keyArn));
      acknowledgeWaiver(kl, owner);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode config = kl.http().get("/admin/tenant-kms", owner).body();
                assertThat(config.path("rewrap_status").asText()).isEqualTo("completed");
                assertThat(config.path("wrap_method").asText()).isEqualTo("customer_kms");
              });
      assertThat(plaintext(decrypt(kl, owner, before))).isEqualTo("written before BYOK");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(auditOperations(kl, owner))
                      .as("the audit projection follows the event log")
                      .contains("rewrap_completed", "activate")
                      .doesNotContain("seal"));

      kl.customer.kms.disableKey(r -> r.keyId(keyArn));
      await()
          .atMost(BYOK_TTL.plusSeconds(10))
          .untilAsserted(
              () -> assertThat(decrypt(kl, owner, before).error()).isEqualTo("tenant_sealed"));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          kl.http().get("/api/v1/byok/keys", owner).body().path("status").asText())
                      .isEqualTo("sealed"));
      kl.customer.kms.enableKey(r -> r.keyId(keyArn));
    }
  }

  @Test
  void aSealedTenantEndsByokByErasureAndNoCopyOfTheCmkWrappedKeysRemains() throws Exception {
    try (EdgeHarness kl = start()) {
      String tenant = "leaving-co";
      String owner = kl.token(tenant, "owner@" + tenant, Role.OWNER);
      String stepUp = kl.stepUp(tenant, "owner@" + tenant, Role.OWNER);
      String before = encrypt(kl, owner, "to be erased").body().path("ciphertext").asText();

      String keyArn = kl.customer.keyGrantingPlatform();
      assertThat(
              kl.http()
                  .post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}")
                  .status())
          .isEqualTo(201);
      acknowledgeWaiver(kl, owner);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          kl.http()
                              .get("/api/v1/byok/keys", owner)
                              .body()
                              .path("rewrap")
                              .isObject())
                      .as("rewrap completed")
                      .isFalse());
      List<byte[]> cmkWrapped = ErasureIT.wrappedBytesOf(kl, tenant, 2);
      assertThat(cmkWrapped).as("TMK v2 and the DEK moved under it").hasSize(2);

      kl.customer.kms.disableKey(r -> r.keyId(keyArn));
      await()
          .atMost(BYOK_TTL.plusSeconds(10))
          .untilAsserted(
              () -> assertThat(decrypt(kl, owner, before).error()).isEqualTo("tenant_sealed"));
      assertThat(kl.http().delete("/api/v1/byok/keys", owner, stepUp).status()).isEqualTo(409);

      String end = "{\"version\":2,\"end_byok\":true,\"confirm_tenant\":\"" + tenant + "\"}";
      assertThat(kl.http().post("/admin/tenant-kms/revoke", owner, end).status())
          .as("step-up needed")
          .isEqualTo(401);
      assertThat(
              kl.http()
                  .postWithStepUp(
                      "/admin/tenant-kms/revoke",
                      owner,
                      stepUp,
                      "{\"version\":2,\"end_byok\":true,\"confirm_tenant\":\"someone-else\"}")
                  .error())
          .isEqualTo("confirmation_required");
      Http.Response ended =
          kl.http().postWithStepUp("/admin/tenant-kms/revoke", owner, stepUp, end);
      assertThat(ended.status()).as(ended.body().toString()).isEqualTo(200);
      assertThat(ended.body().path("binding_status").asText()).isEqualTo("revoked");
      assertThat(ended.body().path("destroyed_versions").toString()).isEqualTo("[2]");

      Http.Response gone = decrypt(kl, owner, before);
      assertThat(gone.status()).isEqualTo(410);
      assertThat(gone.error()).isEqualTo("key_destroyed");
      ErasureIT.awaitCompactedAway(kl, dataDir, cmkWrapped);

      Http.Response fresh = encrypt(kl, owner, "after BYOK");
      assertThat(fresh.status()).as(fresh.body().toString()).isEqualTo(200);
      assertThat(fresh.body().path("tmk_version").asInt())
          .as("new platform-managed keys")
          .isEqualTo(3);
      assertThat(plaintext(decrypt(kl, owner, fresh.body().path("ciphertext").asText())))
          .isEqualTo("after BYOK");
      JsonNode keys = kl.http().get("/api/v1/byok/keys", owner).body();
      assertThat(keys.path("status").asText()).isEqualTo("revoked");
      assertThat(keys.path("wrap_method").asText()).isEqualTo("platform");
      assertThat(auditOperations(kl, owner)).contains("end_byok", "deregister");
    }
  }

  private static Http.Response encrypt(EdgeHarness kl, String token, String text) {
    return kl.http()
        .post(
            "/api/v1/byok/encrypt",
            token,
            "{\"plaintext\":\""
                + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))
                + "\"}");
  }

  private static Http.Response decrypt(EdgeHarness kl, String token, String ciphertext) {
    return kl.http().post("/api/v1/byok/decrypt", token, "{\"ciphertext\":\"" + ciphertext + "\"}");
  }

  private static String plaintext(Http.Response decrypted) {
    assertThat(decrypted.status()).as(decrypted.body().toString()).isEqualTo(200);
    return new String(
        Base64.getDecoder().decode(decrypted.body().path("plaintext").asText()),
        StandardCharsets.UTF_8);
  }

  private static void acknowledgeWaiver(EdgeHarness kl, String token) {
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    token,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"cto@x.example\"}")
                .status())
        .isEqualTo(200);
  }

  private static List<String> auditOperations(EdgeHarness kl, String token) {
    List<String> operations = new ArrayList<>();
    kl.http()
        .get("/api/v1/byok/audit?limit=500", token)
        .body()
        .path("entries")
        .forEach(e -> operations.add(e.path("operation").asText()));
    return operations;
  }
}
