package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.schemas.Codecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST|GET|DELETE /api/v1/byok/keys} and {@code GET /api/v1/byok/health} at the HTTP tier.
 */
class ByokKeysRoutesTest {

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

  @Test
  void registeringAKeyAnswers201PendingWaiverAndGetShowsIt() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String keyArn = edge.customer.keyGrantingPlatform();
    edge.http(
        http -> {
          Reply registered =
              http.post(
                  "/api/v1/byok/keys",
                  owner,
                  "{\"key_arn\":\""
                      + keyArn
                      + "\",\"key_alias\":\"prod\",\"description\":\"payments\"}");
          assertThat(registered.status()).as(registered.text()).isEqualTo(201);
          JsonNode body = registered.json();
          assertThat(body.path("key_id").asText()).startsWith("byok_");
          assertThat(body.path("status").asText()).isEqualTo("pending_waiver");
          assertThat(body.path("requires_waiver_acknowledgment").asBoolean()).isTrue();
          assertThat(body.path("key_arn").asText()).isEqualTo(keyArn);
          assertThat(body.path("key_alias").asText()).isEqualTo("prod");
          assertThat(body.path("tmk_version").asInt())
              .as("v1 is the platform-managed TMK provisioned first")
              .isEqualTo(2);
          assertThat(body.path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
          assertThat(body.path("probe").has("encrypt_ms")).isTrue();
          assertThat(body.path("probe").has("decrypt_ms")).isTrue();

          Reply got = http.get("/api/v1/byok/keys", owner);
          assertThat(got.status()).as(got.text()).isEqualTo(200);
          JsonNode key = got.json();
          assertThat(key.path("key_id").asText()).isEqualTo(body.path("key_id").asText());
          assertThat(key.path("status").asText()).isEqualTo("pending_waiver");
          assertThat(key.path("key_arn").asText()).isEqualTo(keyArn);
          assertThat(key.path("key_alias").asText()).isEqualTo("prod");
          assertThat(key.path("description").asText()).isEqualTo("payments");
          assertThat(key.path("region").asText()).isEqualTo("us-east-1");
          assertThat(key.path("registered_by").asText()).isEqualTo("owner@" + tenant);
          assertThat(key.path("registered_at").asText()).isEqualTo(edge.clock.instant().toString());
          assertThat(key.path("waiver_acknowledged").asBoolean()).isFalse();
          assertThat(key.path("sealed").asBoolean()).isFalse();
          assertThat(key.path("encryption_count").asLong()).isZero();
          assertThat(key.path("decryption_count").asLong()).isZero();
          assertThat(key.path("wrap_method").asText())
              .as("the platform-managed keys serve until the waiver is acknowledged")
              .isEqualTo("platform");
          assertThat(key.path("active_tmk_version").asInt()).isEqualTo(1);
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
              .containsExactly("1:active:platform", "2:pending_waiver:customer_kms");
          assertThat(key.path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
          assertThat(key.path("rewrap").isNull()).isTrue();
          assertThat(key.path("active_dek_version").asInt()).isEqualTo(1);
          assertThat(key.path("dek_versions"))
              .singleElement()
              .satisfies(d -> assertThat(d.path("tmk_version").asInt()).isEqualTo(1));
          assertThat(key.toString()).as("no key material in the view").doesNotContain("wrapped");

          assertThat(auditTrail(http, owner))
              .containsExactly(
                  "create_tmk_version:success",
                  "register:success",
                  "create_dek:success",
                  "create_tmk_version:success",
                  "provision:success");
        });
  }

  @Test
  void anInvalidArnIsRefused400Byok001AndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          JsonNode error =
              http.post(
                      "/api/v1/byok/keys",
                      owner,
                      "{\"key_arn\":\"arn:aws:kms:us-east-1:1234:key/nope\"}")
                  .assertError(400, "invalid_arn", "BYOK_001");
          assertThat(error.path("message").asText()).startsWith("Invalid ARN format");
          assertThat(error.path("hint").asText()).isNotBlank();

          String alias = edge.customer.alias(edge.customer.keyGrantingPlatform());
          JsonNode aliasError =
              http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + alias + "\"}")
                  .assertError(400, "invalid_arn", "BYOK_001");
          assertThat(aliasError.path("hint").asText())
              .contains("aws kms describe-key --key-id alias/");

