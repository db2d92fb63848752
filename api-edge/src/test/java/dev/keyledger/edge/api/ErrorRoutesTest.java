package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.edge.api.EdgeFixture.Client;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What every route shares: the SPEC error body, unknown routes and methods, the log or the stores
 * being unavailable, and hostile input, which is a 4xx and never a 500.
 */
class ErrorRoutesTest {

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

  /**
   * One call of a route: method, path, body (null for none) and whether it needs a step-up token.
   */
  private record Call(String method, String path, String body, boolean stepUp) {

    Reply send(Client http, String token, String stepUpToken) {
      return switch (method) {
        case "GET" -> http.get(path, token);
        case "PUT" -> http.put(path, token, body);
        case "DELETE" -> http.delete(path, token, stepUp ? stepUpToken : null);
        default ->
            stepUp ? http.postStepUp(path, token, stepUpToken, body) : http.post(path, token, body);
      };
    }
  }

  /** Every route of {@code KeyLedgerApp} but {@code /healthz}, with a valid body. */
  private static List<Call> everyRoute(String keyArn) {
    return List.of(
        new Call("POST", "/api/v1/byok/keys", "{\"key_arn\":\"" + keyArn + "\"}", false),
        new Call("GET", "/api/v1/byok/keys", null, false),
        new Call("DELETE", "/api/v1/byok/keys", null, true),
        new Call("POST", "/api/v1/byok/keys/rotate", "{\"rotation_type\":\"dek\"}", false),
        new Call("GET", "/api/v1/byok/health", null, false),
        new Call("POST", "/api/v1/byok/encrypt", "{\"plaintext\":\"eA==\"}", false),
        new Call("POST", "/api/v1/byok/decrypt", "{\"ciphertext\":\"eA==\"}", false),
        new Call("GET", "/api/v1/byok/legal-waiver", null, false),
        new Call(
            "POST",
            "/api/v1/byok/legal-waiver",
            "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}",
            false),
        new Call("GET", "/api/v1/byok/legal-waiver/status", null, false),
        new Call("GET", "/api/v1/byok/audit", null, false),
        new Call("GET", "/api/v1/byok/audit/verify", null, false),
        new Call("GET", "/api/v1/byok/commands/cmd_" + "0".repeat(32), null, false),
        new Call(
            "POST",
            "/admin/tenant-kms",
            "{\"provider\":\"aws\",\"kms_key_ref\":\""
                + keyArn
                + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\"arn:aws:iam::111122223333:role/R\"}}",
            false),
        new Call("GET", "/admin/tenant-kms", null, false),
        new Call("POST", "/admin/tenant-kms/rotate", "", true),
        new Call("POST", "/admin/tenant-kms/unseal", "", true),
        new Call("POST", "/admin/tenant-kms/revoke", "{\"version\":1}", true),
        new Call("POST", "/agent/v1/session", "{}", false),
        new Call(
            "PUT",
            "/admin/legal-waiver",
            "{\"waiver_version\":\""
                + UUID.randomUUID()
                + "\",\"effective_date\":\"2027-01-01\",\"title\":\"t\",\"content\":\"c\"}",
            false));
  }

  /** The token each route accepts: the platform role for publication, an owner otherwise. */
  private static String tokenFor(Call call, String tenant) {
    return call.path().equals("/admin/legal-waiver")
        ? edge.token(tenant, "ops@" + tenant, Role.PLATFORM)
        : edge.owner(tenant);
  }

  @Test
  void everyRouteRefusesAMissingTokenWithTheSpecErrorBody() {
    edge.http(
        http -> {
          for (Call call : everyRoute(edge.customer.keyGrantingPlatform())) {
            call.send(http, null, null).assertError(401, "missing_token");
          }
          assertThat(http.get("/healthz", null).json().path("status").asText())
              .as("liveness needs no token")
              .isEqualTo("ok");
        });
  }

