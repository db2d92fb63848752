package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A command the fold does not decide within the caller's wait is answered 202 with where to look;
 * {@code GET /api/v1/byok/commands/{id}} answers 202 until it is decided, then the outcome.
 */
class CommandsRoutesTest {

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
  void aPendingRegistrationIs202ThenItsOutcomeIsAccepted() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String keyArn = edge.customer.keyGrantingPlatform();
    edge.http(
        http -> {
          // The tenant's first call provisions its platform-managed keys (seq 1..3), so the
          // command held back below is the registration itself.
          http.get("/api/v1/byok/keys", owner).assertError(404, "no_byok_key", "BYOK_005");
          edge.log.pendNext(1);
          Reply pending = http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}");
          assertThat(pending.status()).as(pending.text()).isEqualTo(202);
          String commandId = pending.json().path("command_id").asText();
          assertThat(commandId).matches("cmd_[0-9a-f]{32}");
          assertThat(pending.json().path("status").asText()).isEqualTo("pending");
          assertThat(pending.json().path("outcome_url").asText())
              .isEqualTo("/api/v1/byok/commands/" + commandId);
          assertThat(pending.json().path("message").asText()).isNotBlank();
          String outcomeUrl = pending.json().path("outcome_url").asText();

          Reply stillPending = http.get(outcomeUrl, owner);
          assertThat(stillPending.status()).as(stillPending.text()).isEqualTo(202);
          assertThat(stillPending.json().path("command_id").asText()).isEqualTo(commandId);
          assertThat(stillPending.json().path("status").asText()).isEqualTo("pending");
          assertThat(edge.log.state(tenant).orElseThrow().getBinding())
              .as("not folded yet")
              .isNull();

          assertThat(edge.log.decidePending())
              .singleElement()
              .satisfies(o -> assertThat(o.getAccepted()).isTrue());
          Reply decided = http.get(outcomeUrl, edge.token(tenant, "aud@" + tenant, Role.AUDITOR));
          assertThat(decided.status()).as(decided.text()).isEqualTo(200);
          JsonNode outcome = decided.json();
          assertThat(outcome.path("command_id").asText()).isEqualTo(commandId);
          assertThat(outcome.path("status").asText()).isEqualTo("accepted");
          assertThat(outcome.path("decided_at").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(outcome.path("first_seq").asLong()).isEqualTo(4);
          assertThat(outcome.path("last_seq").asLong()).isEqualTo(5);
          assertThat(outcome.has("error")).isFalse();
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("key_arn").asText())
              .isEqualTo(keyArn);

          Reply otherTenant = http.get(outcomeUrl, edge.owner(EdgeFixture.tenant()));
          assertThat(otherTenant.status()).as("another tenant never sees it").isEqualTo(202);
          assertThat(otherTenant.json().path("status").asText()).isEqualTo("pending");
        });
  }

  @Test
  void aRegistrationWhoseFirstProvisioningIsPendingIs503AndRegistersNothing() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String keyArn = edge.customer.keyGrantingPlatform();
    edge.http(
        http -> {
          edge.log.pendNext(1);
          Reply first = http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}");
          first.assertError(503, "keys_provisioning");
          assertThat(first.retryAfter()).isEqualTo(1);
          assertThat(first.error().path("message").asText()).contains("not registered");
          assertThat(edge.log.decidePending())
              .as("the platform-managed keys the registration made first")
              .singleElement()
              .satisfies(o -> assertThat(o.getAccepted()).isTrue());
          assertThat(edge.log.state(tenant).orElseThrow().getBinding()).isNull();

          Reply retried = http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}");
          assertThat(retried.status()).as(retried.text()).isEqualTo(201);
          assertThat(retried.json().path("tmk_version").asInt()).isEqualTo(2);
        });
  }

  @Test
  void aPendingCommandTheFoldRefusesEndsRefusedWithItsReason() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.log.pendNext(1);
          Reply pending =
              http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}");
          assertThat(pending.status()).as(pending.text()).isEqualTo(202);
          String outcomeUrl = pending.json().path("outcome_url").asText();
          assertThat(http.get(outcomeUrl, owner).status()).isEqualTo(202);

          edge.log.decidePending();
          Reply decided = http.get(outcomeUrl, owner);
          assertThat(decided.status()).as(decided.text()).isEqualTo(200);
          assertThat(decided.json().path("status").asText()).isEqualTo("refused");
          assertThat(decided.json().path("error").path("type").asText()).isEqualTo("no_byok_key");
          assertThat(decided.json().path("error").path("message").asText()).isNotBlank();
          assertThat(EdgeFixture.auditTrail(http, owner))
              .containsExactly("acknowledge_waiver:refused");
        });
  }

  @Test
  void aPendingRotationIsAlso202AndTheNextCommandOfTheTenantWaitsForIt() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.log.pendNext(1);
          Reply pending =
              http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}");
          assertThat(pending.status()).as(pending.text()).isEqualTo(202);
          assertThat(edge.log.pendingCount()).isEqualTo(1);
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("active_dek_version").asInt())
              .isEqualTo(1);

          Reply next = http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}");
          next.assertError(409, "conflict");
          assertThat(next.error().path("message").asText())
              .as("built on the state before the pending one, so the fold refuses it")
              .contains("changed while this request was prepared");
          assertThat(
                  http.get(pending.json().path("outcome_url").asText(), owner)
                      .json()
                      .path("status")
                      .asText())
              .isEqualTo("accepted");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("active_dek_version").asInt())
              .isEqualTo(2);
        });
  }

  @Test
  void commandIdsAreCheckedAndUnknownOnesArePending() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          for (String id :
              new String[] {
                "not-a-command",
                "cmd_XYZ",
                "cmd_" + "a".repeat(31),
                "cmd_" + "a".repeat(33),
                "..%2F..%2Fetc",
                "cmd_" + "A".repeat(32)
              }) {
            JsonNode error =
                http.get("/api/v1/byok/commands/" + id, owner).assertError(400, "invalid_request");
            assertThat(error.path("message").asText()).contains("command id");
          }
          Reply unknown = http.get("/api/v1/byok/commands/cmd_" + "0".repeat(32), owner);
          assertThat(unknown.status()).isEqualTo(202);
          assertThat(unknown.json().path("status").asText()).isEqualTo("pending");
          assertThat(
                  http.get(
                          "/api/v1/byok/commands/cmd_" + "0".repeat(32),
                          edge.token("platform-ops", "ops", Role.PLATFORM))
                      .status())
              .isEqualTo(202);
          http.get(
                  "/api/v1/byok/commands/cmd_" + "0".repeat(32),
                  edge.token(tenant, "agent@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.get("/api/v1/byok/commands/cmd_" + "0".repeat(32), null)
              .assertError(401, "missing_token");
        });
  }

  @Test
  void outcomesAreUnavailableWhileTheStoresAre() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.log.queriesUnavailable(true, 3);
          Reply unavailable = http.get("/api/v1/byok/commands/cmd_" + "0".repeat(32), owner);
          unavailable.assertError(503, "state_unavailable");
          assertThat(unavailable.retryAfter()).isEqualTo(3);
        });
  }
}
