package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.b64;
import static dev.keyledger.edge.api.EdgeFixture.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Client;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.keys.KeyringSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/byok/encrypt} and {@code POST /api/v1/byok/decrypt}: the data plane. */
class DataPlaneRoutesTest {

  private static EdgeFixture edge;

  @BeforeAll
  static void start() throws IOException {
    edge = new EdgeFixture();
  }

  @AfterAll
  static void stop() {
    edge.close();
  }

  @AfterEach
  void reset() {
    edge.reset();
  }

  static Reply encrypt(Client http, String token, String plaintext, String context) {
    return http.post(
        "/api/v1/byok/encrypt",
        token,
        "{\"plaintext\":\""
            + b64(plaintext)
            + "\""
            + (context == null ? "" : ",\"context\":" + context)
            + "}");
  }

  static Reply decrypt(Client http, String token, String ciphertext, String context) {
    return http.post(
        "/api/v1/byok/decrypt",
        token,
        "{\"ciphertext\":\""
            + ciphertext
            + "\""
            + (context == null ? "" : ",\"context\":" + context)
            + "}");
  }

  static String ciphertext(Client http, String token, String plaintext) {
    Reply encrypted = encrypt(http, token, plaintext, null);
    assertThat(encrypted.status()).as(encrypted.text()).isEqualTo(200);
    return encrypted.json().path("ciphertext").asText();
  }

