package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/tenant-kms/external-id} at the HTTP tier: the external id the platform issues
 * for the caller's tenant, with the principal and account its trust policy names.
 */
class ExternalIdRoutesTest {

  private static final String EXTERNAL_ID = "/admin/tenant-kms/external-id";
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
  void ownersAndAdminsGetTheirTenantsExternalIdAndThePlatformPrincipal() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          JsonNode owner = ok(http.get(EXTERNAL_ID, edge.owner(tenant)));
          JsonNode admin =
              ok(http.get(EXTERNAL_ID, edge.token(tenant, "admin@" + tenant, Role.ADMIN)));

          assertThat(owner.path("external_id").asText()).matches("kl(-[a-z2-7]{6}){4}");
          assertThat(owner.path("platform_principal_arn").asText())
              .isEqualTo("arn:aws:iam::000000000000:role/keyledger-service");
          assertThat(owner.path("platform_account_id").asText()).isEqualTo("000000000000");
          assertThat(admin).as("the same answer for every admin of the tenant").isEqualTo(owner);
        });
  }

  @Test
  void theIdIsStableAcrossAppsAndDiffersBetweenTenants() {
    String tenant = EdgeFixture.tenant();
    String other = EdgeFixture.tenant();
    String[] first = new String[1];
    edge.http(http -> first[0] = externalId(http, tenant));
    edge.http(
        http -> {
          assertThat(externalId(http, tenant))
              .as("another app on the same secret, as after a restart or on another instance")
              .isEqualTo(first[0]);
          assertThat(externalId(http, other)).isNotEqualTo(first[0]);
        });
  }

  @Test
  void refusesWithoutATokenOtherRolesAndOtherMethods() {
    String tenant = EdgeFixture.tenant();
    edge.http(
        http -> {
          http.get(EXTERNAL_ID, null).assertError(401, "missing_token");
          http.get(EXTERNAL_ID, "not.a.jwt").assertError(401, "invalid_token");
          http.get(EXTERNAL_ID, edge.token(tenant, "aud@" + tenant, Role.AUDITOR))
              .assertError(403, "forbidden");
          http.get(EXTERNAL_ID, edge.token(tenant, "svc@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.post(EXTERNAL_ID, edge.owner(tenant), "{}").assertError(405, "method_not_allowed");
        });
  }

  private static String externalId(EdgeFixture.Client http, String tenant) {
    return ok(http.get(EXTERNAL_ID, edge.owner(tenant))).path("external_id").asText();
  }

  private static JsonNode ok(EdgeFixture.Reply reply) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }
}
