package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Client;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One customer key, one tenant, in both dialects ({@code POST /api/v1/byok/keys}, {@code POST
 * /admin/tenant-kms}): another tenant's key (by its ARN or through an alias), its role with its
 * external id, or an external id another tenant uses is refused 409 {@code
 * bound_to_another_tenant}, audited in both tenants' trails, and neither answer nor trail names the
 * other tenant.
 */
class KeyClaimsRoutesTest {

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
  void anotherTenantsKeyArnIsRefused409OnTheTenantApiAndAuditedInBothTrails() {
    String holder = EdgeFixture.tenant();
    String claimer = EdgeFixture.tenant();
    edge.http(
        http -> {
          String keyArn = edge.registered(http, edge.owner(holder));

          Reply refused =
              http.post(
                  "/api/v1/byok/keys", edge.owner(claimer), "{\"key_arn\":\"" + keyArn + "\"}");

          JsonNode error = refused.assertError(409, "bound_to_another_tenant");
          assertThat(error.path("message").asText())
              .isEqualTo("This CMK is bound to another tenant");
          assertThat(error.path("reason").asText()).isEqualTo("key");
          assertThat(error.path("hint").asText()).contains("kms:EncryptionContext:tenant_id");
          assertThat(refused.text()).doesNotContain(holder);
          http.get("/api/v1/byok/keys", edge.owner(claimer)).assertError(404, "no_byok_key");
          assertThat(
                  http.get("/api/v1/byok/keys", edge.owner(holder)).json().path("key_arn").asText())
              .isEqualTo(keyArn);
          assertAuditedInBoth(http, holder, claimer);
        });
  }

  @Test
  void anotherTenantsKeyThroughAnAliasIsRefused409OnTheAdminApi() {
    String holder = EdgeFixture.tenant();
    String claimer = EdgeFixture.tenant();
    edge.http(
        http -> {
          String keyArn = edge.registered(http, edge.owner(holder));
          // The claimer's own role may use the key (same AWS account): only the claim stops it.
          String externalId = UUID.randomUUID().toString();
          String role = edge.customer.roleTrustingPlatform(externalId);
          edge.customer.allowEncryptDecrypt(role, keyArn);

          Reply refused =
              http.post(
                  "/admin/tenant-kms",
                  edge.owner(claimer),
                  onboarding(edge.customer.alias(keyArn), role, externalId));

          assertThat(refused.assertError(409, "bound_to_another_tenant").path("reason").asText())
              .isEqualTo("key");
          assertThat(refused.text()).doesNotContain(holder);
          http.get("/admin/tenant-kms", edge.owner(claimer)).assertError(404, "no_kms_config");
          assertAuditedInBoth(http, holder, claimer);
        });
  }

  @Test
  void anotherTenantsRoleWithItsExternalIdIsRefused409EvenForAKeyTheHolderDidNotBind() {
    String holder = EdgeFixture.tenant();
    String claimer = EdgeFixture.tenant();
    edge.http(
        http -> {
          String externalId = UUID.randomUUID().toString();
          String role = edge.customer.roleTrustingPlatform(externalId);
          String holdersKey = edge.customer.keyWithDefaultPolicy();
          String otherKey = edge.customer.keyWithDefaultPolicy();
          edge.customer.allowEncryptDecrypt(role, holdersKey);
          Reply bound =
              http.post(
                  "/admin/tenant-kms",
                  edge.owner(holder),
                  onboarding(edge.customer.alias(holdersKey), role, externalId));
          assertThat(bound.status()).as(bound.text()).isEqualTo(200);
          // The role may now use another key, so the claimer's probe passes: only the claim stops
          // it.
          edge.customer.allowEncryptDecrypt(role, otherKey);

          Reply refused =
              http.post(
                  "/admin/tenant-kms", edge.owner(claimer), onboarding(otherKey, role, externalId));

          JsonNode error = refused.assertError(409, "bound_to_another_tenant");
          assertThat(error.path("reason").asText()).isEqualTo("role");
          assertThat(error.path("message").asText())
              .isEqualTo("This role and external id are bound to another tenant");
          assertThat(error.path("hint").asText()).contains("GET /admin/tenant-kms/external-id");
          assertThat(refused.text()).doesNotContain(holder);
          assertAuditedInBoth(http, holder, claimer);
        });
  }

