package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant lifecycle end to end: HTTP -> Kafka -> fold -> RocksDB -> HTTP, KMS through the real
 * SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ByokLifecycleIT {

  @TempDir static Path dataDir;
  private EdgeHarness kl;

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir);
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String owner(String tenant) throws Exception {
    return kl.token(tenant, "owner@" + tenant, Role.OWNER);
  }

  private List<String> auditOperations(String tenant, String token, int expected) {
    List<String> ops = new ArrayList<>();
    // The audit endpoint is rate limited (60/min): poll gently.
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              ops.clear();
              Http.Response audit = kl.http().get("/api/v1/byok/audit?limit=100", token);
              assertThat(audit.status()).isEqualTo(200);
              audit
                  .body()
                  .path("entries")
                  .forEach(
                      e -> ops.add(e.path("operation").asText() + ":" + e.path("status").asText()));
              assertThat(ops).hasSize(expected);
            });
    return ops;
  }

  @Test
  void aTenantRegistersAKeyAcknowledgesTheWaiverAndBecomesActive() throws Exception {
    String tenant = tenant();
    String token = owner(tenant);
    String keyArn = kl.customer.keyGrantingPlatform();

    Http.Response registered =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                token,
                "{\"key_arn\":\"" + keyArn + "\",\"key_alias\":\"prod\"}");
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
    assertThat(registered.body().path("status").asText()).isEqualTo("pending_waiver");
    assertThat(registered.body().path("requires_waiver_acknowledgment").asBoolean()).isTrue();
    assertThat(registered.body().path("key_id").asText()).startsWith("byok_");

    JsonNode pending = kl.http().get("/api/v1/byok/keys", token).body();
    assertThat(pending.path("status").asText()).isEqualTo("pending_waiver");
    assertThat(pending.path("key_arn").asText()).isEqualTo(keyArn);
    assertThat(pending.path("registered_by").asText()).isEqualTo("owner@" + tenant);
    assertThat(pending.path("wrap_method").asText())
        .as("the platform-managed keys serve until the waiver is acknowledged")
        .isEqualTo("platform");
    assertThat(pending.path("tmk_versions").get(1).path("wrap_method").asText())
        .isEqualTo("customer_kms");
    assertThat(pending.path("tmk_versions").get(1).path("status").asText())
        .isEqualTo("pending_waiver");

    JsonNode waiver = kl.http().get("/api/v1/byok/legal-waiver", token).body();
    assertThat(waiver.path("terms")).hasSize(4);
    Http.Response ack =
        kl.http()
            .post(
                "/api/v1/byok/legal-waiver",
                token,
                "{\"acknowledged\":true,\"acknowledged_by\":\"cto@" + tenant + ".example\"}");
    assertThat(ack.status()).as(ack.body().toString()).isEqualTo(200);
    assertThat(ack.body().path("byok_status").asText()).isEqualTo("active");
    assertThat(ack.body().path("wrap_method").asText()).isEqualTo("customer_kms");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode key = kl.http().get("/api/v1/byok/keys", token).body();
              assertThat(key.path("status").asText()).isEqualTo("active");
              assertThat(key.path("rewrap_status").asText())
                  .as("the rewrap moved the platform-managed DEK under the CMK")
                  .isEqualTo("completed");
            });
    JsonNode status = kl.http().get("/api/v1/byok/legal-waiver/status", token).body();
    assertThat(status.path("acknowledged").asBoolean()).isTrue();
    assertThat(status.path("waiver_version").asText())
        .isEqualTo(status.path("current_waiver_version").asText());
    JsonNode health = kl.http().get("/api/v1/byok/health", token).body();
    assertThat(health.path("status").asText()).isEqualTo("healthy");
    assertThat(health.path("cmk_accessible").asBoolean()).isTrue();

    assertThat(auditOperations(tenant, token, 11))
        .containsExactly(
            "health_check:success",
            "rewrap_completed:success",
            "rewrap:success",
            "rewrap_started:success",
            "activate:success",
            "acknowledge_waiver:success",
            "create_tmk_version:success",
            "register:success",
            "create_dek:success",
            "create_tmk_version:success",
            "provision:success");
    JsonNode verify = kl.http().get("/api/v1/byok/audit/verify", token).body();
    assertThat(verify.path("intact").asBoolean()).isTrue();
    assertThat(verify.path("checked").asLong()).isEqualTo(11);
  }

  @Test
  void everyRefusalIsAnsweredWithItsCodeAndAudited() throws Exception {
    String tenant = tenant();
    String token = owner(tenant);

    Http.Response badArn =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                token,
                "{\"key_arn\":\"arn:aws:kms:us-east-1:1234:key/nope\"}");
    assertThat(badArn.status()).isEqualTo(400);
    assertThat(badArn.body().path("error").path("code").asText()).isEqualTo("BYOK_001");
    assertThat(badArn.body().path("error").path("message").asText())
        .startsWith("Invalid ARN format");
    assertThat(badArn.body().path("error").path("request_id").asText()).startsWith("req_");

    String alias = kl.customer.alias(kl.customer.keyGrantingPlatform());
    Http.Response aliasArn =
        kl.http().post("/api/v1/byok/keys", token, "{\"key_arn\":\"" + alias + "\"}");
    assertThat(aliasArn.status()).isEqualTo(400);
    assertThat(aliasArn.body().path("error").path("hint").asText())
        .contains("aws kms describe-key --key-id alias/");

    Http.Response denied =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                token,
                "{\"key_arn\":\"" + kl.customer.keyWithDefaultPolicy() + "\"}");
    assertThat(denied.status()).as(denied.body().toString()).isEqualTo(400);
    assertThat(denied.error()).isEqualTo("kms_verify_failed");
    assertThat(denied.body().path("error").path("code").asText()).isEqualTo("BYOK_002");
    assertThat(denied.body().path("error").path("message").asText())
        .startsWith("Cannot access CMK")
        .contains("kms:Encrypt");
    assertThat(denied.body().path("error").path("hint").asText())
        .contains("aws kms get-key-policy");
    JsonNode noByok = kl.http().get("/api/v1/byok/keys", token).body().path("error");
    assertThat(noByok.path("code").asText()).isEqualTo("BYOK_005");
    assertThat(noByok.path("reason").asText())
        .as("the GET, a key call, gave the tenant platform-managed keys")
        .isEqualTo("platform_managed");

    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    token,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);
    Http.Response second =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                token,
                "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.body().path("error").path("code").asText()).isEqualTo("BYOK_003");
    assertThat(second.body().path("error").path("message").asText())
        .isEqualTo("Organization already has BYOK key");

    // The registration waits for the waiver: nothing is migrated yet.
    List<String> trail = auditOperations(tenant, token, 9);
    assertThat(trail)
        .filteredOn(op -> op.startsWith("register"))
        .containsExactly(
            "register:refused",
            "register:success",
            "register:failure",
            "register:refused",
            "register:refused");
    assertThat(trail)
        .contains("provision:success", "create_dek:success")
        .doesNotContain("rewrap_started:success");
  }

  @Test
  void theAdminApiOnboardsThroughAnAssumedRoleWithAnExternalId() throws Exception {
    String tenant = tenant();
    String admin = kl.token(tenant, "admin@" + tenant, Role.ADMIN);
    String keyArn = kl.customer.keyWithDefaultPolicy();
    String externalId = UUID.randomUUID().toString();
    String roleArn = kl.customer.roleTrustingPlatform(externalId);
    kl.customer.allowEncryptDecrypt(roleArn, keyArn);
    String alias = kl.customer.alias(keyArn);

    Http.Response wrongId =
        kl.http().post("/admin/tenant-kms", admin, onboard(alias, roleArn, "not-the-external-id"));
    assertThat(wrongId.status()).as(wrongId.body().toString()).isEqualTo(400);
    assertThat(wrongId.error()).isEqualTo("kms_verify_failed");
    assertThat(kl.http().get("/admin/tenant-kms", admin).error()).isEqualTo("no_kms_config");

    Http.Response onboarded =
        kl.http().post("/admin/tenant-kms", admin, onboard(alias, roleArn, externalId));
    assertThat(onboarded.status()).as(onboarded.body().toString()).isEqualTo(200);
    assertThat(onboarded.body().path("ok").asBoolean()).isTrue();
    assertThat(onboarded.body().path("new_key_version").asInt())
        .as("the GET after the failed probe gave the tenant platform-managed TMK v1")
        .isEqualTo(2);
    assertThat(onboarded.body().path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    admin,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"admin@" + tenant + ".example\"}")
                .status())
        .isEqualTo(200);

    JsonNode config = kl.http().get("/admin/tenant-kms", admin).body();
    assertThat(config.path("config").path("kms_key_ref").asText()).isEqualTo(alias);
    assertThat(config.path("config").path("key_arn").asText()).isEqualTo(keyArn);
    assertThat(config.path("config").path("sealed_since").isNull()).isTrue();
    assertThat(config.path("wrap_method").asText()).isEqualTo("customer_kms");
    assertThat(config.path("keys")).hasSize(2);
    assertThat(config.path("keys").get(0).path("wrap_method").asText()).isEqualTo("platform");
    assertThat(config.path("keys").get(0).path("status").asText()).isEqualTo("retired");
    assertThat(config.path("keys").get(1).path("status").asText()).isEqualTo("active");
    // Both dialects are views of one state.
    assertThat(kl.http().get("/api/v1/byok/keys", admin).body().path("key_arn").asText())
        .isEqualTo(keyArn);

    Http.Response awsKms =
        kl.http()
            .post(
                "/admin/tenant-kms",
                admin,
                onboard(alias, roleArn, externalId).replace("\"aws\"", "\"aws_kms\""));
    assertThat(awsKms.status()).isEqualTo(400);
    assertThat(awsKms.body().path("error").path("hint").asText()).contains("\"aws\"");
  }

  @Test
  void staticCredentialsAreRefusedAndNeverEchoed() throws Exception {
    String tenant = tenant();
    String admin = kl.token(tenant, "admin@" + tenant, Role.ADMIN);
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    Http.Response refused =
        kl.http()
            .post(
                "/admin/tenant-kms",
                admin,
                "{\"provider\":\"aws\",\"kms_key_ref\":\"x\","
                    + "\"config\":{\"region\":\"us-east-1\",\"role_arn\":\"r\",\"aws_access_key_id\":\"AKIAIOSFODNN7EXAMPLE\",\"aws_secret_access_key\":\""
                    + secret
                    + "\"}}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.error()).isEqualTo("static_credentials_rejected");
    assertThat(refused.raw().body()).doesNotContain("AKIAIOSFODNN7EXAMPLE").doesNotContain(secret);
  }

  @Test
  void deregisteringNeedsAStepUpAndMovesEveryTmkUnderThePlatformKey() throws Exception {
    String tenant = tenant();
    String token = owner(tenant);
    String keyless = tenant();
    Http.Response nothingToEnd =
        kl.http()
            .delete(
                "/api/v1/byok/keys",
                owner(keyless),
                kl.stepUp(keyless, "owner@" + keyless, Role.OWNER));
    assertThat(nothingToEnd.status()).isEqualTo(404);
    assertThat(nothingToEnd.body().path("error").path("code").asText()).isEqualTo("BYOK_005");
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    token,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);

    Http.Response noStepUp = kl.http().delete("/api/v1/byok/keys", token, null);
    assertThat(noStepUp.status()).isEqualTo(401);
    assertThat(noStepUp.error()).isEqualTo("step_up_required");
    Http.Response otherOrg =
        kl.http()
            .delete(
                "/api/v1/byok/keys",
                token,
                kl.stepUp("someone-else", "owner@" + tenant, Role.OWNER));
    assertThat(otherOrg.status()).isEqualTo(401);

    Http.Response deleted =
        kl.http()
            .delete("/api/v1/byok/keys", token, kl.stepUp(tenant, "owner@" + tenant, Role.OWNER));
    assertThat(deleted.status()).as(deleted.body().toString()).isEqualTo(200);
    assertThat(deleted.body().path("migration_status").asText()).isEqualTo("completed");
    JsonNode key = kl.http().get("/api/v1/byok/keys", token).body();
    assertThat(key.path("status").asText()).isEqualTo("disabled");
    assertThat(key.path("tmk_versions").get(0).path("wrap_method").asText()).isEqualTo("platform");
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    token,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .as("a new key can be registered after deregistration")
        .isEqualTo(201);
  }

  @Test
  void tenantsOnlyEverSeeTheirOwnStateAndRolesAreEnforced() throws Exception {
    String a = tenant();
    String b = tenant();
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    owner(a),
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);
    assertThat(kl.http().get("/api/v1/byok/keys", owner(b)).status()).isEqualTo(404);
    assertThat(kl.http().get("/api/v1/byok/keys", null).error()).isEqualTo("missing_token");
    assertThat(kl.http().get("/api/v1/byok/keys", "not.a.jwt").error()).isEqualTo("invalid_token");
    String auditor = kl.token(a, "auditor@" + a, Role.AUDITOR);
    assertThat(kl.http().get("/api/v1/byok/keys", auditor).status()).isEqualTo(200);
    assertThat(kl.http().post("/api/v1/byok/keys", auditor, "{\"key_arn\":\"x\"}").error())
        .isEqualTo("forbidden");
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    owner(b),
                    "{\"key_arn\": 42, \"tenant_id\": \"" + a + "\"}")
                .status())
        .isEqualTo(400);
    assertThat(kl.http().post("/api/v1/byok/keys", owner(b), "{not json").error())
        .isEqualTo("invalid_request");
    assertThat(kl.http().get("/api/v1/byok/nope", owner(b)).status()).isEqualTo(404);
  }

  @Test
  void aNewWaiverVersionRequiresReacknowledgment() throws Exception {
    String tenant = tenant();
    String token = owner(tenant);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    token,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    token,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                .status())
        .isEqualTo(200);
    String platform = kl.token("platform-ops", "ops@platform", Role.PLATFORM);
    assertThat(kl.http().put("/admin/legal-waiver", token, "{}").error()).isEqualTo("forbidden");
    String version = "9." + UUID.randomUUID().toString().substring(0, 4);
    Http.Response published =
        kl.http()
            .put(
                "/admin/legal-waiver",
                platform,
                "{\"waiver_version\":\""
                    + version
                    + "\",\"effective_date\":\"2027-01-01\",\"title\":\"BYOK waiver\",\"content\":\"New terms.\",\"terms\":[\"one\"]}");
    assertThat(published.status()).as(published.body().toString()).isEqualTo(200);
    JsonNode status = kl.http().get("/api/v1/byok/legal-waiver/status", token).body();
    assertThat(status.path("current_waiver_version").asText()).isEqualTo(version);
    assertThat(status.path("requires_reacknowledgment").asBoolean()).isTrue();
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    token,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            kl.http()
                .get("/api/v1/byok/legal-waiver/status", token)
                .body()
                .path("requires_reacknowledgment")
                .asBoolean())
        .isFalse();
  }

  private static String onboard(String keyRef, String roleArn, String externalId) {
    return "{\"provider\":\"aws\",\"kms_key_ref\":\""
        + keyRef
        + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
        + roleArn
        + "\",\"external_id\":\""
        + externalId
        + "\"}}";
  }

  @Test
  void concurrentCommandsForOneTenantStayGapFreeAndHashChained() throws Exception {
    String tenant = tenant();
    String token = owner(tenant);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    token,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);
    int writers = 24;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String by = "writer-" + i + "@" + tenant;
        answers.add(
            pool.submit(
                () ->
                    kl.http()
                        .post(
                            "/api/v1/byok/legal-waiver",
                            token,
                            "{\"acknowledged\":true,\"acknowledged_by\":\"" + by + "\"}")
                        .status()));
      }
      for (java.util.concurrent.Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
    // platform-managed keys (3: provision, TMK v1, DEK v1) + register (2: key, TMK v2) + the first
    // acknowledgment (3: it also activates TMK v2 and starts the rewrap) + one per further
    // acknowledgment + the rewrap of DEK v1 (2: the batch, completed)
    long expected = 3 + 2 + 3 + (writers - 1) + 2;
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode verify = kl.http().get("/api/v1/byok/audit/verify", token).body();
              assertThat(verify.path("checked").asLong()).isEqualTo(expected);
              assertThat(verify.path("intact").asBoolean()).isTrue();
            });
    List<Long> seqs = new ArrayList<>();
    kl.http()
        .get("/api/v1/byok/audit?limit=500", token)
        .body()
        .path("entries")
        .forEach(e -> seqs.add(e.path("seq").asLong()));
    assertThat(seqs)
        .hasSize((int) expected)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(seqs.get(0)).isEqualTo(expected);
  }
}