  @Test
  void aTokenWhoseOrgIsNotATenantIdIsRefusedOnEveryRoute() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          for (String org : new String[] {"_platform", "acme corp", "../acme", "a".repeat(65)}) {
            String token =
                edge.token(
                    org, "owner@" + tenant, Role.OWNER, Role.ADMIN, Role.AGENT, Role.PLATFORM);
            for (Call call : everyRoute(edge.customer.keyGrantingPlatform())) {
              call.send(http, token, null).assertError(401, "invalid_token");
            }
          }
        });
  }

  @Test
  void anotherTenantsTokenNeitherSeesNorChangesATenantsKeysOrTrail() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String other = EdgeFixture.tenant();
    String otherOwner = edge.owner(other);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          List<String> trail = EdgeFixture.auditTrail(http, owner);
          int events = edge.log.events(tenant).size();

          // The other tenant's first call gives it platform-managed keys of its own.
          http.get("/api/v1/byok/keys", otherOwner).assertError(404, "no_byok_key", "BYOK_005");
          assertThat(
                  http.get("/api/v1/byok/health", otherOwner).json().path("wrap_method").asText())
              .isEqualTo("platform");
          http.get("/admin/tenant-kms", otherOwner).assertError(404, "no_kms_config");
          assertThat(EdgeFixture.auditTrail(http, otherOwner))
              .as("the other tenant's trail is its own")
              .doesNotContain("register:success", "activate:success")
              .contains("provision:success");
          assertThat(
                  http.get("/api/v1/byok/audit/verify", otherOwner).json().path("checked").asLong())
              .isEqualTo(edge.log.events(other).size());
          String othersDek = edge.log.state(other).orElseThrow().getActiveDek().getDekId();
          assertThat(
                  http.post("/api/v1/byok/keys/rotate", otherOwner, "{}")
                      .json()
                      .path("previous_dek_id")
                      .asText())
              .as("rotates its own DEK")
              .isEqualTo(othersDek);
          http.postStepUp(
                  "/admin/tenant-kms/revoke",
                  otherOwner,
                  edge.ownerStepUp(other),
                  "{\"version\":1}")
              .assertError(409, "active_version");
          http.delete("/api/v1/byok/keys", otherOwner, edge.ownerStepUp(other))
              .assertError(404, "no_byok_key");

          assertThat(edge.log.events(tenant))
              .as("nothing reached the tenant's log")
              .hasSize(events);
          assertThat(EdgeFixture.auditTrail(http, owner)).isEqualTo(trail);
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("active");
        });
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() {
    String owner = edge.owner(EdgeFixture.tenant());
    edge.http(
        http -> {
          for (String path :
              new String[] {
                "/api/v1/byok/nope",
                "/api/v2/byok/keys",
                "/",
                "/api/v1/byok/data-keys/x",
                "/admin/tenant-kms/x/y"
              }) {
            http.get(path, owner).assertError(404, "not_found");
            http.get(path, null).assertError(404, "not_found");
          }
          http.patch("/api/v1/byok/keys", owner, "{}").assertError(405, "method_not_allowed");
          http.put("/api/v1/byok/encrypt", owner, "{}").assertError(405, "method_not_allowed");
          http.get("/api/v1/byok/decrypt", owner).assertError(405, "method_not_allowed");
          http.delete("/admin/tenant-kms", owner, null).assertError(405, "method_not_allowed");
          http.post("/api/v1/byok/audit", owner, "{}").assertError(405, "method_not_allowed");
          http.get("/admin/legal-waiver", owner).assertError(405, "method_not_allowed");
          http.get("/admin/tenant-kms/unseal", owner).assertError(405, "method_not_allowed");
        });
  }

  @Test
  void everyCommandIs503LogUnavailableWithRetryAfterWhileTheLogIsDownAndNothingChanges() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          assertThat(
                  http.postStepUp("/admin/tenant-kms/rotate", owner, edge.ownerStepUp(tenant), "")
                      .status())
              .isEqualTo(200);
          String roleKey = edge.customer.keyWithDefaultPolicy();
          String externalId = UUID.randomUUID().toString();
          String roleArn = edge.customer.roleTrustingPlatform(externalId);
          edge.customer.allowEncryptDecrypt(roleArn, roleKey);
          String other = EdgeFixture.tenant();
          String otherOwner = edge.owner(other);
          int events = edge.log.events(tenant).size();

          edge.log.logUnavailable(true);
          Reply register =
              http.post(
                  "/api/v1/byok/keys",
                  otherOwner,
                  "{\"key_arn\":\"" + edge.customer.keyGrantingPlatform() + "\"}");
          register.assertError(503, "log_unavailable");
          assertThat(register.retryAfter()).isEqualTo(5);
          for (Reply reply :
              List.of(
                  http.post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}"),
                  http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"full\"}"),
                  http.postStepUp("/admin/tenant-kms/rotate", owner, edge.ownerStepUp(tenant), ""),
                  http.postStepUp(
                      "/admin/tenant-kms/revoke",
                      owner,
                      edge.ownerStepUp(tenant),
                      "{\"version\":1,\"allow_data_loss\":true}"),
                  http.postStepUp("/admin/tenant-kms/unseal", owner, edge.ownerStepUp(tenant), ""),
                  http.post(
                      "/admin/tenant-kms",
                      owner,
                      "{\"provider\":\"aws\",\"kms_key_ref\":\""
                          + roleKey
                          + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                          + roleArn
                          + "\",\"external_id\":\""
                          + externalId
                          + "\"}}"),
                  http.put(
                      "/admin/legal-waiver",
                      edge.token("platform-ops", "ops", Role.PLATFORM),
                      "{\"waiver_version\":\""
                          + UUID.randomUUID()
                          + "\",\"effective_date\":\"2027-01-01\",\"title\":\"t\",\"content\":\"c\"}"),
                  http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant)))) {
            reply.assertError(503, "log_unavailable");
            assertThat(reply.retryAfter()).isEqualTo(5);
          }
          http.post("/api/v1/byok/keys", otherOwner, "{\"key_arn\":\"nope\"}")
              .assertError(400, "invalid_arn", "BYOK_001");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .as("reads still work")
              .isEqualTo("active");

          edge.log.logUnavailable(false);
          assertThat(edge.log.events(tenant)).as("nothing was written").hasSize(events);
          http.get("/api/v1/byok/keys", otherOwner).assertError(404, "no_byok_key");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("active_tmk_version").asInt())
              .as("platform v1, CMK v2, the rotation's v3")
              .isEqualTo(3);
        });
  }

  @Test
  void everyRouteThatReadsStateIs503StateUnavailableWithRetryAfterWhileTheStoresAre() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          String ciphertext = DataPlaneRoutesTest.ciphertext(http, owner, "x");
          edge.log.queriesUnavailable(true, 7);
          List<Call> calls =
              everyRoute(edge.customer.keyGrantingPlatform()).stream()
                  .map(
                      c ->
                          c.path().equals("/api/v1/byok/decrypt")
                              ? new Call(
                                  "POST",
                                  c.path(),
                                  "{\"ciphertext\":\"" + ciphertext + "\"}",
                                  false)
                              : c)
                  // a revoke and a waiver publication go to the fold without reading first
                  .filter(
                      c ->
                          !c.path().equals("/admin/tenant-kms/revoke")
                              && !c.path().equals("/admin/legal-waiver"))
                  .toList();
          for (Call call : calls) {
            Reply reply = call.send(http, tokenFor(call, tenant), edge.ownerStepUp(tenant));
            reply.assertError(503, "state_unavailable");
            assertThat(reply.retryAfter()).as(call.method() + " " + call.path()).isEqualTo(7);
          }
          edge.log.queriesUnavailable(false, 0);
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("active");
        });
  }

  @Test
  void hostileBodiesOnEveryJsonRouteAre4xxNeverA500() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    List<String> hostile =
        List.of(
            "{not json",
            "[]",
            "\"text\"",
            "42",
            "true",
            "null",
            "{\"unknown_field\":1}",
            "{\"a\":" + "[".repeat(3000),
            "[".repeat(3000) + "]".repeat(3000),
            "{\"key_arn\":\"\\u0000\",\"plaintext\":\"\\ud800\"}",
            "\u00ff\u00fe\u0000",
            "{\"a\":1,\"a\":2}");
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, owner);
          for (Call call : everyRoute(edge.customer.keyGrantingPlatform())) {
            if (call.body() == null
                || call.path().equals("/agent/v1/session")
                || call.path().endsWith("/rotate") && call.path().startsWith("/admin")
                || call.path().endsWith("/unseal")) {
              continue; // no body read
            }
            for (String body : hostile) {
              Reply reply =
                  new Call(call.method(), call.path(), body, call.stepUp())
                      .send(http, tokenFor(call, tenant), edge.ownerStepUp(tenant));
              assertThat(reply.status())
                  .as(
                      call.method()
                          + " "
                          + call.path()
                          + " with "
                          + abbreviate(body)
                          + ": "
                          + reply.text())
                  .isBetween(400, 499);
              reply.assertError(reply.status(), reply.errorType());
            }
            Reply huge =
                http.declareUpload(
                    call.method(),
                    call.path(),
                    tokenFor(call, tenant),
                    call.stepUp() ? edge.ownerStepUp(tenant) : null,
                    9L * 1024 * 1024);
            huge.assertError(413, "payload_too_large");
          }
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .as("nothing changed")
              .isEqualTo("active");
        });
  }

  @Test
  void rawBytesThatAreNotUtf8AreRefused() {
    String owner = edge.owner(EdgeFixture.tenant());
    edge.http(
        http -> {
          byte[] garbage = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28, '{', '}'};
          Reply reply =
              http.raw(
                  "/api/v1/byok/keys",
                  Map.of("Authorization", "Bearer " + owner, "Content-Type", "application/json"),
                  b -> b.post(HttpRequest.BodyPublishers.ofByteArray(garbage)));
          reply.assertError(400, "invalid_request");
          Reply latin1 =
              http.raw(
                  "/api/v1/byok/keys",
                  Map.of(
                      "Authorization",
                      "Bearer " + owner,
                      "Content-Type",
                      "text/plain; charset=ISO-8859-1"),
                  b ->
                      b.post(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"key_arn\":\"caf\u00e9\"}", StandardCharsets.ISO_8859_1)));
          latin1.assertError(400, "invalid_arn", "BYOK_001");
        });
  }

  @Test
  void everyAnswerCarriesItsRequestId() {
    String owner = edge.owner(EdgeFixture.tenant());
    edge.http(
        http -> {
          Reply ok = http.get("/api/v1/byok/legal-waiver", owner);
          assertThat(ok.status()).isEqualTo(200);
          assertThat(ok.header("X-Request-Id")).startsWith("req_");
          Reply first = http.get("/api/v1/byok/keys", owner);
          Reply second = http.get("/api/v1/byok/keys", owner);
          first.assertError(404, "no_byok_key");
          second.assertError(404, "no_byok_key");
          assertThat(first.header("X-Request-Id")).isNotEqualTo(second.header("X-Request-Id"));
          assertThat(first.header("Content-Type")).startsWith("application/json");
        });
  }

  private static String abbreviate(String body) {
    return body.length() > 40 ? body.substring(0, 40) + "..." : body;
  }
}