  @Test
  void aCustomerChosenExternalIdAnotherTenantUsesIsRefused409WithItsOwnRoleAndKey() {
    String holder = EdgeFixture.tenant();
    String claimer = EdgeFixture.tenant();
    edge.http(
        http -> {
          String chosen = "acme-prod-" + UUID.randomUUID();
          String holdersRole = edge.customer.roleTrustingPlatform(chosen);
          String holdersKey = edge.customer.keyWithDefaultPolicy();
          edge.customer.allowEncryptDecrypt(holdersRole, holdersKey);
          Reply bound =
              http.post(
                  "/admin/tenant-kms",
                  edge.owner(holder),
                  onboarding(holdersKey, holdersRole, chosen));
          assertThat(bound.status()).as(bound.text()).isEqualTo(200);
          String claimersRole = edge.customer.roleTrustingPlatform(chosen);
          String claimersKey = edge.customer.keyWithDefaultPolicy();
          edge.customer.allowEncryptDecrypt(claimersRole, claimersKey);

          Reply refused =
              http.post(
                  "/admin/tenant-kms",
                  edge.owner(claimer),
                  onboarding(claimersKey, claimersRole, chosen));

          JsonNode error = refused.assertError(409, "bound_to_another_tenant");
          assertThat(error.path("reason").asText()).isEqualTo("external_id");
          assertThat(error.path("message").asText())
              .isEqualTo("This external id is used by another tenant");
          assertAuditedInBoth(http, holder, claimer);

          String issued =
              http.get("/admin/tenant-kms/external-id", edge.owner(claimer))
                  .json()
                  .path("external_id")
                  .asText();
          String issuedRole = edge.customer.roleTrustingPlatform(issued);
          edge.customer.allowEncryptDecrypt(issuedRole, claimersKey);
          Reply own =
              http.post(
                  "/admin/tenant-kms",
                  edge.owner(claimer),
                  onboarding(claimersKey, issuedRole, issued));
          assertThat(own.status())
              .as("the platform-issued external id: " + own.text())
              .isEqualTo(200);
        });
  }

  @Test
  void theHolderRegisteringAgainIsAnUpsertAndAfterItsDeleteAnotherTenantRegistersTheKey() {
    String holder = EdgeFixture.tenant();
    String claimer = EdgeFixture.tenant();
    edge.http(
        http -> {
          String keyArn = edge.active(http, edge.owner(holder));
          String externalId = UUID.randomUUID().toString();
          String role = edge.customer.roleTrustingPlatform(externalId);
          edge.customer.allowEncryptDecrypt(role, keyArn);
          Reply upsert =
              http.post(
                  "/admin/tenant-kms", edge.owner(holder), onboarding(keyArn, role, externalId));
          assertThat(upsert.status())
              .as("the holder's own key again: " + upsert.text())
              .isEqualTo(200);

          Reply deleted =
              http.delete("/api/v1/byok/keys", edge.owner(holder), edge.ownerStepUp(holder));
          assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
          Reply registered =
              http.post(
                  "/api/v1/byok/keys", edge.owner(claimer), "{\"key_arn\":\"" + keyArn + "\"}");

          assertThat(registered.status()).as(registered.text()).isEqualTo(201);
          Reply back =
              http.post(
                  "/admin/tenant-kms", edge.owner(holder), onboarding(keyArn, role, externalId));
          assertThat(back.assertError(409, "bound_to_another_tenant").path("reason").asText())
              .isEqualTo("key");
        });
  }

  @Test
  void theReadmesKeyPolicyPinsTheKeyToItsTenantSoAnotherTenantsProbeIsAlreadyDenied() {
    String holder = EdgeFixture.tenant();
    String claimer = EdgeFixture.tenant();
    edge.http(
        http -> {
          String keyArn = edge.customer.keyGrantingPlatformPinnedTo(holder);
          String body = "{\"key_arn\":\"" + keyArn + "\"}";

          Reply denied = http.post("/api/v1/byok/keys", edge.owner(claimer), body);
          Reply bound = http.post("/api/v1/byok/keys", edge.owner(holder), body);

          assertThat(denied.assertError(400, "kms_verify_failed").path("reason").asText())
              .isEqualTo("access_denied");
          assertThat(bound.status()).as(bound.text()).isEqualTo(201);
        });
  }

  /**
   * The claimer's trail has the refused registration, the holder's the refused attempt; neither
   * trail names the other tenant anywhere.
   */
  private static void assertAuditedInBoth(Client http, String holder, String claimer) {
    assertThat(auditTrail(http, edge.owner(claimer))).contains("register:refused");
    assertThat(auditTrail(http, edge.owner(holder))).first().isEqualTo("claim_attempt:refused");
    assertThat(http.get("/api/v1/byok/audit?limit=500", edge.owner(claimer)).text())
        .doesNotContain(holder);
    Reply holders = http.get("/api/v1/byok/audit?limit=500", edge.owner(holder));
    assertThat(holders.text()).doesNotContain(claimer);
    assertThat(holders.json().path("entries").get(0).path("metadata").path("resources"))
        .isNotEmpty();
  }

  private static String onboarding(String keyRef, String roleArn, String externalId) {
    return "{\"provider\":\"aws\",\"kms_key_ref\":\""
        + keyRef
        + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
        + roleArn
        + "\",\"external_id\":\""
        + externalId
        + "\"}}";
  }
}
