package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane end to end: envelope encryption under the tenant's DEK, wrapped by its TMK,
 * wrapped by its CMK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPlaneIT {

  @TempDir static Path dataDir;
  private EdgeHarness kl;

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir, settings -> settings.withUsageFlush(Duration.ofMillis(200)));
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  /** A tenant with BYOK active; returns its owner token. */
  private String activeTenant(String tenant) throws Exception {
    String token = kl.token(tenant, "owner@" + tenant, Role.OWNER);
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
                    "{\"acknowledged\":true,\"acknowledged_by\":\"o@x.example\"}")
                .status())
        .isEqualTo(200);
    return token;
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Http.Response encrypt(String token, String plaintext, String context) {
    return kl.http()
        .post(
            "/api/v1/byok/encrypt",
            token,
            "{\"plaintext\":\""
                + b64(plaintext)
                + "\""
                + (context == null ? "" : ",\"context\":" + context)
                + "}");
  }

  private Http.Response decrypt(String token, String ciphertext, String context) {
    return kl.http()
        .post(
            "/api/v1/byok/decrypt",
            token,
            "{\"ciphertext\":\""
                + ciphertext
                + "\""
                + (context == null ? "" : ",\"context\":" + context)
                + "}");
  }

  @Test
  void dataRoundTripsAndIsBoundToItsTenantAndContext() throws Exception {
    String a = tenant();
    String tokenA = activeTenant(a);
    Http.Response encrypted = encrypt(tokenA, "card 4111-1111", "{\"table\":\"payments\"}");
    assertThat(encrypted.status()).as(encrypted.body().toString()).isEqualTo(200);
    assertThat(encrypted.body().path("key_version").asInt()).isEqualTo(1);
    assertThat(encrypted.body().path("tmk_version").asInt()).isEqualTo(1);
    String ciphertext = encrypted.body().path("ciphertext").asText();

    Http.Response decrypted = decrypt(tokenA, ciphertext, "{\"table\":\"payments\"}");
    assertThat(decrypted.status()).isEqualTo(200);
    assertThat(
            new String(
                Base64.getDecoder().decode(decrypted.body().path("plaintext").asText()),
                StandardCharsets.UTF_8))
        .isEqualTo("card 4111-1111");

    Http.Response wrongContext = decrypt(tokenA, ciphertext, "{\"table\":\"users\"}");
    assertThat(wrongContext.status()).isEqualTo(400);
    assertThat(wrongContext.error()).isEqualTo("invalid_ciphertext");
    assertThat(wrongContext.body().path("error").path("message").asText()).contains("DEK v1");

    byte[] tampered = Base64.getDecoder().decode(ciphertext);
    tampered[tampered.length - 1] ^= 1;
    assertThat(
            decrypt(
                    tokenA,
                    Base64.getEncoder().encodeToString(tampered),
                    "{\"table\":\"payments\"}")
                .error())
        .isEqualTo("invalid_ciphertext");
    assertThat(decrypt(tokenA, b64("not an envelope"), null).error())
        .isEqualTo("invalid_ciphertext");

    String tokenB = activeTenant(tenant());
    Http.Response otherTenant = decrypt(tokenB, ciphertext, "{\"table\":\"payments\"}");
    assertThat(otherTenant.status()).isEqualTo(400);
    assertThat(otherTenant.error()).isEqualTo("incorrect_key");
    assertThat(otherTenant.body().path("error").path("message").asText())
        .startsWith("IncorrectKeyException")
        .contains(" v1");
  }

  @Test
  void usageReachesTheKeyViewInBatches() throws Exception {
    String token = activeTenant(tenant());
    String ciphertext = encrypt(token, "x", null).body().path("ciphertext").asText();
    for (int i = 0; i < 4; i++) {
      assertThat(encrypt(token, "y" + i, null).status()).isEqualTo(200);
    }
    assertThat(decrypt(token, ciphertext, null).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode key = kl.http().get("/api/v1/byok/keys", token).body();
              assertThat(key.path("encryption_count").asLong()).isEqualTo(5);
              assertThat(key.path("decryption_count").asLong()).isEqualTo(1);
              assertThat(key.path("last_used").isNull()).isFalse();
              assertThat(key.path("dek_versions").get(0).path("encryptions").asLong()).isEqualTo(5);
            });
  }

  @Test
  void aDekRotationEncryptsNewDataUnderTheNewDekAndOldDataStillDecrypts() throws Exception {
    String token = activeTenant(tenant());
    String before = encrypt(token, "before", null).body().path("ciphertext").asText();
    Http.Response rotated =
        kl.http()
            .post(
                "/api/v1/byok/keys/rotate",
                token,
                "{\"rotation_type\":\"dek\",\"reason\":\"DEK recovery\"}");
    assertThat(rotated.status()).as(rotated.body().toString()).isEqualTo(200);
    assertThat(rotated.body().path("previous_dek_id").asText())
        .isNotEqualTo(rotated.body().path("new_dek_id").asText());
    Http.Response after = encrypt(token, "after", null);
    assertThat(after.body().path("key_version").asInt()).isEqualTo(2);
    assertThat(after.body().path("dek_id").asText())
        .isEqualTo(rotated.body().path("new_dek_id").asText());
    assertThat(decrypt(token, before, null).body().path("key_version").asInt()).isEqualTo(1);
    assertThat(
            kl.http()
                .post("/api/v1/byok/keys/rotate", token, "{\"rotation_type\":\"sideways\"}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void anEncryptRightAfterEachRotationFindsTheNewDeksKeyMaterial() throws Exception {
    String tenant = tenant();
    String token = activeTenant(tenant);
    for (int i = 1; i <= 40; i++) {
      // A sub of its own per rotation: rotations are rate-limited per sub (10 an hour).
      String rotator = kl.token(tenant, "rotator-" + i + "@" + tenant, Role.OWNER);
      Http.Response rotated =
          kl.http().post("/api/v1/byok/keys/rotate", rotator, "{\"rotation_type\":\"dek\"}");
      assertThat(rotated.status()).as(rotated.body().toString()).isEqualTo(200);
      Http.Response after = encrypt(token, "right after rotation " + i, null);
      assertThat(after.status())
          .as("encrypt after rotation %d: %s", i, after.body())
          .isEqualTo(200);
      assertThat(after.body().path("dek_id").asText())
          .isEqualTo(rotated.body().path("new_dek_id").asText());
    }
  }

  @Test
  void theDataPlaneWorksBeforeAndDuringOnboardingAndRefusesOtherRoles() throws Exception {
    String tenant = tenant();
    String token = kl.token(tenant, "owner@" + tenant, Role.OWNER);
    Http.Response first = encrypt(token, "before byok", null);
    assertThat(first.status()).as("platform-managed keys from the first call").isEqualTo(200);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/keys",
                    token,
                    "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                .status())
        .isEqualTo(201);
    assertThat(encrypt(token, "x", null).status())
        .as("a registration waiting for its waiver does not cut the data plane off")
        .isEqualTo(200);
    assertThat(decrypt(token, first.body().path("ciphertext").asText(), null).status())
        .isEqualTo(200);
    assertThat(encrypt(kl.token(tenant, "aud@" + tenant, Role.AUDITOR), "x", null).status())
        .isEqualTo(403);
    assertThat(kl.http().post("/api/v1/byok/encrypt", token, "{\"plaintext\":\"%%%\"}").error())
        .isEqualTo("invalid_request");
  }

  @Test
  void agentSessionsLastFiveMinutesUnderByokAndAnHourAfterwards() throws Exception {
    String tenant = tenant();
    String token = activeTenant(tenant);
    String agent = kl.token(tenant, "agent-7@" + tenant, Role.AGENT);
    Http.Response session = kl.http().post("/agent/v1/session", agent, "{}");
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.body().path("ttl_seconds").asLong()).isEqualTo(300);
    assertThat(session.body().path("session_token").asText()).isNotBlank();
    String ciphertext = encrypt(token, "kept", null).body().path("ciphertext").asText();

    Http.Response deleted =
        kl.http()
            .delete("/api/v1/byok/keys", token, kl.stepUp(tenant, "owner@" + tenant, Role.OWNER));
    assertThat(deleted.status()).as(deleted.body().toString()).isEqualTo(200);
    assertThat(kl.http().post("/agent/v1/session", agent, "{}").body().path("ttl_seconds").asLong())
        .isEqualTo(3600);
    Http.Response stillReadable = decrypt(token, ciphertext, null);
    assertThat(stillReadable.status())
        .as("data stays readable after BYOK ends: " + stillReadable.body())
        .isEqualTo(200);
    assertThat(encrypt(token, "new data under the platform key", null).status()).isEqualTo(200);
  }
}
