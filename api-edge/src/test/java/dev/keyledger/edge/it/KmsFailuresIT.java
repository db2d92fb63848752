package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a customer's KMS can do to a registration, through both dialects: each refusal names the
 * cause and the fix, and leaves nothing behind but an audit entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KmsFailuresIT {

  @TempDir static Path dataDir;
  private EdgeHarness kl;

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir);
  }

  @AfterEach
  void clearFaults() {
    kl.kms.faults().clear();
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  @Test
  void aDisabledKeyIsRefusedWithTheEnableKeyFix() throws Exception {
    String key = kl.customer.keyGrantingPlatform();
    kl.customer.kms.disableKey(r -> r.keyId(key));
    JsonNode error = refusedRegistration(key, 400, "kms_verify_failed");
    assertThat(error.path("message").asText()).contains("disabled");
    assertThat(error.path("hint").asText()).contains("aws kms enable-key --key-id " + key);
  }

  @Test
  void aKeyPendingDeletionIsRefusedWithCancelThenEnable() throws Exception {
    String key = kl.customer.keyGrantingPlatform();
    kl.customer.kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));
    JsonNode error = refusedRegistration(key, 400, "kms_verify_failed");
    assertThat(error.path("message").asText()).contains("PENDING_DELETION");
    assertThat(error.path("hint").asText())
        .contains("aws kms cancel-key-deletion")
        .contains("aws kms enable-key");
    assertThat(error.path("hint").asText().indexOf("cancel-key-deletion"))
        .isLessThan(error.path("hint").asText().indexOf("enable-key"));
  }

  @Test
  void throttlingAfterTheSdkRetriesIsA503WithRetryAfter() throws Exception {
    String key = kl.customer.keyGrantingPlatform();
    kl.kms.faults().throttle(1000, null);
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    Http.Response response =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                kl.token(tenant, "o@" + tenant, Role.OWNER),
                "{\"key_arn\":\"" + key + "\"}");
    assertThat(response.status()).as(response.body().toString()).isEqualTo(503);
    assertThat(response.body().path("error").path("code").asText()).isEqualTo("BYOK_006");
    assertThat(response.body().path("error").path("message").asText())
        .contains("ThrottlingException");
    assertThat(Integer.parseInt(response.header("Retry-After"))).isPositive();
  }

  @Test
  void aRegionThatIsNotTheKeysIsRefusedBeforeAnyKmsCall() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String admin = kl.token(tenant, "a@" + tenant, Role.ADMIN);
    String key = kl.customer.keyWithDefaultPolicy();
    Http.Response response =
        kl.http()
            .post(
                "/admin/tenant-kms",
                admin,
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + key
                    + "\",\"config\":{\"region\":\"eu-west-1\",\"role_arn\":\"arn:aws:iam::111122223333:role/R\"}}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.error()).isEqualTo("kms_verify_failed");
    assertThat(response.body().path("error").path("reason").asText()).isEqualTo("wrong_region");
    assertThat(response.body().path("error").path("message").asText())
        .contains("us-east-1")
        .contains("eu-west-1");
  }

  @Test
  void aRoleWhoseInlinePolicyWasRemovedIsRefusedNamingTheMissingAction() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String admin = kl.token(tenant, "a@" + tenant, Role.ADMIN);
    String key = kl.customer.keyWithDefaultPolicy();
    String externalId = UUID.randomUUID().toString();
    String role = kl.customer.roleTrustingPlatform(externalId);
    Http.Response response =
        kl.http()
            .post(
                "/admin/tenant-kms",
                admin,
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + key
                    + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                    + role
                    + "\",\"external_id\":\""
                    + externalId
                    + "\"}}");
    assertThat(response.status()).as(response.body().toString()).isEqualTo(400);
    assertThat(response.body().path("error").path("message").asText()).contains("kms:Encrypt");
    assertThat(response.body().path("error").path("hint").asText()).contains("put-role-policy");
  }

  /**
   * Registers through the tenant API, expects a refusal, and checks that only the audit changed.
   */
  private JsonNode refusedRegistration(String key, int status, String type) throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = kl.token(tenant, "o@" + tenant, Role.OWNER);
    Http.Response response =
        kl.http().post("/api/v1/byok/keys", token, "{\"key_arn\":\"" + key + "\"}");
    assertThat(response.status()).as(response.body().toString()).isEqualTo(status);
    assertThat(response.error()).isEqualTo(type);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode entries = kl.http().get("/api/v1/byok/audit", token).body().path("entries");
              assertThat(entries).hasSize(1);
              assertThat(entries.get(0).path("status").asText()).isEqualTo("failure");
              assertThat(entries.get(0).path("metadata").path("refusal").path("code").asText())
                  .isEqualTo("BYOK_002");
            });
    // Read after the trail: a first key call gives the tenant platform-managed keys (audited).
    assertThat(kl.http().get("/api/v1/byok/keys", token).status()).isEqualTo(404);
    return response.body().path("error");
  }
}