          http.post("/api/v1/byok/keys", owner, "{}").assertError(400, "invalid_arn", "BYOK_001");
          assertPlatformManaged(http.get("/api/v1/byok/keys", owner));
          assertThat(auditTrail(http, owner))
              .as("the refusals, then the platform-managed keys of the first key call")
              .containsExactly(
                  "create_dek:success",
                  "create_tmk_version:success",
                  "provision:success",
                  "register:refused",
                  "register:refused",
                  "register:refused");
        });
  }

  @Test
  void aKeyThePlatformCannotUseIsRefused400Byok002WithTheKmsReasonAndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String keyArn = edge.customer.keyWithDefaultPolicy();
    edge.http(
        http -> {
          JsonNode error =
              http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}")
                  .assertError(400, "kms_verify_failed", "BYOK_002");
          assertThat(error.path("message").asText())
              .startsWith("Cannot access CMK")
              .contains("kms:Encrypt")
              .as("names AWS's error code")
              .contains("AccessDeniedException");
          assertThat(error.path("reason").asText()).isEqualTo("access_denied");
          assertThat(error.path("hint").asText()).contains("aws kms get-key-policy");
          assertPlatformManaged(http.get("/api/v1/byok/keys", owner));
          assertThat(auditTrail(http, owner))
              .containsExactly(
                  "create_dek:success",
                  "create_tmk_version:success",
                  "provision:success",
                  "register:failure");
        });
  }

  @Test
  void aSecondKeyIsRefused409Byok003AndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String first = edge.registered(http, owner);
          JsonNode error =
              http.post(
                      "/api/v1/byok/keys",
                      owner,
                      "{\"key_arn\":\"" + edge.customer.keyGrantingPlatform() + "\"}")
                  .assertError(409, "key_already_registered", "BYOK_003");
          assertThat(error.path("message").asText()).isEqualTo("Organization already has BYOK key");
          assertThat(error.path("hint").asText()).contains(first);
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("key_arn").asText())
              .isEqualTo(first);
          assertThat(auditTrail(http, owner)).first().isEqualTo("register:refused");
        });
  }

  @Test
  void anExternalIdWithoutARoleIsRefusedAndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          http.post(
                  "/api/v1/byok/keys",
                  owner,
                  "{\"key_arn\":\""
                      + edge.customer.keyGrantingPlatform()
                      + "\",\"external_id\":\"abc-123\"}")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/keys",
                  owner,
                  "{\"key_arn\":\""
                      + edge.customer.keyGrantingPlatform()
                      + "\",\"role_arn\":\"not-a-role\"}")
              .assertError(400, "invalid_role_arn", "BYOK_001");
          assertThat(auditTrail(http, owner))
              .containsExactly("register:refused", "register:refused");
        });
  }

  @Test
  void readsNeedAReadingRoleAndWritesAnOwnerOrAdmin() {
    String tenant = EdgeFixture.tenant();
    String auditor = edge.token(tenant, "auditor@" + tenant, Role.AUDITOR);
    String agent = edge.token(tenant, "agent@" + tenant, Role.AGENT);
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    edge.http(
        http -> {
          edge.registered(http, admin);
          assertThat(http.get("/api/v1/byok/keys", auditor).status()).isEqualTo(200);
          assertThat(http.get("/api/v1/byok/health", auditor).status()).isEqualTo(200);
          JsonNode forbidden =
              http.post("/api/v1/byok/keys", auditor, "{\"key_arn\":\"x\"}")
                  .assertError(403, "forbidden");
          assertThat(forbidden.path("message").asText()).contains("owner").contains("admin");
          http.get("/api/v1/byok/keys", agent).assertError(403, "forbidden");
          http.delete(
                  "/api/v1/byok/keys",
                  auditor,
                  edge.stepUp(tenant, "auditor@" + tenant, Role.AUDITOR))
              .assertError(403, "forbidden");
        });
  }

  @Test
  void withoutAValidTokenEveryKeyCallIs401() {
    String tenant = EdgeFixture.tenant();
    JwtKeys otherKeys = JwtKeys.of(new byte[32]);
    String foreign =
        new TokenIssuer(otherKeys, edge.clock)
            .issueAccess(new Principal("o@" + tenant, tenant, EnumSet.of(Role.OWNER)));
    String expired =
        new TokenIssuer(
                edge.jwtKeys,
                Clock.fixed(edge.clock.instant().minus(Duration.ofHours(13)), ZoneOffset.UTC))
            .issueAccess(new Principal("o@" + tenant, tenant, EnumSet.of(Role.OWNER)));
    edge.http(
        http -> {
          for (String path : new String[] {"/api/v1/byok/keys", "/api/v1/byok/health"}) {
            http.get(path, null).assertError(401, "missing_token");
            http.get(path, "not.a.jwt").assertError(401, "invalid_token");
            http.get(path, foreign).assertError(401, "invalid_token");
            http.get(path, expired).assertError(401, "token_expired");
          }
          http.post("/api/v1/byok/keys", null, "{\"key_arn\":\"x\"}")
              .assertError(401, "missing_token");
          http.raw("/api/v1/byok/keys", Map.of("Authorization", "Basic b3duZXI6cHc="), b -> b.get())
              .assertError(401, "missing_token");
          http.delete("/api/v1/byok/keys", null, null).assertError(401, "missing_token");
        });
  }

  @Test
  void deleteNeedsAStepUpTokenOfTheSameCaller() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          JsonNode required =
              http.delete("/api/v1/byok/keys", owner, null).assertError(401, "step_up_required");
          assertThat(required.path("hint").asText()).contains("X-Step-Up");
          http.delete("/api/v1/byok/keys", owner, owner).assertError(401, "step_up_invalid");
          http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp("someone-else"))
              .assertError(401, "step_up_invalid");
          http.delete(
                  "/api/v1/byok/keys", owner, edge.stepUp(tenant, "other@" + tenant, Role.OWNER))
              .assertError(401, "step_up_invalid");
          String stale =
              new TokenIssuer(
                      edge.jwtKeys,
                      Clock.fixed(
                          edge.clock.instant().minus(Duration.ofMinutes(6)), ZoneOffset.UTC))
                  .issueStepUp(new Principal("owner@" + tenant, tenant, EnumSet.of(Role.OWNER)));
          http.delete("/api/v1/byok/keys", owner, stale).assertError(401, "step_up_expired");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .as("nothing changed")
              .isEqualTo("active");
        });
  }

  @Test
  void deleteMovesEveryTmkUnderThePlatformKeyAndIsLimitedToOnePerHour() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          Reply deleted =
              http.delete("/api/v1/byok/keys?reason=leaving", owner, edge.ownerStepUp(tenant));
          assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
          assertThat(deleted.json().path("status").asText()).isEqualTo("disabled");
          assertThat(deleted.json().path("migration_status").asText()).isEqualTo("completed");
          assertThat(deleted.json().path("revoked_at").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(deleted.json().path("rewrapped_tmk_versions").toString()).isEqualTo("[1,2]");

          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("status").asText()).isEqualTo("disabled");
          assertThat(key.path("tmk_versions"))
              .hasSize(2)
              .allSatisfy(v -> assertThat(v.path("wrap_method").asText()).isEqualTo("platform"));
          assertThat(auditTrail(http, owner)).first().isEqualTo("deregister:success");

          Reply again = http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant));
          again.assertError(429, "rate_limit_exceeded", "RATE_LIMIT_EXCEEDED");
          assertThat(again.retryAfter()).isGreaterThan(60);
        });
  }

  @Test
  void deleteWithoutAKeyIs404Byok005AndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant))
              .assertError(404, "no_byok_key", "BYOK_005");
          assertThat(auditTrail(http, owner)).containsExactly("deregister:refused");
        });
  }

  @Test
  void healthFollowsTheKeyState() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          JsonNode platformManaged = http.get("/api/v1/byok/health", owner).json();
          assertThat(platformManaged.path("status").asText()).isEqualTo("healthy");
          assertThat(platformManaged.path("key_status").asText()).isEqualTo("none");
          assertThat(platformManaged.path("wrap_method").asText()).isEqualTo("platform");
          edge.registered(http, owner);
          JsonNode pending = http.get("/api/v1/byok/health", owner).json();
          assertThat(pending.path("status").asText()).isEqualTo("degraded");
          assertThat(pending.path("key_status").asText()).isEqualTo("pending_waiver");

          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          owner,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);
          Reply healthy = http.get("/api/v1/byok/health", owner);
          assertThat(healthy.status()).isEqualTo(200);
          JsonNode body = healthy.json();
          assertThat(body.path("status").asText()).isEqualTo("healthy");
          assertThat(body.path("key_status").asText()).isEqualTo("active");
          assertThat(body.path("cmk_accessible").asBoolean()).isTrue();
          assertThat(body.path("sealed").asBoolean()).isFalse();
          assertThat(body.path("sealed_since").isNull()).isTrue();
          assertThat(body.path("latency_ms").has("encrypt")).isTrue();
          assertThat(body.path("latency_ms").has("decrypt")).isTrue();
          assertThat(body.path("checks").path("cmk_access").asText()).isEqualTo("pass");
          assertThat(body.path("checks").path("dek_valid").asText()).isEqualTo("pass");
          assertThat(body.path("checks").path("kms_connection").asText()).isEqualTo("pass");
          assertThat(body.has("last_successful_operation")).isTrue();
          assertThat(body.has("error")).isFalse();

          edge.seal(tenant);
          JsonNode recovered = http.get("/api/v1/byok/health", owner).json();
          assertThat(recovered.path("status").asText())
              .as("sealed after the last check, so checked live again: the key works, unsealed")
              .isEqualTo("healthy");
          assertThat(recovered.path("cached").asBoolean()).isFalse();
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("sealed").asBoolean())
              .isFalse();
        });
  }

  @Test
  void getKeysIsLimitedPerSub() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    RateLimitConfig tight =
        RateLimitConfig.defaults()
            .withLimits(
                Map.of(
                    RateLimitConfig.KEYS_READ,
                    RateLimitConfig.Limit.perMinute(2),
                    RateLimitConfig.HEALTH,
                    RateLimitConfig.Limit.perMinute(1)));
    edge.http(
        tight,
        http -> {
          http.get("/api/v1/byok/keys", owner).assertError(404, "no_byok_key");
          http.get("/api/v1/byok/keys", owner).assertError(404, "no_byok_key");
          Reply limited = http.get("/api/v1/byok/keys", owner);
          limited.assertError(429, "rate_limit_exceeded", "RATE_LIMIT_EXCEEDED");
          assertThat(limited.retryAfter()).isBetween(1, 60);
          assertThat(http.get("/api/v1/byok/keys", admin).status())
              .as("another sub has its own budget")
              .isEqualTo(404);
          assertThat(http.get("/api/v1/byok/health", owner).status())
              .as("another limit")
              .isEqualTo(200);
          http.get("/api/v1/byok/health", owner).assertError(429, "rate_limit_exceeded");
        });
  }

  @Test
  void postKeysIsLimitedToFivePerHour() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          for (int i = 0; i < 5; i++) {
            http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"nope\"}")
                .assertError(400, "invalid_arn");
          }
          Reply limited = http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"nope\"}");
          limited.assertError(429, "rate_limit_exceeded");
          assertThat(limited.retryAfter()).isGreaterThan(60);
          http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"nope\"}")
              .assertError(429, "rate_limit_exceeded");
          edge.flushRefusals();
          JsonNode counted =
              http.get("/api/v1/byok/audit?operation=rate_limit", owner).json().path("entries");
          assertThat(counted)
              .as("both refusals in one audited entry, with their count")
              .singleElement()
              .satisfies(
                  e -> {
                    assertThat(e.path("status").asText()).isEqualTo("refused");
                    assertThat(e.path("metadata").path("refusal").path("message").asText())
                        .startsWith("2 request(s) of owner@" + tenant + " refused")
                        .contains("keys.create");
                  });
        });
  }

  @Test
  void hostileBodiesAreRefused400AndNeverStored() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          http.post("/api/v1/byok/keys", owner, "{not json").assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "").assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "null").assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "[]").assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "\"arn\"").assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "{\"key_arn\":{\"a\":1}}")
              .assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "{\"key_arn\":[\"x\"]}")
              .assertError(400, "invalid_request");
          JsonNode unknown =
              http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"x\",\"tenant_id\":\"victim\"}")
                  .assertError(400, "invalid_request");
          assertThat(unknown.path("message").asText()).contains("tenant_id");
          http.post(
                  "/api/v1/byok/keys",
                  owner,
                  "{\"key_arn\":\""
                      + edge.customer.keyGrantingPlatform()
                      + "\",\"key_alias\":\""
                      + "a".repeat(2000)
                      + "\"}")
              .assertError(400, "invalid_request");
          http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + "x".repeat(70 * 1024) + "\"}")
              .assertError(413, "payload_too_large");

          Reply credentials =
              http.post(
                  "/api/v1/byok/keys",
                  admin,
                  "{\"key_arn\":\""
                      + edge.customer.keyGrantingPlatform()
                      + "\",\"description\":\"aws_secret_access_key="
                      + secret
                      + "\"}");
          credentials.assertError(400, "static_credentials_rejected");
          assertThat(credentials.text()).doesNotContain(secret);
          Reply accessKey =
              http.post(
                  "/api/v1/byok/keys",
                  admin,
                  "{\"key_arn\":\""
                      + edge.customer.keyGrantingPlatform()
                      + "\",\"key_alias\":\"AKIAIOSFODNN7EXAMPLE\"}");
          accessKey.assertError(400, "static_credentials_rejected");
          assertThat(accessKey.text()).doesNotContain("AKIAIOSFODNN7EXAMPLE");

          assertPlatformManaged(http.get("/api/v1/byok/keys", owner));
          assertThat(edge.log.state(tenant))
              .as("no key was registered; only the refusals were audited")
              .hasValueSatisfying(state -> assertThat(state.getBinding()).isNull());
          assertThat(auditTrail(http, owner))
              .isNotEmpty()
              .containsOnly(
                  "register:refused",
                  "provision:success",
                  "create_tmk_version:success",
                  "create_dek:success");
          assertThat(
                  edge.log.written().stream()
                      .filter(c -> c.getTenantId().equals(tenant))
                      .map(c -> new String(Codecs.COMMANDS.encode(c), StandardCharsets.ISO_8859_1)))
              .noneMatch(bytes -> bytes.contains("AKIAIOSFODNN7EXAMPLE"));
        });
  }

  @Test
  void tenantsOnlyEverSeeTheirOwnKey() {
    String a = EdgeFixture.tenant();
    String b = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.registered(http, edge.owner(a));
          assertPlatformManaged(http.get("/api/v1/byok/keys", edge.owner(b)));
          assertThat(
                  http.get("/api/v1/byok/health", edge.owner(b))
                      .json()
                      .path("wrap_method")
                      .asText())
              .as("B's own platform-managed keys, not A's CMK")
              .isEqualTo("platform");
          assertThat(
                  http.post(
                          "/api/v1/byok/keys",
                          edge.owner(b),
                          "{\"key_arn\":\"" + edge.customer.keyGrantingPlatform() + "\"}")
                      .status())
              .as("B registers its own key; A's does not count")
              .isEqualTo(201);
          assertThat(http.delete("/api/v1/byok/keys", edge.owner(b), edge.ownerStepUp(b)).status())
              .isEqualTo(200);
          assertThat(http.get("/api/v1/byok/keys", edge.owner(a)).json().path("status").asText())
              .as("A untouched")
              .isEqualTo("pending_waiver");
        });
  }

  /**
   * A tenant without BYOK: still 404 {@code no_byok_key} (clients that test for a BYOK key keep
   * working), saying that platform-managed keys protect it.
   */
  private static void assertPlatformManaged(Reply reply) {
    JsonNode error = reply.assertError(404, "no_byok_key", "BYOK_005");
    assertThat(error.path("reason").asText()).isEqualTo("platform_managed");
    assertThat(error.path("message").asText()).contains("platform-managed").contains("TMK v1");
  }
}
