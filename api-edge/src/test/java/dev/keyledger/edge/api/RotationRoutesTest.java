package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.DataPlaneRoutesTest.ciphertext;
import static dev.keyledger.edge.api.DataPlaneRoutesTest.decrypt;
import static dev.keyledger.edge.api.DataPlaneRoutesTest.encrypt;
import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.domain.MaterialKeys;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/byok/keys/rotate} and {@code POST /admin/tenant-kms/rotate|unseal|revoke}:
 * rotation in both dialects, the manual unseal and cryptographic erasure.
 */
class RotationRoutesTest {

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

  /** A step-up token of {@code owner@tenant} issued {@code ago}. */
  private static String stepUpIssued(String tenant, Duration ago) {
    return new TokenIssuer(
            edge.jwtKeys, Clock.fixed(edge.clock.instant().minus(ago), ZoneOffset.UTC))
        .issueStepUp(new Principal("owner@" + tenant, tenant, EnumSet.of(Role.OWNER)));
  }

  @Test
  void aDekRotationMakesTheNextDekVersionAndOldDataStillDecrypts() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String before = ciphertext(http, owner, "before");
          Reply rotated = http.post("/api/v1/byok/keys/rotate", owner, "");
          assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
          JsonNode body = rotated.json();
          assertThat(body.path("rotation_id").asText()).matches("cmd_[0-9a-f]{32}");
          assertThat(body.path("rotation_type").asText()).isEqualTo("dek");
          assertThat(body.path("previous_dek_id").asText()).startsWith("dek_");
          assertThat(body.path("new_dek_id").asText())
              .startsWith("dek_")
              .isNotEqualTo(body.path("previous_dek_id").asText());
          assertThat(body.path("new_version").isNull()).isTrue();
          assertThat(body.path("rewrap_lease_id").isNull()).isTrue();
          assertThat(body.path("status").asText()).isEqualTo("completed");

