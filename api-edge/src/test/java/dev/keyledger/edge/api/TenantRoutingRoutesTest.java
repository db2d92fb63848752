package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.application.TenantOwner;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.routing.HopMarker;
import dev.keyledger.edge.http.routing.RequestForwarder;
import dev.keyledger.edge.http.routing.TenantRouter;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.testing.PrometheusText;
import io.javalin.Javalin;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tenant-affine routing at the HTTP tier: a "front" edge whose ownership names another running edge
 * (the "owner") as the owner of every tenant forwards tenant-scoped requests there and relays the
 * answers; both edges serve the same in-memory log, so what differs is where the request was
 * handled (rate limits, request ids, audited addresses, metrics).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantRoutingRoutesTest {

  private static final HttpClient JDK_CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private EdgeFixture fx;
  private Javalin owner;

  @BeforeAll
  void start() throws Exception {
    fx = new EdgeFixture();
    // the owner routes too (every tenant is its own), as each node of a cluster does
    owner = fx.routedApp(RateLimitConfig.defaults(), tenant -> new TenantOwner.Local()).start();
  }

  @AfterAll
  void stop() throws Exception {
    owner.stop();
    fx.close();
  }

  private Javalin frontOwnedBy(TenantOwner ownerOfEveryTenant) {
    return fx.routedApp(RateLimitConfig.defaults(), tenant -> ownerOfEveryTenant);
  }

  private Javalin front() {
    return frontOwnedBy(new TenantOwner.Remote("127.0.0.1", owner.port()));
  }

  @Test
  void aRequestForATenantOwnedElsewhereIsServedByTheOwnerAndItsAnswerRelayed() {
    String tenant = EdgeFixture.tenant();
    String token = fx.owner(tenant);
    fx.http(
        front(),
        http -> {
          EdgeFixture.Reply registered =
              http.post(
                  "/api/v1/byok/keys",
                  token,
                  "{\"key_arn\":\"" + fx.customer.keyGrantingPlatform() + "\"}");
          assertThat(registered.status()).as(registered.text()).isEqualTo(201);
          assertThat(registered.headers().get("Content-Type").get(0)).contains("application/json");
          EdgeFixture.Reply viaFront = http.get("/api/v1/byok/keys?dek_limit=5", token);
          assertThat(viaFront.status()).isEqualTo(200);
          String requestId = viaFront.headers().get("X-Request-Id").get(0);

          EdgeFixture.Reply audit = ownerClient().get("/api/v1/byok/audit?limit=50", token);
          assertThat(audit.json().path("entries").get(0).path("request_id").asText())
              .as("the owner audited the request under the id the caller was given")
              .isEqualTo(registered.headers().get("X-Request-Id").get(0));
          assertThat(requestId).startsWith("req_");

          // Errors are relayed as the owner answered them, with their type and status.
          EdgeFixture.Reply refused =
              http.post("/api/v1/byok/keys", token, "{\"key_arn\":\"not-an-arn\"}");
          assertThat(refused.status()).isEqualTo(400);
          assertThat(refused.errorType()).isEqualTo("invalid_arn");
        });
    assertThat(
            PrometheusText.parse(fx.metrics.scrape())
                .sum("keyledger_http_forwarded_seconds_count", "outcome", "relayed"))
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void rateLimitsAreCountedOnTheOwnerOnly() {
    String tenant = EdgeFixture.tenant();
    String token = fx.token(tenant, "limited@" + tenant, Role.OWNER);
    String body = "{\"key_arn\":\"" + fx.customer.keyGrantingPlatform() + "\"}";
    fx.http(
        front(),
        http -> {
          for (int n = 0; n < 5; n++) {
            assertThat(http.post("/api/v1/byok/keys", token, body).status()).isNotEqualTo(429);
          }
        });
    EdgeFixture.Reply sixth = ownerClient().post("/api/v1/byok/keys", token, body);
    assertThat(sixth.status()).as("the owner counted the 5 forwarded calls").isEqualTo(429);
    assertThat(sixth.errorType()).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void aRequestWithoutAValidTokenIsRefusedWhereItArrivesAndNotForwarded() {
    fx.http(
        front(),
        http -> {
          EdgeFixture.Reply missing = http.get("/api/v1/byok/keys", null);
          assertThat(missing.status()).isEqualTo(401);
          assertThat(missing.errorType()).isEqualTo("missing_token");
          EdgeFixture.Reply bad = http.get("/api/v1/byok/keys", "not-a-jwt");
          assertThat(bad.status()).isEqualTo(401);
        });
  }

  @Test
  void aForwardedRequestThatReachesAnInstanceNotOwningTheTenantIsNotForwardedAgain() {
    String tenant = EdgeFixture.tenant();
    fx.http(
        front(),
        http -> {
          EdgeFixture.Reply answer =
              http.raw(
                  "/api/v1/byok/keys",
                  Map.of(
                      "Authorization", "Bearer " + fx.owner(tenant), HopMarker.HEADER, "anything"),
                  b -> b.get());
          assertThat(answer.status()).isEqualTo(503);
          assertThat(answer.errorType()).isEqualTo("state_unavailable");
          assertThat(answer.headers().get("Retry-After")).containsExactly("1");
        });
  }

  @Test
  void aHopMarkerFromOutsideBypassesNothingOnTheOwner() {
    String tenant = EdgeFixture.tenant();
    String token = fx.owner(tenant);
    Map<String, String> forged = new HashMap<>();
    forged.put(HopMarker.HEADER, "v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    forged.put("X-Forwarded-For", "203.0.113.9");
    forged.put("X-Request-Id", "req_0123456789abcdef0123456789abcdef");
    forged.put("Content-Type", "application/json");

    EdgeFixture.Reply noToken =
        ownerClient().raw("/admin/tenant-kms/unseal", forged, b -> b.post(emptyBody()));
    assertThat(noToken.status()).as("the token is still required").isEqualTo(401);

    forged.put("Authorization", "Bearer " + token);
    EdgeFixture.Reply noStepUp =
        ownerClient().raw("/admin/tenant-kms/unseal", forged, b -> b.post(emptyBody()));
    assertThat(noStepUp.status()).as("the step-up is still required").isEqualTo(401);
    assertThat(noStepUp.errorType()).isEqualTo("step_up_required");

    EdgeFixture.Reply registered =
        ownerClient()
            .raw(
                "/api/v1/byok/keys",
                forged,
                b ->
                    b.post(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"key_arn\":\"" + fx.customer.keyGrantingPlatform() + "\"}")));
    assertThat(registered.status()).isEqualTo(201);
    assertThat(registered.headers().get("X-Request-Id").get(0))
        .isNotEqualTo("req_0123456789abcdef0123456789abcdef");
    com.fasterxml.jackson.databind.JsonNode entry =
        ownerClient().get("/api/v1/byok/audit?limit=50", token).json().path("entries").get(0);
    assertThat(entry.path("ip_address").asText())
        .as("the audit keeps the address the owner saw")
        .isEqualTo("127.0.0.1");
  }

  @Test
  void aValidHopProofCarriesTheCallersAddressIntoTheAudit() {
    String tenant = EdgeFixture.tenant();
    String token = fx.owner(tenant);
    String requestId = "req_00112233445566778899aabbccddeeff";
    HopMarker hop = new HopMarker(fx.jwtKeys.derive(HopMarker.KEY_PURPOSE));
    Map<String, String> headers = new HashMap<>();
    headers.put("Authorization", "Bearer " + token);
    headers.put("Content-Type", "application/json");
    headers.put("X-Request-Id", requestId);
    headers.put("X-Forwarded-For", "203.0.113.9");
    headers.put(HopMarker.HEADER, hop.mark(requestId, "POST", "/api/v1/byok/keys"));

    EdgeFixture.Reply registered =
        ownerClient()
            .raw(
                "/api/v1/byok/keys",
                headers,
                b ->
                    b.post(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"key_arn\":\"" + fx.customer.keyGrantingPlatform() + "\"}")));

    assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    assertThat(registered.headers().get("X-Request-Id")).containsExactly(requestId);
    com.fasterxml.jackson.databind.JsonNode entry =
        ownerClient().get("/api/v1/byok/audit?limit=50", token).json().path("entries").get(0);
    assertThat(entry.path("ip_address").asText()).isEqualTo("203.0.113.9");
    assertThat(entry.path("request_id").asText()).isEqualTo(requestId);
  }

  @Test
  void whileNoInstanceOwnsTheTenantTheAnswerIs503WithRetryAfter() {
    fx.http(
        frontOwnedBy(new TenantOwner.Unavailable("rebalancing", 1)),
        http -> {
          EdgeFixture.Reply answer = http.get("/api/v1/byok/keys", fx.owner(EdgeFixture.tenant()));
          assertThat(answer.status()).isEqualTo(503);
          assertThat(answer.errorType()).isEqualTo("state_unavailable");
          assertThat(answer.error().path("message").asText()).contains("rebalancing");
          assertThat(answer.headers().get("Retry-After")).containsExactly("1");
        });
    assertThat(
            PrometheusText.parse(fx.metrics.scrape())
                .sum("keyledger_http_routing_unavailable_total", "reason", "owner_unknown"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void anOwnerThatCannotBeReachedGives503WithRetryAfter() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    fx.http(
        frontOwnedBy(new TenantOwner.Remote("127.0.0.1", closed)),
        http -> {
          EdgeFixture.Reply answer = http.get("/api/v1/byok/keys", fx.owner(EdgeFixture.tenant()));
          assertThat(answer.status()).isEqualTo(503);
          assertThat(answer.errorType()).isEqualTo("state_unavailable");
          assertThat(answer.headers().get("Retry-After")).containsExactly("1");
        });
    assertThat(
            PrometheusText.parse(fx.metrics.scrape())
                .sum(
                    RequestForwarder.METRIC.replace('.', '_') + "_seconds_count",
                    "outcome",
                    "unreachable"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void platformWideAndProbeRoutesAreServedWhereTheyArrive() {
    fx.http(
        frontOwnedBy(new TenantOwner.Remote("127.0.0.1", 1)),
        http -> {
          assertThat(http.get("/healthz", null).status()).isEqualTo(200);
          EdgeFixture.Reply publish =
              http.put(
                  "/admin/legal-waiver",
                  fx.token("platform-ops", "ops@platform", Role.PLATFORM),
                  "{}");
          assertThat(publish.status()).isEqualTo(400);
        });
    assertThat(TenantRouter.tenantScoped("/admin/legal-waiver")).isFalse();
    assertThat(TenantRouter.tenantScoped("/admin/tenant-kms/rotate")).isTrue();
  }

  private EdgeFixture.Client ownerClient() {
    return new EdgeFixture.Client(new io.javalin.testtools.HttpClient(owner, JDK_CLIENT));
  }

  private static HttpRequest.BodyPublisher emptyBody() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
