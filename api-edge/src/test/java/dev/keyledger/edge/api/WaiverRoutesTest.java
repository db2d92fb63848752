package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET|POST /api/v1/byok/legal-waiver}, {@code GET /api/v1/byok/legal-waiver/status} and
 * {@code PUT /admin/legal-waiver}. The waiver in force is the platform's, shared by every tenant of
 * the class, so tests read the current version instead of assuming it.
 */
class WaiverRoutesTest {

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

  private static String platform() {
    return edge.token("platform-ops", "ops@platform", Role.PLATFORM);
  }

  private static String publishBody(String version) {
    return "{\"waiver_version\":\""
        + version
        + "\",\"effective_date\":\"2027-01-01\",\"title\":\"BYOK waiver\","
        + "\"content\":\"New terms.\",\"terms\":[\"one\",\"two\"]}";
  }

  @Test
  void theWaiverInForceIsShownToEveryReadingRole() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          for (Role role : new Role[] {Role.OWNER, Role.ADMIN, Role.AUDITOR}) {
            Reply waiver =
                http.get(
                    "/api/v1/byok/legal-waiver",
                    edge.token(tenant, role.wireName() + "@" + tenant, role));
            assertThat(waiver.status()).as(waiver.text()).isEqualTo(200);
            JsonNode body = waiver.json();
            assertThat(body.path("waiver_version").asText()).isNotBlank();
            assertThat(body.path("effective_date").asText()).isNotBlank();
            assertThat(body.path("title").asText()).isNotBlank();
            assertThat(body.path("content").asText()).isNotBlank();
            assertThat(body.path("terms").isArray()).isTrue();
            assertThat(body.path("terms")).isNotEmpty();
            assertThat(body.path("requires_acknowledgment").asBoolean()).isTrue();
          }
          http.get("/api/v1/byok/legal-waiver", edge.token(tenant, "agent@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.get("/api/v1/byok/legal-waiver", null).assertError(401, "missing_token");
          http.get("/api/v1/byok/legal-waiver/status", null).assertError(401, "missing_token");
        });
  }

  @Test
  void acknowledgingActivatesByokAndTheStatusSaysSo() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.registered(http, owner);
          String current =
              http.get("/api/v1/byok/legal-waiver", owner).json().path("waiver_version").asText();
          JsonNode before = http.get("/api/v1/byok/legal-waiver/status", owner).json();
          assertThat(before.path("acknowledged").asBoolean()).isFalse();
          assertThat(before.path("waiver_version").isNull()).isTrue();
          assertThat(before.path("current_waiver_version").asText()).isEqualTo(current);
          assertThat(before.path("requires_reacknowledgment").asBoolean()).isFalse();

          Reply ack =
              http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"cto@example.com\",\"acknowledged_terms\":[\"t1\",\"t2\"]}");
          assertThat(ack.status()).as(ack.text()).isEqualTo(200);
          assertThat(ack.json().path("acknowledged").asBoolean()).isTrue();
          assertThat(ack.json().path("waiver_version").asText()).isEqualTo(current);
          assertThat(ack.json().path("acknowledged_by").asText()).isEqualTo("cto@example.com");
          assertThat(ack.json().path("acknowledged_at").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(ack.json().path("byok_status").asText()).isEqualTo("active");
          assertThat(ack.json().path("wrap_method").asText())
              .as("the acknowledgment switches to the CMK-wrapped version")
              .isEqualTo("customer_kms");
          assertThat(ack.json().path("rewrap_status").asText()).isEqualTo("enqueued");

          JsonNode after =
              http.get(
                      "/api/v1/byok/legal-waiver/status",
                      edge.token(tenant, "aud@" + tenant, Role.AUDITOR))
                  .json();
          assertThat(after.path("acknowledged").asBoolean()).isTrue();
          assertThat(after.path("waiver_version").asText()).isEqualTo(current);
          assertThat(after.path("acknowledged_at").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(after.path("requires_reacknowledgment").asBoolean()).isFalse();
          assertThat(
                  http.get("/api/v1/byok/legal-waiver", owner)
                      .json()
                      .path("requires_acknowledgment")
                      .asBoolean())
              .isFalse();
          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("status").asText()).isEqualTo("active");
          assertThat(key.path("waiver_acknowledged").asBoolean()).isTrue();
          assertThat(key.path("waiver_version").asText()).isEqualTo(current);
          assertThat(key.path("wrap_method").asText()).isEqualTo("customer_kms");
          assertThat(key.path("rewrap").path("to_tmk_version").asInt()).isEqualTo(2);
          assertThat(auditTrail(http, owner))
              .startsWith(
                  "rewrap_started:success", "activate:success", "acknowledge_waiver:success");
          edge.rewrapAll(tenant);
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("rewrap_status").asText())
              .isEqualTo("completed");
        });
  }

  @Test
  void acknowledgingWithoutAKeyIs404AndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
              .assertError(404, "no_byok_key", "BYOK_005");
          assertThat(auditTrail(http, owner)).containsExactly("acknowledge_waiver:refused");
        });
  }

  @Test
  void anAcknowledgementThatIsNotOneIs400Byok004AndAudited() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.registered(http, owner);
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":false,\"acknowledged_by\":\"a@b.c\"}")
              .assertError(400, "waiver_not_acknowledged", "BYOK_004");
          http.post("/api/v1/byok/legal-waiver", owner, "{\"acknowledged_by\":\"a@b.c\"}")
              .assertError(400, "waiver_not_acknowledged", "BYOK_004");
          JsonNode who =
              http.post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"  \"}")
                  .assertError(400, "invalid_request");
          assertThat(who.path("message").asText()).contains("acknowledged_by");
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":\"maybe\",\"acknowledged_by\":\"a@b.c\"}")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\",\"version\":\"0.1\"}")
              .assertError(400, "invalid_request");
          StringBuilder many = new StringBuilder("[");
          for (int i = 0; i < 40; i++) {
            many.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
          }
          http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\",\"acknowledged_terms\":"
                      + many
                      + "]}")
              .assertError(400, "invalid_request");
          http.post("/api/v1/byok/legal-waiver", owner, "{\"acknowledged\":true,")
              .assertError(400, "invalid_request");
          http.post(
                  "/api/v1/byok/legal-waiver",
                  edge.token(tenant, "aud@" + tenant, Role.AUDITOR),
                  "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
              .assertError(403, "forbidden");

          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("pending_waiver");
          assertThat(auditTrail(http, owner))
              .startsWith(
                  "acknowledge_waiver:refused",
                  "acknowledge_waiver:refused",
                  "acknowledge_waiver:refused")
              .doesNotContain("activate:success");
        });
  }

  @Test
  void publishingANewVersionIsForThePlatformAndMakesTenantsReacknowledge() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String version = "9." + UUID.randomUUID().toString().substring(0, 6);
    edge.http(
        http -> {
          edge.active(http, owner);
          http.put("/admin/legal-waiver", owner, publishBody(version))
              .assertError(403, "forbidden");
          http.put("/admin/legal-waiver", null, publishBody(version))
              .assertError(401, "missing_token");

          Reply published = http.put("/admin/legal-waiver", platform(), publishBody(version));
          assertThat(published.status()).as(published.text()).isEqualTo(200);
          assertThat(published.json().path("waiver_version").asText()).isEqualTo(version);
          assertThat(published.json().path("published").asBoolean()).isTrue();
          assertThat(published.json().path("terms")).hasSize(2);

          http.put("/admin/legal-waiver", platform(), publishBody(version))
              .assertError(409, "waiver_version_exists");

          JsonNode waiver = http.get("/api/v1/byok/legal-waiver", owner).json();
          assertThat(waiver.path("waiver_version").asText()).isEqualTo(version);
          assertThat(waiver.path("content").asText()).isEqualTo("New terms.");
          assertThat(waiver.path("requires_acknowledgment").asBoolean()).isTrue();
          JsonNode status = http.get("/api/v1/byok/legal-waiver/status", owner).json();
          assertThat(status.path("current_waiver_version").asText()).isEqualTo(version);
          assertThat(status.path("waiver_version").asText()).isNotEqualTo(version);
          assertThat(status.path("requires_reacknowledgment").asBoolean()).isTrue();
          assertThat(
                  http.get("/api/v1/byok/keys", owner)
                      .json()
                      .path("requires_reacknowledgment")
                      .asBoolean())
              .isTrue();

          JsonNode refused =
              http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}")
                  .assertError(403, "waiver_reacknowledgment_required", "BYOK_004");
          assertThat(refused.path("message").asText()).startsWith("Requires reacknowledgment");
          assertThat(refused.path("hint").asText()).contains(version);
          Reply encrypted =
              http.post(
                  "/api/v1/byok/encrypt",
                  owner,
                  "{\"plaintext\":\"" + EdgeFixture.b64("still works") + "\"}");
          assertThat(encrypted.status())
              .as("the data plane never waits on paperwork")
              .isEqualTo(200);
          assertThat(http.get("/api/v1/byok/health", owner).json().path("error").asText())
              .isEqualTo("Requires reacknowledgment");
          assertThat(EdgeFixture.auditTrail(http, owner)).contains("rotate:refused");

          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          owner,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);
          assertThat(
                  http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}")
                      .status())
              .as("acknowledged: key management again")
              .isEqualTo(200);
          JsonNode again = http.get("/api/v1/byok/legal-waiver/status", owner).json();
          assertThat(again.path("waiver_version").asText()).isEqualTo(version);
          assertThat(again.path("requires_reacknowledgment").asBoolean()).isFalse();
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("active");
        });
  }

  @Test
  void aPublicationMustBeComplete() {
    edge.http(
        http -> {
          String platform = platform();
          http.put("/admin/legal-waiver", platform, "{}").assertError(400, "invalid_request");
          http.put(
                  "/admin/legal-waiver",
                  platform,
                  "{\"waiver_version\":\"2.0\",\"effective_date\":\"2027-01-01\",\"content\":\"x\"}")
              .assertError(400, "invalid_request");
          http.put(
                  "/admin/legal-waiver",
                  platform,
                  "{\"waiver_version\":\"2.0\",\"effective_date\":\"2027-01-01\",\"title\":\"t\"}")
              .assertError(400, "invalid_request");
          http.put(
                  "/admin/legal-waiver",
                  platform,
                  "{\"waiver_version\":\""
                      + "v".repeat(201)
                      + "\",\"effective_date\":\"2027-01-01\",\"title\":\"t\",\"content\":\"c\"}")
              .assertError(400, "invalid_request");
          http.put(
                  "/admin/legal-waiver",
                  platform,
                  "{\"waiver_version\":\"2.0\",\"effective_date\":\"2027-01-01\",\"title\":\"t\",\"content\":\""
                      + "c".repeat(20_001)
                      + "\"}")
              .assertError(400, "invalid_request");
          http.put(
                  "/admin/legal-waiver",
                  platform,
                  "{\"waiver_version\":\"2.0\",\"effective_date\":\"2027-01-01\",\"title\":\"t\","
                      + "\"content\":\"c\",\"terms\":[\""
                      + "x".repeat(1025)
                      + "\"]}")
              .assertError(400, "invalid_request");
          http.put(
                  "/admin/legal-waiver",
                  platform,
                  "{\"waiver_version\":2.0,\"effective_date\":\"2027-01-01\",\"title\":\"t\","
                      + "\"content\":\"c\",\"published\":true}")
              .assertError(400, "invalid_request");
          http.put("/admin/legal-waiver", platform, "[1,2]").assertError(400, "invalid_request");
          assertThat(
                  http.get("/api/v1/byok/legal-waiver", edge.owner(EdgeFixture.tenant()))
                      .json()
                      .path("waiver_version")
                      .asText())
              .as("nothing was published")
              .isNotEqualTo("2.0");
        });
  }
}
