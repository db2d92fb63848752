package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static dev.keyledger.edge.api.EdgeFixture.b64;
import static dev.keyledger.edge.api.EdgeFixture.unb64;
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
 * Ending BYOK in every state: {@code DELETE /api/v1/byok/keys} while the CMK refuses, and {@code
 * POST /admin/tenant-kms/revoke} with {@code end_byok} (cryptographic erasure), with their error
 * paths.
 */
class EndByokRoutesTest {

  private static final String REVOKE = "/admin/tenant-kms/revoke";

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

  private static String endByok(String tenant, int version) {
    return "{\"version\":" + version + ",\"end_byok\":true,\"confirm_tenant\":\"" + tenant + "\"}";
  }

  @Test
  void deleteWhileTheCmkRefusesIs409NamingBothWaysOutAndIsAudited() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED, // DELETE is limited to 1/h per sub; this test deletes twice
        http -> {
          String keyArn = edge.active(http, owner);
          edge.customer.kms.disableKey(r -> r.keyId(keyArn));
          edge.seal(tenant);
          JsonNode error =
              http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant))
                  .assertError(409, "cmk_inaccessible");
          assertThat(error.path("message").asText()).startsWith("CMK inaccessible");
          assertThat(error.path("hint").asText())
              .contains("retry DELETE")
              .contains("POST /admin/tenant-kms/revoke")
              .contains("\"end_byok\": true")
              .contains("\"version\": 2");
          assertThat(auditTrail(http, owner)).startsWith("deregister:refused");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .isEqualTo("sealed");

          edge.customer.kms.enableKey(r -> r.keyId(keyArn));
          Reply back = http.delete("/api/v1/byok/keys", owner, edge.ownerStepUp(tenant));
          assertThat(back.status()).as("access restored: the retry works").isEqualTo(200);
        });
  }

  @Test
  void endingByokWhileSealedErasesTheCmkVersionsAndTheTenantGoesOnWithPlatformKeys()
      throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          Reply encrypted =
              http.post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"" + b64("bye") + "\"}");
          String ciphertext = encrypted.json().path("ciphertext").asText();
          edge.seal(tenant);

          Reply ended =
              http.postStepUp(REVOKE, owner, edge.ownerStepUp(tenant), endByok(tenant, 2));
          assertThat(ended.status()).as(ended.text()).isEqualTo(200);
          assertThat(ended.json().path("binding_status").asText()).isEqualTo("revoked");
          assertThat(ended.json().path("destroyed_versions").toString()).isEqualTo("[2]");
          assertThat(ended.json().path("deks_lost").asLong()).isEqualTo(1);

          http.post("/api/v1/byok/decrypt", owner, "{\"ciphertext\":\"" + ciphertext + "\"}")
              .assertError(410, "key_destroyed");
          Reply fresh =
              http.post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"" + b64("new") + "\"}");
          assertThat(fresh.status()).as(fresh.text()).isEqualTo(200);
          assertThat(fresh.json().path("tmk_version").asInt()).isEqualTo(3);
          assertThat(
                  unb64(
                      http.post(
                              "/api/v1/byok/decrypt",
                              owner,
                              "{\"ciphertext\":\""
                                  + fresh.json().path("ciphertext").asText()
                                  + "\"}")
                          .json()
                          .path("plaintext")
                          .asText()))
              .isEqualTo("new");
          JsonNode keys = http.get("/api/v1/byok/keys", owner).json();
          assertThat(keys.path("status").asText()).isEqualTo("revoked");
          assertThat(keys.path("wrap_method").asText()).isEqualTo("platform");
          assertThat(keys.path("tmk_versions").get(0).path("status").asText())
              .as("the platform-wrapped v1 from before BYOK is not the customer's to destroy")
              .isEqualTo("retired");
          assertThat(keys.path("tmk_versions").get(1).path("status").asText())
              .isEqualTo("destroyed");
          assertThat(auditTrail(http, owner)).contains("end_byok:success", "revoke:success");
          assertThat(
                  http.post("/agent/v1/session", owner, "{}").json().path("ttl_seconds").asLong())
              .as("no BYOK any more: the long session")
              .isEqualTo(3600);
        });
  }

  @Test
  void endingByokIsRefusedWithoutProofOfIntentAndEveryRefusalIsAudited() {
    String tenant = EdgeFixture.tenant();
    String other = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String body = endByok(tenant, 2);
          http.post(REVOKE, null, body).assertError(401, "missing_token");
          http.post(REVOKE, owner, body).assertError(401, "step_up_required");
          for (Role role : new Role[] {Role.AGENT, Role.AUDITOR, Role.PLATFORM}) {
            String sub = role.wireName() + "@" + tenant;
            http.postStepUp(
                    REVOKE, edge.token(tenant, sub, role), edge.stepUp(tenant, sub, role), body)
                .assertError(403, "forbidden");
          }
          http.postStepUp(
                  REVOKE, owner, edge.ownerStepUp(tenant), "{\"version\":1,\"end_byok\":true}")
              .assertError(400, "confirmation_required");
          Reply otherTenant =
              http.postStepUp(REVOKE, owner, edge.ownerStepUp(tenant), endByok(other, 1));
          otherTenant.assertError(400, "confirmation_required");
          assertThat(otherTenant.error().path("hint").asText()).contains(tenant);
          JsonNode notActive =
              http.postStepUp(REVOKE, owner, edge.ownerStepUp(tenant), endByok(tenant, 1))
                  .assertError(409, "conflict");
          assertThat(notActive.path("message").asText()).contains("active TMK version 2");
          http.postStepUp(
                  REVOKE,
                  owner,
                  edge.ownerStepUp(tenant),
                  "{\"version\":1,\"end_byok\":\"yes\",\"confirm_tenant\":\"" + tenant + "\"}")
              .assertError(400, "invalid_request");
          http.get(REVOKE, owner).assertError(405, "method_not_allowed");

          String othersOwner = edge.owner(other);
          http.postStepUp(REVOKE, othersOwner, edge.ownerStepUp(other), body)
              .assertError(400, "confirmation_required");
          http.postStepUp(REVOKE, othersOwner, edge.ownerStepUp(other), endByok(other, 1))
              .assertError(404, "no_byok_key");

          assertThat(auditTrail(http, owner))
              .as("the refusals that reached the use case are in the trail")
              .startsWith("revoke:refused", "revoke:refused", "revoke:refused")
              .doesNotContain("end_byok:success");
          assertThat(http.get("/api/v1/byok/keys", owner).json().path("status").asText())
              .as("nothing changed")
              .isEqualTo("active");
        });
  }
}
