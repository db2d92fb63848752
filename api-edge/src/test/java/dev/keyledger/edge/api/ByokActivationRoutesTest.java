package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.DataPlaneRoutesTest.ciphertext;
import static dev.keyledger.edge.api.DataPlaneRoutesTest.decrypt;
import static dev.keyledger.edge.api.DataPlaneRoutesTest.encrypt;
import static dev.keyledger.edge.api.EdgeFixture.unb64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.keys.KeyringSettings;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The legal waiver gates the switch to the customer's key (SPEC §2): while a registration waits for
 * it, the tenant's platform-managed keys serve the data plane, leases and agent sessions, and the
 * CMK is not used (disabling it seals nothing); the acknowledgment switches, the rewrap moves the
 * data under the CMK, and only then does disabling the CMK seal the tenant.
 */
class ByokActivationRoutesTest {

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
  void whileTheWaiverIsPendingThePlatformKeysServeAndTheCmkIsNotUsed() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String agent = edge.token(tenant, "svc@" + tenant, Role.AGENT);
    edge.http(
        http -> {
          String before = ciphertext(http, agent, "before BYOK");
          String keyArn = edge.registered(http, owner);
          edge.rewrapAll(tenant);
          JsonNode status = http.get("/admin/tenant-kms", owner).json();
          assertThat(status.path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
          assertThat(status.path("rewrap").isNull()).as("nothing moves before the waiver").isTrue();
          edge.customer.kms.disableKey(r -> r.keyId(keyArn));
          // Past the CMK cache's TTL: a key the CMK wraps would have to be unwrapped again now.
          edge.clock.advance(KeyringSettings.defaults().byokTtl().plusSeconds(1));

          Reply encrypted = encrypt(http, agent, "while pending", null);
          assertThat(encrypted.status()).as(encrypted.text()).isEqualTo(200);
          assertThat(encrypted.json().path("tmk_version").asInt())
              .as("the platform-wrapped TMK v1")
              .isEqualTo(1);
          Reply decrypted = decrypt(http, agent, before, null);
          assertThat(decrypted.status()).as(decrypted.text()).isEqualTo(200);
          assertThat(unb64(decrypted.json().path("plaintext").asText())).isEqualTo("before BYOK");
          Reply leased = http.post("/api/v1/byok/data-keys", agent, "{\"encryptions\":10}");
          assertThat(leased.status()).as(leased.text()).isEqualTo(200);
          assertThat(leased.json().path("ttl_seconds").asLong())
              .as("the platform key cache's TTL, not BYOK's")
              .isGreaterThan(300);
          assertThat(
                  http.post("/agent/v1/session", agent, "{}").json().path("ttl_seconds").asLong())
              .isEqualTo(3600);
          Reply rotated =
              http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}");
          assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);

          JsonNode key = http.get("/api/v1/byok/keys", owner).json();
          assertThat(key.path("status").asText()).as("not sealed").isEqualTo("pending_waiver");
          assertThat(key.path("wrap_method").asText()).isEqualTo("platform");
          assertThat(key.path("sealed").asBoolean()).isFalse();
          assertThat(EdgeFixture.auditTrail(http, owner)).doesNotContain("seal:failure");
          edge.customer.kms.enableKey(r -> r.keyId(keyArn));
        });
  }

  @Test
  void theAcknowledgmentSwitchesToTheCmkAndOnlyThenDoesDisablingItSeal() throws Exception {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String before = ciphertext(http, owner, "before BYOK");
          String keyArn = edge.registered(http, owner);
          Reply ack =
              http.post(
                  "/api/v1/byok/legal-waiver",
                  owner,
                  "{\"acknowledged\":true,\"acknowledged_by\":\"cto@example.com\"}");
          assertThat(ack.status()).as(ack.text()).isEqualTo(200);
          assertThat(ack.json().path("byok_status").asText()).isEqualTo("active");
          assertThat(ack.json().path("wrap_method").asText()).isEqualTo("customer_kms");
          assertThat(ack.json().path("rewrap_status").asText()).isEqualTo("enqueued");
          JsonNode status = http.get("/admin/tenant-kms", owner).json();
          assertThat(status.path("rewrap").path("total").asInt()).isEqualTo(1);
          assertThat(status.path("rewrap").path("done").asInt()).isZero();

          edge.rewrapAll(tenant);
          JsonNode moved = http.get("/admin/tenant-kms", owner).json();
          assertThat(moved.path("rewrap_status").asText()).isEqualTo("completed");
          assertThat(
                  moved
                      .path("keys")
                      .valueStream()
                      .map(k -> k.path("version").asInt() + ":" + k.path("status").asText())
                      .toList())
              .containsExactly("1:retired", "2:active");
          Reply old = decrypt(http, owner, before, null);
          assertThat(old.status()).as(old.text()).isEqualTo(200);
          assertThat(unb64(old.json().path("plaintext").asText())).isEqualTo("before BYOK");
          assertThat(encrypt(http, owner, "after", null).json().path("tmk_version").asInt())
              .isEqualTo(2);

          edge.customer.kms.disableKey(r -> r.keyId(keyArn));
          edge.clock.advance(KeyringSettings.defaults().byokTtl().plusSeconds(1));
          encrypt(http, edge.owner(tenant), "now the CMK matters", null)
              .assertError(503, "tenant_sealed");
          edge.customer.kms.enableKey(r -> r.keyId(keyArn));
        });
  }
}