          Reply after = encrypt(http, owner, "after", null);
          assertThat(after.json().path("key_version").asInt()).isEqualTo(2);
          assertThat(after.json().path("dek_id").asText())
              .isEqualTo(body.path("new_dek_id").asText());
          assertThat(decrypt(http, owner, before, null).json().path("key_version").asInt())
              .isEqualTo(1);
          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("active_dek_version").asInt()).isEqualTo(2);
          assertThat(key.path("last_rotation_at").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(auditTrail(http, owner))
              .as("the encryption after the rotation reserved a block of the new DEK first")
              .startsWith("reserve_encryptions:success", "create_dek:success");
        });
  }

  @Test
  void getKeysListsTheDekVersionsNewestFirstOnePageAtATime() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          for (int i = 0; i < 4; i++) {
            Reply rotated = http.post("/api/v1/byok/keys/rotate", owner, "");
            assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
          }
          JsonNode all = http.get("/api/v1/byok/keys", owner).json();
          assertThat(all.path("dek_count").asInt()).isEqualTo(5);
          assertThat(all.path("active_dek_version").asInt()).isEqualTo(5);
          assertThat(versions(all)).containsExactly(5, 4, 3, 2, 1);
          assertThat(all.path("dek_versions").get(0).path("status").asText()).isEqualTo("active");
          assertThat(all.path("dek_versions").get(1).path("status").asText()).isEqualTo("retired");
          assertThat(all.path("dek_versions_next_before").isNull()).isTrue();

          JsonNode first = http.get("/api/v1/byok/keys?dek_limit=2", owner).json();
          assertThat(versions(first)).containsExactly(5, 4);
          int next = first.path("dek_versions_next_before").asInt();
          assertThat(next).isEqualTo(4);
          JsonNode second =
              http.get("/api/v1/byok/keys?dek_limit=2&dek_before=" + next, owner).json();
          assertThat(versions(second)).containsExactly(3, 2);
          JsonNode last =
              http.get(
                      "/api/v1/byok/keys?dek_limit=2&dek_before="
                          + second.path("dek_versions_next_before").asInt(),
                      owner)
                  .json();
          assertThat(versions(last)).containsExactly(1);
          assertThat(last.path("dek_versions_next_before").isNull()).isTrue();

          for (String bad :
              List.of(
                  "dek_limit=0",
                  "dek_limit=101",
                  "dek_limit=ten",
                  "dek_before=1",
                  "dek_before=-5",
                  "dek_before=99999999999")) {
            Reply refused = http.get("/api/v1/byok/keys?" + bad, owner);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().path("error").path("type").asText())
                .isEqualTo("invalid_request");
            assertThat(refused.json().path("error").path("message").asText())
                .contains(bad.substring(0, bad.indexOf('=')));
            assertThat(refused.json().path("error").path("hint").asText()).isNotBlank();
          }
        });
  }

  private static List<Integer> versions(JsonNode key) {
    List<Integer> versions = new java.util.ArrayList<>();
    key.path("dek_versions").forEach(d -> versions.add(d.path("version").asInt()));
    return versions;
  }

  @Test
  void masterAndFullRotationsMakeANewTmkVersionAndStartARewrap() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          Reply master =
              http.post(
                  "/api/v1/byok/keys/rotate",
                  owner,
                  "{\"rotation_type\":\"master\",\"reason\":\"annual\"}");
          assertThat(master.status()).as(master.text()).isEqualTo(200);
          assertThat(master.json().path("rotation_type").asText()).isEqualTo("master");
          assertThat(master.json().path("new_version").asInt()).isEqualTo(3);
          assertThat(master.json().path("new_dek_id").isNull()).isTrue();
          long lease = master.json().path("rewrap_lease_id").asLong();
          assertThat(lease).isPositive();
          assertThat(master.json().path("status").asText()).isEqualTo("rewrap_enqueued");
          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("active_tmk_version").asInt()).isEqualTo(3);
          assertThat(
                  key.path("tmk_versions")
                      .valueStream()
                      .map(
                          v ->
                              v.path("version").asInt()
                                  + ":"
                                  + v.path("status").asText()
                                  + ":"
                                  + v.path("wrap_method").asText())
                      .toList())
              .containsExactly(
                  "1:retired:platform", "2:retired:customer_kms", "3:active:customer_kms");
          assertThat(key.path("rewrap").path("lease_id").asLong()).isEqualTo(lease);
          assertThat(key.path("rewrap").path("to_tmk_version").asInt()).isEqualTo(3);

          Reply full = http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"FULL\"}");
          assertThat(full.status()).as(full.text()).isEqualTo(200);
          assertThat(full.json().path("rotation_type").asText()).isEqualTo("full");
          assertThat(full.json().path("new_version").asInt()).isEqualTo(4);
          assertThat(full.json().path("new_dek_id").asText()).startsWith("dek_");
          assertThat(encrypt(http, owner, "x", null).json().path("tmk_version").asInt())
              .isEqualTo(4);
        });
  }

  @Test
  void rotationWorksWithoutByokAndWhileTheWaiverIsPendingAndIsRefusedWhileSealed()
      throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          Reply platform = http.post("/api/v1/byok/keys/rotate", owner, "{}");
          assertThat(platform.status()).as(platform.text()).isEqualTo(200);
          assertThat(platform.json().path("previous_dek_id").asText())
              .as("the platform-managed DEK v1 of the first call")
              .startsWith("dek_");
          edge.registered(http, owner);
          Reply pendingDek =
              http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}");
          assertThat(pendingDek.status())
              .as("the platform-managed keys rotate while the waiver is pending: %s", pendingDek)
              .isEqualTo(200);
          Reply pendingMaster =
              http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"master\"}");
          assertThat(pendingMaster.status()).as(pendingMaster.text()).isEqualTo(200);
          assertThat(pendingMaster.json().path("new_version").asInt()).isEqualTo(3);
          JsonNode pending = http.get("/api/v1/byok/keys", owner).json();
          assertThat(tmkVersions(pending))
              .as("under the platform key; the CMK-wrapped v2 still waits")
              .containsExactly(
                  "1:retired:platform", "2:pending_waiver:customer_kms", "3:active:platform");
          assertThat(pending.path("dek_versions").get(0).path("tmk_version").asInt())
              .as("DEK v2 of the rotation above, under the platform-managed v1")
              .isEqualTo(1);

          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          owner,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);
          JsonNode switched = http.get("/api/v1/byok/keys", owner).json();
          assertThat(tmkVersions(switched))
              .containsExactly("1:retired:platform", "2:active:customer_kms", "3:retired:platform");
          assertThat(switched.path("rewrap").path("to_tmk_version").asInt()).isEqualTo(2);
          edge.seal(tenant);
          Reply sealed = http.post("/api/v1/byok/keys/rotate", owner, "{}");
          sealed.assertError(503, "tenant_sealed");
          assertThat(sealed.retryAfter()).as("every 503 says when to retry").isPositive();
          http.postStepUp("/admin/tenant-kms/rotate", owner, edge.ownerStepUp(tenant), "")
              .assertError(503, "tenant_sealed");
          assertThat(auditTrail(http, owner))
              .startsWith("rotate:refused", "rotate:refused", "seal:failure");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("active_tmk_version").asInt())
              .as("the registration's TMK v2; nothing rotated since")
              .isEqualTo(2);
        });
  }

  private static List<String> tmkVersions(JsonNode key) {
    return key.path("tmk_versions")
        .valueStream()
        .map(
            v ->
                v.path("version").asInt()
                    + ":"
                    + v.path("status").asText()
                    + ":"
                    + v.path("wrap_method").asText())
        .toList();
  }

  @Test
  void badRotationBodiesAre400() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          for (String body :
              new String[] {
                "{\"rotation_type\":\"sideways\"}",
                "{\"rotation_type\":3}",
                "{\"rotation_type\":[\"dek\"]}",
                "{\"rotation_type\":\"dek\",\"tenant_id\":\"x\"}",
                "{\"reason\":\"" + "r".repeat(1025) + "\"}",
                "{oops",
                "[]"
              }) {
            http.post("/api/v1/byok/keys/rotate", owner, body).assertError(400, "invalid_request");
          }
          http.post(
                  "/api/v1/byok/keys/rotate",
                  edge.token(tenant, "aud@" + tenant, Role.AUDITOR),
                  "{}")
              .assertError(403, "forbidden");
          http.post("/api/v1/byok/keys/rotate", null, "{}").assertError(401, "missing_token");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("active_dek_version").asInt())
              .isEqualTo(1);
        });
  }

  @Test
  void rotationIsLimitedPerSub() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    RateLimitConfig tight =
        RateLimitConfig.defaults()
            .withLimits(Map.of(RateLimitConfig.KEYS_ROTATE, RateLimitConfig.Limit.perHour(2)));
    edge.http(
        tight,
        http -> {
          edge.active(http, owner);
          assertThat(http.post("/api/v1/byok/keys/rotate", owner, "{}").status()).isEqualTo(200);
          assertThat(
                  http.postStepUp("/admin/tenant-kms/rotate", owner, edge.ownerStepUp(tenant), "")
                      .status())
              .isEqualTo(200);
          Reply limited = http.post("/api/v1/byok/keys/rotate", owner, "{}");
          limited.assertError(429, "rate_limit_exceeded");
          assertThat(limited.retryAfter()).isGreaterThan(60);
          http.postStepUp("/admin/tenant-kms/rotate", owner, edge.ownerStepUp(tenant), "")
              .assertError(429, "rate_limit_exceeded");
        });
  }

  @Test
  void theAdminRotationNeedsAStepUpAndAnswersTheNewVersion() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          http.post("/admin/tenant-kms/rotate", owner, "").assertError(401, "step_up_required");
          http.postStepUp(
                  "/admin/tenant-kms/rotate",
                  owner,
                  stepUpIssued(tenant, Duration.ofMinutes(6)),
                  "")
              .assertError(401, "step_up_expired");
          http.postStepUp(
                  "/admin/tenant-kms/rotate",
                  edge.token(tenant, "aud@" + tenant, Role.AUDITOR),
                  edge.stepUp(tenant, "aud@" + tenant, Role.AUDITOR),
                  "")
              .assertError(403, "forbidden");

          Reply rotated =
              http.postStepUp(
                  "/admin/tenant-kms/rotate",
                  owner,
                  stepUpIssued(tenant, Duration.ofMinutes(4)),
                  "");
          assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
          assertThat(rotated.json().path("rotated").asBoolean()).isTrue();
          assertThat(rotated.json().path("new_version").asInt()).isEqualTo(3);
          assertThat(rotated.json().path("rewrap_lease_id").asLong()).isPositive();
          assertThat(http.get("/admin/tenant-kms", owner).json().path("keys")).hasSize(3);

          String withoutByok = EdgeFixture.tenant();
          Reply platform =
              http.postStepUp(
                  "/admin/tenant-kms/rotate",
                  edge.owner(withoutByok),
                  edge.ownerStepUp(withoutByok),
                  "");
          assertThat(platform.status()).as(platform.text()).isEqualTo(200);
          assertThat(platform.json().path("new_version").asInt())
              .as("a master rotation of platform-managed keys: TMK v2 under the platform key")
              .isEqualTo(2);
          assertThat(
                  edge.log.state(withoutByok).orElseThrow().getTmkVersions().stream()
                      .map(v -> v.getTmk().getWrapMethod()))
              .containsOnly("platform");
        });
  }

  @Test
  void unsealTriesTheCmkNowAndSaysWhyWhenItStillFails() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String keyArn = edge.active(http, owner);
          http.post("/admin/tenant-kms/unseal", owner, "").assertError(401, "step_up_required");
          http.postStepUp(
                  "/admin/tenant-kms/unseal",
                  owner,
                  stepUpIssued(tenant, Duration.ofMinutes(3)),
                  "")
              .assertError(401, "step_up_expired");
          http.postStepUp("/admin/tenant-kms/unseal", owner, edge.ownerStepUp(tenant), "")
              .assertError(409, "not_sealed");

          edge.customer.kms.disableKey(r -> r.keyId(keyArn));
          edge.seal(tenant);
          JsonNode denied =
              http.postStepUp("/admin/tenant-kms/unseal", owner, edge.ownerStepUp(tenant), "")
                  .assertError(502, "unseal_failed", "access_denied");
          assertThat(denied.path("message").asText()).contains("disabled");
          assertThat(denied.path("reason").asText()).isEqualTo("disabled");
          assertThat(denied.path("hint").asText()).contains("enable-key");
          assertThat(EdgeFixture.auditTrail(http, owner))
              .as("a failed unseal is audited")
              .first()
              .isEqualTo("unseal:refused");

          edge.customer.kms.enableKey(r -> r.keyId(keyArn));
          edge.localKms.faults().refuseConnections(true);
          http.postStepUp("/admin/tenant-kms/unseal", owner, edge.ownerStepUp(tenant), "")
              .assertError(502, "unseal_failed", "unreachable");
          edge.localKms.faults().clear();
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("sealed");

          Reply unsealed =
              http.postStepUp(
                  "/admin/tenant-kms/unseal",
                  owner,
                  stepUpIssued(tenant, Duration.ofMinutes(1)),
                  "");
          assertThat(unsealed.status()).as(unsealed.text()).isEqualTo(200);
          assertThat(unsealed.json().path("unsealed").asBoolean()).isTrue();
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("active");
          assertThat(
                  http.get("/admin/tenant-kms", owner)
                      .json()
                      .path("config")
                      .path("sealed_since")
                      .isNull())
              .isTrue();
          assertThat(encrypt(http, owner, "back", null).status()).isEqualTo(200);
          assertThat(auditTrail(http, owner))
              .startsWith("reserve_encryptions:success", "unseal:success")
              .contains("seal:failure", "unseal:refused");

          String keyless = EdgeFixture.tenant();
          http.postStepUp(
                  "/admin/tenant-kms/unseal", edge.owner(keyless), edge.ownerStepUp(keyless), "")
              .assertError(404, "no_kms_config");
        });
  }

  @Test
  void revokeErasesARetiredVersionAndItsDataBecomesUnrecoverable() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String lost = ciphertext(http, owner, "under TMK v2");
          String tmkV2 =
              http.get("/admin/tenant-kms", owner).json().path("keys").get(1).path("id").asText();
          assertThat(edge.log.material(MaterialKeys.tmk(tenant, tmkV2))).isPresent();

          http.postStepUp(
                  "/admin/tenant-kms/revoke", owner, edge.ownerStepUp(tenant), "{\"version\":2}")
              .assertError(409, "active_version");
          assertThat(
                  http.postStepUp("/admin/tenant-kms/rotate", owner, edge.ownerStepUp(tenant), "")
                      .status())
              .isEqualTo(200);

          JsonNode wouldLose =
              http.postStepUp(
                      "/admin/tenant-kms/revoke",
                      owner,
                      edge.ownerStepUp(tenant),
                      "{\"version\":2}")
                  .assertError(409, "data_would_be_lost");
          assertThat(wouldLose.path("hint").asText()).contains("allow_data_loss");
          http.postStepUp(
                  "/admin/tenant-kms/revoke", owner, edge.ownerStepUp(tenant), "{\"version\":9}")
              .assertError(404, "unknown_key_version");

          Reply revoked =
              http.postStepUp(
                  "/admin/tenant-kms/revoke",
                  owner,
                  edge.ownerStepUp(tenant),
                  "{\"version\":2,\"reason\":\"erasure request\",\"allow_data_loss\":true}");
          assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);
          assertThat(revoked.json().path("revoked").asBoolean()).isTrue();
          assertThat(revoked.json().path("version").asInt()).isEqualTo(2);
          assertThat(revoked.json().path("status").asText()).isEqualTo("destroyed");
          assertThat(revoked.json().path("deks_lost").asLong()).isEqualTo(1);

          assertThat(
                  http.get("/admin/tenant-kms", owner)
                      .json()
                      .path("keys")
                      .get(1)
                      .path("status")
                      .asText())
              .isEqualTo("destroyed");
          assertThat(edge.log.material(MaterialKeys.tmk(tenant, tmkV2)))
              .as("wrapped bytes erased")
              .isEmpty();
          JsonNode gone = decrypt(http, owner, lost, null).assertError(410, "key_destroyed");
          assertThat(gone.path("message").asText()).contains("unrecoverable");
          http.postStepUp(
                  "/admin/tenant-kms/revoke",
                  owner,
                  edge.ownerStepUp(tenant),
                  "{\"version\":2,\"allow_data_loss\":true}")
              .assertError(409, "key_destroyed");
          assertThat(auditTrail(http, owner))
              .startsWith("revoke:refused", "revoke:success", "revoke:refused", "revoke:refused");

          Reply rotating = encrypt(http, owner, "new data", null);
          rotating.assertError(503, "dek_rotating");
          assertThat(rotating.retryAfter()).isEqualTo(1);
          await()
              .atMost(Duration.ofSeconds(10))
              .untilAsserted(
                  () -> {
                    Reply encrypted = encrypt(http, owner, "new data", null);
                    assertThat(encrypted.status()).as(encrypted.text()).isEqualTo(200);
                    assertThat(encrypted.json().path("tmk_version").asInt()).isEqualTo(3);
                  });
        });
  }

  @Test
  void revokeNeedsAStepUpAndAVersion() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          http.post("/admin/tenant-kms/revoke", owner, "{\"version\":1}")
              .assertError(401, "step_up_required");
          http.postStepUp(
                  "/admin/tenant-kms/revoke",
                  owner,
                  edge.ownerStepUp(EdgeFixture.tenant()),
                  "{\"version\":1}")
              .assertError(401, "step_up_invalid");
          for (String body :
              new String[] {
                "{}",
                "{\"version\":0}",
                "{\"version\":-3}",
                "{\"version\":\"one\"}",
                "{\"version\":1.5}",
                "{\"version\":99999999999}",
                "{\"version\":1,\"allow_data_loss\":\"yes please\"}",
                "{\"version\":1,\"tenant\":\"x\"}",
                "",
                "nope"
              }) {
            http.postStepUp("/admin/tenant-kms/revoke", owner, edge.ownerStepUp(tenant), body)
                .assertError(400, "invalid_request");
          }
          assertThat(
                  http.get("/admin/tenant-kms", owner)
                      .json()
                      .path("keys")
                      .get(1)
                      .path("status")
                      .asText())
              .isEqualTo("active");
        });
  }
}
