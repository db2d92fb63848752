package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.OidcSettings;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TestIdentityProvider;
import dev.keyledger.edge.node.EdgeServer;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import io.javalin.Javalin;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge as {@code serve} wires it with {@code auth.mode=jwks} ({@link
 * EdgeServer#accessControl}): tokens of an identity provider served over HTTP reach the endpoints,
 * step-up is a recent sign-in with a listed {@code acr}, agents keep their session tokens, and the
 * data-dir secret no longer mints owners.
 */
class JwksRoutesTest {

  private static EdgeFixture edge;
  private static TestIdentityProvider idp;

  @BeforeAll
  static void start() throws IOException {
    edge = new EdgeFixture();
    idp = TestIdentityProvider.start();
  }

  @AfterAll
  static void stop() {
    idp.close();
    edge.close();
  }

  @AfterEach
  void reset() {
    edge.reset();
  }

  private static Javalin app() {
    OidcSettings settings =
        OidcSettings.of(idp.issuer(), TestIdentityProvider.AUDIENCE)
            .withClaims("org", "realm_access.roles")
            .withStepUpAcr(List.of("mfa"));
    return edge.app(
        RateLimitConfig.defaults(),
        EdgeServer.accessControl(edge.jwtKeys, Optional.of(settings), edge.clock));
  }

  /** A Keycloak-style token: roles under {@code realm_access.roles}. */
  private static String token(String tenant, String sub, Instant authTime, String acr, Role role) {
    Instant now = edge.clock.instant();
    return idp.rs256(
        idp.claims(sub, tenant, now)
            .claim("roles", null)
            .claim("realm_access", Map.of("roles", List.of("offline_access", role.wireName())))
            .claim("auth_time", authTime.getEpochSecond())
            .claim("acr", acr)
            .build());
  }

  @Test
  void anIdentityProviderTokenReachesTheEndpoints() {
    String tenant = EdgeFixture.tenant();
    String owner = token(tenant, "owner@" + tenant, edge.clock.instant(), "pwd", Role.OWNER);
    edge.http(
        app(),
        http -> {
          edge.registered(http, owner);
          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("status").asText()).isEqualTo("pending_waiver");
          assertThat(key.path("registered_by").asText()).isEqualTo("owner@" + tenant);

          String auditor =
              idp.es256(
                  idp.claims("aud@" + tenant, tenant, edge.clock.instant())
                      .claim("roles", null)
                      .claim("realm_access", Map.of("roles", List.of("auditor")))
                      .build());
          assertThat(http.get("/api/v1/byok/keys", auditor).status()).isEqualTo(200);
          http.post("/api/v1/byok/keys", auditor, "{}").assertError(403, "forbidden");
        });
  }

  @Test
  void refusedTokensAnswer401WithTheirReason() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        app(),
        http -> {
          String otherAudience =
              idp.rs256(
                  idp.claims("owner@" + tenant, tenant, edge.clock.instant(), "owner")
                      .audience("another-api")
                      .build());
          JsonNode audience =
              http.get("/api/v1/byok/keys", otherAudience).assertError(401, "invalid_token");
          assertThat(audience.path("message").asText()).isEqualTo("Token audience is not accepted");
          assertThat(audience.path("hint").asText()).contains("audience keyledger");

          String devOwner = edge.owner(tenant);
          JsonNode hs256 =
              http.get("/api/v1/byok/keys", devOwner).assertError(401, "invalid_token");
          assertThat(hs256.path("message").asText())
              .isEqualTo("With auth.mode=jwks an HS256 token can only be an agent session token");
        });
  }

  @Test
  void stepUpIsARecentSignInWithAListedAcr() {
    String tenant = EdgeFixture.tenant();
    String sub = "owner@" + tenant;
    Instant signIn = edge.clock.instant();
    String owner = token(tenant, sub, signIn, "pwd", Role.OWNER);
    edge.http(
        app(),
        http -> {
          edge.active(http, owner);

          JsonNode required =
              http.delete("/api/v1/byok/keys", owner, null).assertError(401, "step_up_required");
          assertThat(required.path("hint").asText())
              .isEqualTo(
                  "Sign in again at the identity provider with max_age=300 and acr_values=mfa in"
                      + " the authorization request, and send that token in X-Step-Up");
          http.delete("/api/v1/byok/keys", owner, owner).assertError(401, "step_up_invalid");

          String strong = token(tenant, sub, signIn, "mfa", Role.OWNER);
          edge.clock.advance(Duration.ofMinutes(6));
          JsonNode stale =
              http.delete("/api/v1/byok/keys", owner, strong).assertError(401, "step_up_expired");
          assertThat(stale.path("hint").asText()).contains("max_age=300");

          String fresh = token(tenant, sub, edge.clock.instant(), "mfa", Role.OWNER);
          Reply deleted = http.delete("/api/v1/byok/keys", owner, fresh);
          assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
          assertThat(deleted.json().path("status").asText()).isEqualTo("disabled");
        });
  }

  @Test
  void agentsKeepTheirSessionTokens() {
    String tenant = EdgeFixture.tenant();
    String owner = token(tenant, "owner@" + tenant, edge.clock.instant(), "pwd", Role.OWNER);
    String agent = token(tenant, "svc@" + tenant, edge.clock.instant(), "pwd", Role.AGENT);
    edge.http(
        app(),
        http -> {
          edge.active(http, owner);
          Reply session = http.post("/agent/v1/session", agent, "{}");
          assertThat(session.status()).as(session.text()).isEqualTo(200);
          String sessionToken = session.json().path("session_token").asText();

          Reply encrypted = DataPlaneRoutesTest.encrypt(http, sessionToken, "hello", null);
          assertThat(encrypted.status()).as(encrypted.text()).isEqualTo(200);
          http.get("/api/v1/byok/keys", sessionToken).assertError(403, "forbidden");
        });
  }
}
