package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.DataPlaneRoutesTest.encrypt;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /agent/v1/session}: 300 s sessions while BYOK is active, 3600 s otherwise, none while
 * sealed.
 */
class AgentRoutesTest {

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
  void anActiveTenantsAgentsGetFiveMinuteSessionsThatWorkOnTheDataPlaneOnly() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String agent = edge.token(tenant, "agent-7@" + tenant, Role.AGENT);
    edge.http(
        http -> {
          edge.active(http, owner);
          Reply session = http.post("/agent/v1/session", agent, "{}");
          assertThat(session.status()).as(session.text()).isEqualTo(200);
          JsonNode body = session.json();
          assertThat(body.path("ttl_seconds").asLong()).isEqualTo(300);
          assertThat(Instant.parse(body.path("expires_at").asText()))
              .isEqualTo(edge.clock.instant().plusSeconds(300));
          String sessionToken = body.path("session_token").asText();
          assertThat(sessionToken).isNotBlank();

          assertThat(encrypt(http, sessionToken, "with the session", null).status()).isEqualTo(200);
          http.get("/api/v1/byok/keys", sessionToken).assertError(403, "forbidden");
          String other = EdgeFixture.tenant();
          assertThat(
                  http.post(
                          "/agent/v1/session", edge.token(other, "agent@" + other, Role.AGENT), "")
                      .json()
                      .path("ttl_seconds")
                      .asLong())
              .as("another tenant, no BYOK")
              .isEqualTo(3600);

          edge.clock.advance(Duration.ofSeconds(300 + 31));
          encrypt(http, sessionToken, "too late", null).assertError(401, "token_expired");
        });
  }

  @Test
  void withoutByokSessionsLastAnHour() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          Reply none = http.post("/agent/v1/session", owner, "");
          assertThat(none.status()).as(none.text()).isEqualTo(200);
          assertThat(none.json().path("ttl_seconds").asLong()).isEqualTo(3600);
          edge.registered(http, owner);
          assertThat(http.post("/agent/v1/session", owner, "").json().path("ttl_seconds").asLong())
              .as("pending waiver")
              .isEqualTo(3600);
          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          owner,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);
          assertThat(http.post("/agent/v1/session", owner, "").json().path("ttl_seconds").asLong())
              .isEqualTo(300);
          assertThat(http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant)).status())
              .isEqualTo(200);
          assertThat(
                  http.post(
                          "/agent/v1/session",
                          edge.token(tenant, "admin@" + tenant, Role.ADMIN),
                          "")
                      .json()
                      .path("ttl_seconds")
                      .asLong())
              .as("BYOK ended")
              .isEqualTo(3600);
        });
  }

  @Test
  void aSealedTenantGetsNoNewSessions() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String agent = edge.token(tenant, "agent@" + tenant, Role.AGENT);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.seal(tenant);
          Reply sealed = http.post("/agent/v1/session", agent, "{}");
          sealed.assertError(503, "tenant_sealed");
          assertThat(sealed.retryAfter()).as("the seal watcher's period").isEqualTo(30);
          assertThat(sealed.json().has("session_token")).isFalse();
          assertThat(sealed.error().path("hint").asText()).contains("unseal");
        });
  }

  @Test
  void onlyAgentsAdminsAndOwnersOpenSessions() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          http.post("/agent/v1/session", edge.token(tenant, "aud@" + tenant, Role.AUDITOR), "{}")
              .assertError(403, "forbidden");
          http.post("/agent/v1/session", edge.token(tenant, "p@" + tenant, Role.PLATFORM), "{}")
              .assertError(403, "forbidden");
          http.post("/agent/v1/session", null, "{}").assertError(401, "missing_token");
          http.post("/agent/v1/session", "a.b.c", "{}").assertError(401, "invalid_token");
          http.get("/agent/v1/session", edge.token(tenant, "agent@" + tenant, Role.AGENT))
              .assertError(405, "method_not_allowed");
        });
  }

  @Test
  void sessionsAreUnavailableWhileTheStateIs() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          edge.log.queriesUnavailable(true, 2);
          Reply unavailable =
              http.post(
                  "/agent/v1/session", edge.token(tenant, "agent@" + tenant, Role.AGENT), "{}");
          unavailable.assertError(503, "state_unavailable");
          assertThat(unavailable.retryAfter()).isEqualTo(2);
        });
  }
}