  @Test
  void dataRoundTripsBoundToItsContext() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String agent = edge.token(tenant, "agent@" + tenant, Role.AGENT);
    edge.http(
        http -> {
          edge.active(http, owner);
          Reply encrypted = encrypt(http, agent, "card 4111-1111", "{\"table\":\"payments\"}");
          assertThat(encrypted.status()).as(encrypted.text()).isEqualTo(200);
          JsonNode body = encrypted.json();
          assertThat(body.path("key_version").asInt()).isEqualTo(1);
          assertThat(body.path("tmk_version").asInt())
              .as("DEK v1, moved under the CMK-wrapped TMK v2 by the rewrap")
              .isEqualTo(2);
          assertThat(body.path("dek_id").asText()).startsWith("dek_");
          String ciphertext = body.path("ciphertext").asText();
          assertThat(Base64.getDecoder().decode(ciphertext)).isNotEmpty();
          assertThat(unb64(ciphertext)).doesNotContain("4111");

          Reply decrypted = decrypt(http, agent, ciphertext, "{\"table\":\"payments\"}");
          assertThat(decrypted.status()).as(decrypted.text()).isEqualTo(200);
          assertThat(unb64(decrypted.json().path("plaintext").asText()))
              .isEqualTo("card 4111-1111");
          assertThat(decrypted.json().path("key_version").asInt()).isEqualTo(1);
          assertThat(decrypted.json().path("dek_id").asText())
              .isEqualTo(body.path("dek_id").asText());

          JsonNode wrongContext =
              decrypt(http, agent, ciphertext, "{\"table\":\"users\"}")
                  .assertError(400, "invalid_ciphertext", "BYOK_008");
          assertThat(wrongContext.path("message").asText()).contains("DEK v1");
          decrypt(http, agent, ciphertext, null).assertError(400, "invalid_ciphertext", "BYOK_008");

          byte[] tampered = Base64.getDecoder().decode(ciphertext);
          tampered[tampered.length - 1] ^= 1;
          decrypt(
                  http,
                  agent,
                  Base64.getEncoder().encodeToString(tampered),
                  "{\"table\":\"payments\"}")
              .assertError(400, "invalid_ciphertext");
          decrypt(http, agent, b64("not an envelope"), null)
              .assertError(400, "invalid_ciphertext", "BYOK_008");
          decrypt(http, agent, "", null).assertError(400, "invalid_ciphertext");
          decrypt(
                  http,
                  agent,
                  Base64.getEncoder()
                      .encodeToString(
                          java.util.Arrays.copyOf(Base64.getDecoder().decode(ciphertext), 20)),
                  null)
              .assertError(400, "invalid_ciphertext");

          Reply empty = encrypt(http, owner, "", null);
          assertThat(empty.status()).as(empty.text()).isEqualTo(200);
          assertThat(
                  decrypt(http, owner, empty.json().path("ciphertext").asText(), null)
                      .json()
                      .path("plaintext")
                      .asText())
              .isEmpty();
        });
  }

  @Test
  void aTenantCannotDecryptAnotherTenantsCiphertext() {
    String a = EdgeFixture.tenant();
    String b = EdgeFixture.tenant();
    String c = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.active(http, edge.owner(a));
          edge.active(http, edge.owner(b));
          String ciphertext = ciphertext(http, edge.owner(a), "A's secret");

          Reply byB = decrypt(http, edge.owner(b), ciphertext, null);
          JsonNode error = byB.assertError(400, "incorrect_key");
          assertThat(error.path("message").asText())
              .startsWith("IncorrectKeyException")
              .contains(" v1");
          assertThat(byB.json().has("plaintext")).isFalse();
          // C, without BYOK, has platform-managed keys of its own: not A's.
          decrypt(http, edge.owner(c), ciphertext, null).assertError(400, "incorrect_key");
          assertThat(
                  unb64(
                      decrypt(http, edge.owner(a), ciphertext, null)
                          .json()
                          .path("plaintext")
                          .asText()))
              .isEqualTo("A's secret");
        });
  }

  @Test
  void theDataPlaneWorksFromTheFirstCallWithoutByokAndNeedsADataRole() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          Reply first = encrypt(http, owner, "before byok", null);
          assertThat(first.status()).as(first.text()).isEqualTo(200);
          assertThat(first.json().path("tmk_version").asInt())
              .as("platform-managed TMK v1")
              .isEqualTo(1);
          String before = first.json().path("ciphertext").asText();
          decrypt(http, owner, b64("x".repeat(64)), null).assertError(400, "invalid_ciphertext");
          edge.registered(http, owner);
          Reply pending = encrypt(http, owner, "x", null);
          assertThat(pending.status())
              .as("a registration waiting for its waiver does not cut the data plane off")
              .isEqualTo(200);
          assertThat(unb64(decrypt(http, owner, before, null).json().path("plaintext").asText()))
              .isEqualTo("before byok");
          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          owner,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);
          String ciphertext =
              ciphertext(http, edge.token(tenant, "admin@" + tenant, Role.ADMIN), "x");

          for (Role role : new Role[] {Role.AUDITOR, Role.PLATFORM}) {
            String token = edge.token(tenant, role.wireName() + "@" + tenant, role);
            encrypt(http, token, "x", null).assertError(403, "forbidden");
            decrypt(http, token, ciphertext, null).assertError(403, "forbidden");
          }
          encrypt(http, null, "x", null).assertError(401, "missing_token");
          decrypt(http, "nope", ciphertext, null).assertError(401, "invalid_token");
        });
  }

  @Test
  void malformedRequestsAre400Or413AndNeverA500() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String ciphertext = ciphertext(http, owner, "x");
          for (String body :
              new String[] {
                "{\"plaintext\":\"%%%\"}",
                "{\"plaintext\":\"eA=\"}",
                "{}",
                "{\"plaintext\":null}",
                "{\"plaintext\":{\"a\":1}}",
                "{\"plaintext\":[1]}",
                "{\"plaintext\":\"eA==\",\"key_id\":\"other\"}",
                "{\"plaintext\":\"eA==\",\"context\":\"table\"}",
                "{\"plaintext\":\"eA==\",\"context\":{\"a\":null}}",
                "{\"plaintext\":\"eA==\",\"context\":{\"a\":{\"b\":1}}}",
                "{\"plaintext\":\"eA==\",\"context\":{\"k\":\"" + "v".repeat(1025) + "\"}}",
                "{not json",
                "",
                "null",
                "[]",
                "42",
                "[".repeat(5000) + "]".repeat(5000)
              }) {
            JsonNode error =
                http.post("/api/v1/byok/encrypt", owner, body).assertError(400, "invalid_request");
            assertThat(error.path("message").asText()).isNotBlank();
          }
          StringBuilder manyKeys = new StringBuilder("{\"plaintext\":\"eA==\",\"context\":{");
          for (int i = 0; i < 40; i++) {
            manyKeys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
          }
          http.post("/api/v1/byok/encrypt", owner, manyKeys + "}}")
              .assertError(400, "invalid_request");
          for (String body :
              new String[] {
                "{\"ciphertext\":\"***\"}",
                "{}",
                "{\"ciphertext\":7,\"context\":[]}",
                "{\"plaintext\":\"" + ciphertext + "\"}"
              }) {
            http.post("/api/v1/byok/decrypt", owner, body).assertError(400, "invalid_request");
          }
          JsonNode tooLarge =
              http.post(
                      "/api/v1/byok/encrypt",
                      owner,
                      "{\"plaintext\":\"" + "A".repeat(7 * 1024 * 1024) + "\"}")
                  .assertError(413, "payload_too_large");
          assertThat(tooLarge.path("hint").asText()).contains("4 MiB");
          http.declareUpload("POST", "/api/v1/byok/encrypt", owner, null, 9L * 1024 * 1024)
              .assertError(413, "payload_too_large");

          Reply big =
              http.post(
                  "/api/v1/byok/encrypt",
                  owner,
                  "{\"plaintext\":\""
                      + Base64.getEncoder().encodeToString(new byte[3 * 1024 * 1024])
                      + "\"}");
          assertThat(big.status()).as("3 MiB of data is within the limit").isEqualTo(200);
        });
  }

  @Test
  void aSealedTenantGets503TenantSealedWithRetryAfterAndCachedKeysOnlyUntilTheirTtl()
      throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String keyArn = edge.active(http, owner);
          String ciphertext = ciphertext(http, owner, "before the kill switch");

          edge.customer.kms.disableKey(r -> r.keyId(keyArn));
          assertThat(encrypt(http, owner, "cached keys stay usable", null).status()).isEqualTo(200);
          assertThat(decrypt(http, owner, ciphertext, null).status()).isEqualTo(200);

          edge.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
          String token = edge.owner(tenant);
          Reply sealed = encrypt(http, token, "after the TTL", null);
          JsonNode error = sealed.assertError(503, "tenant_sealed");
          assertThat(error.path("message").asText()).contains("disabled");
          assertThat(sealed.retryAfter()).isEqualTo(30);
          assertThat(sealed.json().has("ciphertext")).isFalse();

          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () ->
                      assertThat(
                              http.get("/api/v1/byok/keys", token).json().path("status").asText())
                          .isEqualTo("sealed"));
          Reply sealedDecrypt = decrypt(http, token, ciphertext, null);
          sealedDecrypt.assertError(503, "tenant_sealed");
          assertThat(sealedDecrypt.retryAfter()).isEqualTo(30);
          assertThat(sealedDecrypt.json().has("plaintext")).isFalse();
          assertThat(EdgeFixture.auditTrail(http, token)).first().isEqualTo("seal:failure");
          edge.customer.kms.enableKey(r -> r.keyId(keyArn));
        });
  }

  @Test
  void aKmsThatOnlyThrottlesIs503KmsUnavailableAndDoesNotSeal() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          // The rewrap left TMK v2 in the key cache; past its TTL the next use asks KMS again.
          edge.clock.advance(KeyringSettings.defaults().byokTtl().plusSeconds(1));
          edge.localKms.faults().throttle(1000, null);
          Reply throttled = encrypt(http, owner, "x", null);
          throttled.assertError(503, "kms_unavailable", "BYOK_006");
          assertThat(throttled.retryAfter()).isPositive();
          edge.localKms.faults().clear();
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("active");
          assertThat(encrypt(http, owner, "x", null).status()).isEqualTo(200);
        });
  }

  @Test
  void getKeysShowsEncryptionsUsedAndReservedAndTheFlushMovesThemFromReservedToUsed() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String ciphertext = ciphertext(http, owner, "x");
          ciphertext(http, owner, "y");
          ciphertext(http, owner, "z");
          assertThat(decrypt(http, owner, ciphertext, null).status()).isEqualTo(200);

          JsonNode before = http.get("/api/v1/byok/keys", owner).json();
          assertThat(before.path("encryption_count").asLong()).as("not reported yet").isZero();
          assertThat(before.path("reserved_encryptions").asLong())
              .as("the instance's first block, reserved before the first encryption")
              .isEqualTo(1024);
          assertThat(before.path("dek_versions").get(0).path("reserved_encryptions").asLong())
              .isEqualTo(1024);

          edge.usage.flush();
          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("encryption_count").asLong()).isEqualTo(3);
          assertThat(key.path("reserved_encryptions").asLong()).isEqualTo(1021);
          assertThat(key.path("decryption_count").asLong()).isEqualTo(1);
          assertThat(key.path("last_used").asText()).isEqualTo(edge.clock.instant().toString());
          JsonNode dek = key.path("dek_versions").get(0);
          assertThat(dek.path("encryptions").asLong()).isEqualTo(3);
          assertThat(dek.path("reserved_encryptions").asLong()).isEqualTo(1021);

          edge.usage.returnUnused();
          JsonNode stopped = http.get("/api/v1/byok/keys", owner).json();
          assertThat(stopped.path("encryption_count").asLong()).isEqualTo(3);
          assertThat(stopped.path("reserved_encryptions").asLong())
              .as("a clean shutdown gives the unused encryptions back")
              .isZero();
        });
  }

  @Test
  void anEncryptionWaitsABoundedTimeForItsFirstBlockThen503AndIsNeverMadeOutsideOne() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.log.pendNext(1);
          Reply waiting = encrypt(http, owner, "not yet", null);
          waiting.assertError(503, "budget_unavailable");
          assertThat(waiting.retryAfter()).isEqualTo(1);
          assertThat(waiting.json().has("ciphertext")).isFalse();

          assertThat(encrypt(http, owner, "now", null).status()).isEqualTo(200);
          edge.usage.flush();
          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("encryption_count").asLong())
              .as("the block decided too late is counted as used, with the one encryption")
              .isEqualTo(1024 + 1);
          assertThat(key.path("reserved_encryptions").asLong()).isEqualTo(1023);
          edge.usage.returnUnused();
        });
  }

  @Test
  void aDekPastItsLifetimeIsRetiredByAnAutomaticRotation() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String old = ciphertext(http, owner, "old");
          edge.clock.advance(Duration.ofDays(91));
          String token = edge.owner(tenant);
          Reply stillServed = encrypt(http, token, "served while the rotation runs", null);
          assertThat(stillServed.status()).as(stillServed.text()).isEqualTo(200);

          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () ->
                      assertThat(
                              http.get("/api/v1/byok/keys", token)
                                  .json()
                                  .path("active_dek_version")
                                  .asInt())
                          .isEqualTo(2));
          assertThat(encrypt(http, token, "new", null).json().path("key_version").asInt())
              .isEqualTo(2);
          assertThat(unb64(decrypt(http, token, old, null).json().path("plaintext").asText()))
              .isEqualTo("old");
          assertThat(EdgeFixture.auditTrail(http, token))
              .as("the encryption with the new DEK reserved a block of it first")
              .startsWith("reserve_encryptions:success", "create_dek:success");
        });
  }

  @Test
  void dataStaysReadableAfterByokEnds() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String keyArn = edge.active(http, owner);
          String ciphertext = ciphertext(http, owner, "kept");
          assertThat(http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant)).status())
              .isEqualTo(200);
          edge.customer.kms.disableKey(r -> r.keyId(keyArn));
          edge.clock.advance(Duration.ofMinutes(6));
          String token = edge.owner(tenant);
          Reply readable = decrypt(http, token, ciphertext, null);
          assertThat(readable.status())
              .as(
                  "under the platform key now, the customer's key is not needed: "
                      + readable.text())
              .isEqualTo(200);
          assertThat(unb64(readable.json().path("plaintext").asText())).isEqualTo("kept");
          assertThat(encrypt(http, token, "new data", null).status()).isEqualTo(200);
        });
  }
}
