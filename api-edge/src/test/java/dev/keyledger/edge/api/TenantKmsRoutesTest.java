package dev.keyledger.edge.api;

import static dev.keyledger.edge.api.EdgeFixture.auditTrail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.schemas.Codecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST|GET /admin/tenant-kms}: the admin dialect (seed 001), a view of the same tenant
 * state.
 */
class TenantKmsRoutesTest {

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
   * Seed 001 step 1 and 2: a key, an alias, and a role trusting the platform with an external id.
   */
  private record CustomerSetup(String keyArn, String alias, String roleArn, String externalId) {

    static CustomerSetup create() {
      String keyArn = edge.customer.keyWithDefaultPolicy();
      String externalId = UUID.randomUUID().toString();
      String roleArn = edge.customer.roleTrustingPlatform(externalId);
      edge.customer.allowEncryptDecrypt(roleArn, keyArn);
      return new CustomerSetup(keyArn, edge.customer.alias(keyArn), roleArn, externalId);
    }

    String body(String keyRef, String externalIdToSend) {
      return "{\"provider\":\"aws\",\"kms_key_ref\":\""
          + keyRef
          + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
          + roleArn
          + "\",\"external_id\":\""
          + externalIdToSend
          + "\"}}";
    }

    String body() {
      return body(alias, externalId);
    }
  }

  @Test
  void onboardingThroughAnAssumedRoleAnswersTheNewKeyVersionAndGetShowsTheConfig() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup setup = CustomerSetup.create();
    edge.http(
        http -> {
          Reply onboarded = http.post("/admin/tenant-kms", admin, setup.body());
          assertThat(onboarded.status()).as(onboarded.text()).isEqualTo(200);
          JsonNode body = onboarded.json();
          assertThat(body.path("ok").asBoolean()).isTrue();
          assertThat(body.path("provider").asText()).isEqualTo("aws");
          assertThat(body.path("kms_key_ref").asText()).isEqualTo(setup.alias());
          assertThat(body.path("key_arn").asText()).isEqualTo(setup.keyArn());
          assertThat(body.path("new_key_version").asInt())
              .as("v1 is the platform-managed TMK the onboarding provisioned first")
              .isEqualTo(2);
          assertThat(body.path("new_key_id").asText()).startsWith("tmk_");
          assertThat(body.path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
          assertThat(body.path("byok_status").asText()).isEqualTo("pending_waiver");
          assertThat(body.path("note").asText())
              .contains("legal waiver")
              .contains("platform-managed keys keep serving");

          Reply got =
              http.get("/admin/tenant-kms", edge.token(tenant, "aud@" + tenant, Role.AUDITOR));
          assertThat(got.status()).as(got.text()).isEqualTo(200);
          JsonNode config = got.json().path("config");
          assertThat(config.path("provider").asText()).isEqualTo("aws");
          assertThat(config.path("kms_key_ref").asText()).isEqualTo(setup.alias());
          assertThat(config.path("key_arn").asText()).isEqualTo(setup.keyArn());
          assertThat(config.path("status").asText()).isEqualTo("pending_waiver");
          assertThat(config.path("config").path("region").asText()).isEqualTo("us-east-1");
          assertThat(config.path("config").path("role_arn").asText()).isEqualTo(setup.roleArn());
          assertThat(config.path("config").path("external_id").asText())
              .isEqualTo(setup.externalId());
          assertThat(config.path("sealed_since").isNull()).isTrue();
          assertThat(config.path("last_verified_at").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(config.path("last_verify_error").isNull()).isTrue();
          assertThat(got.json().path("wrap_method").asText()).isEqualTo("platform");
          assertThat(got.json().path("rewrap_status").asText()).isEqualTo("waiting_for_waiver");
          assertThat(got.json().path("rewrap").isNull()).isTrue();
          assertThat(got.json().path("keys")).hasSize(2);
          assertThat(got.json().path("keys").get(0).path("wrap_method").asText())
              .isEqualTo("platform");
          assertThat(got.json().path("keys").get(0).path("status").asText()).isEqualTo("active");
          JsonNode k = got.json().path("keys").get(1);
          assertThat(k.path("id").asText()).isEqualTo(body.path("new_key_id").asText());
          assertThat(k.path("version").asInt()).isEqualTo(2);
          assertThat(k.path("wrap_method").asText()).isEqualTo("customer_kms");
          assertThat(k.path("status").asText()).isEqualTo("pending_waiver");
          assertThat(k.path("created_at").asText()).isEqualTo(edge.clock.instant().toString());
          assertThat(k.has("retired_at")).isTrue();

          JsonNode sameStateOtherDialect = http.get("/api/v1/byok/keys", admin).json();
          assertThat(sameStateOtherDialect.path("key_arn").asText()).isEqualTo(setup.keyArn());
          assertThat(sameStateOtherDialect.path("role_arn").asText()).isEqualTo(setup.roleArn());
          assertThat(auditTrail(http, admin))
              .containsExactly(
                  "create_tmk_version:success",
                  "onboard:success",
                  "create_dek:success",
                  "create_tmk_version:success",
                  "provision:success");

          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          admin,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);
          JsonNode switched = http.get("/admin/tenant-kms", admin).json();
          assertThat(switched.path("config").path("status").asText()).isEqualTo("active");
          assertThat(switched.path("wrap_method").asText()).isEqualTo("customer_kms");
          assertThat(switched.path("rewrap_status").asText()).isEqualTo("enqueued");
          assertThat(switched.path("rewrap").path("to_tmk_version").asInt()).isEqualTo(2);
          assertThat(switched.path("rewrap").path("total").asInt()).isEqualTo(1);
          assertThat(versions(switched)).containsExactly("1:retired", "2:active");
          edge.rewrapAll(tenant);
          JsonNode moved = http.get("/admin/tenant-kms", admin).json();
          assertThat(moved.path("rewrap_status").asText()).isEqualTo("completed");
          assertThat(moved.path("rewrap").isNull()).isTrue();
        });
  }

  private static java.util.List<String> versions(JsonNode kmsConfig) {
    return kmsConfig
        .path("keys")
        .valueStream()
        .map(k -> k.path("version").asInt() + ":" + k.path("status").asText())
        .toList();
  }

  @Test
  void onboardingAnActiveTenantAgainIsAnUpsertToTheNextVersion() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup first = CustomerSetup.create();
    CustomerSetup second = CustomerSetup.create();
    edge.http(
        http -> {
          assertThat(http.post("/admin/tenant-kms", admin, first.body()).status()).isEqualTo(200);
          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          admin,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);

          Reply again =
              http.post(
                  "/admin/tenant-kms", admin, second.body(second.keyArn(), second.externalId()));
          assertThat(again.status()).as(again.text()).isEqualTo(200);
          assertThat(again.json().path("new_key_version").asInt()).isEqualTo(3);
          assertThat(again.json().path("byok_status").asText()).isEqualTo("active");
          assertThat(again.json().path("rewrap_status").asText())
              .as("an active tenant keeps its acknowledged waiver: the rewrap starts at once")
              .isEqualTo("enqueued");

          JsonNode got = http.get("/admin/tenant-kms", admin).json();
          assertThat(got.path("config").path("key_arn").asText()).isEqualTo(second.keyArn());
          assertThat(got.path("config").path("status").asText()).isEqualTo("active");
          assertThat(versions(got)).containsExactly("1:retired", "2:retired", "3:active");
          assertThat(got.path("rewrap").path("to_tmk_version").asInt())
              .as("existing DEKs move under v3")
              .isEqualTo(3);
          assertThat(got.path("rewrap").path("total").asInt()).isEqualTo(1);
        });
  }

  @Test
  void aProbeThatFailsIs400KmsVerifyFailedAndChangesNothing() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup setup = CustomerSetup.create();
    edge.http(
        http -> {
          JsonNode error =
              http.post(
                      "/admin/tenant-kms", admin, setup.body(setup.alias(), "not-the-external-id"))
                  .assertError(400, "kms_verify_failed", "BYOK_002");
          assertThat(error.path("message").asText())
              .startsWith("Cannot access CMK")
              .contains("AccessDenied");
          assertThat(error.path("reason").asText()).isEqualTo("role_assumption_denied");
          JsonNode none = http.get("/admin/tenant-kms", admin).assertError(404, "no_kms_config");
          assertThat(none.path("reason").asText())
              .as("no BYOK key; the tenant's keys are platform-managed")
              .isEqualTo("platform_managed");
          assertThat(auditTrail(http, admin))
              .containsExactly(
                  "create_dek:success",
                  "create_tmk_version:success",
                  "provision:success",
                  "register:failure");
        });
  }

  @Test
  void theBodyIsCheckedBeforeKmsIsCalled() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup setup = CustomerSetup.create();
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          JsonNode awsKms =
              http.post("/admin/tenant-kms", admin, setup.body().replace("\"aws\"", "\"aws_kms\""))
                  .assertError(400, "invalid_provider");
          assertThat(awsKms.path("hint").asText()).contains("\"aws\"");
          assertThat(auditTrail(http, admin))
              .as("a refusal at the edge is audited")
              .containsExactly("register:refused");
          http.post("/admin/tenant-kms", admin, setup.body().replace("\"aws\"", "\"gcp\""))
              .assertError(400, "provider_not_supported");
          http.post("/admin/tenant-kms", admin, setup.body().replace("\"provider\":\"aws\",", ""))
              .assertError(400, "invalid_provider");
          http.post(
                  "/admin/tenant-kms",
                  admin,
                  "{\"provider\":\"aws\",\"kms_key_ref\":\"" + setup.keyArn() + "\"}")
              .assertError(400, "invalid_request");
          http.post(
                  "/admin/tenant-kms",
                  admin,
                  "{\"provider\":\"aws\",\"kms_key_ref\":\""
                      + setup.keyArn()
                      + "\",\"config\":{\"region\":\"us-east-1\"}}")
              .assertError(400, "invalid_request");
          http.post(
                  "/admin/tenant-kms",
                  admin,
                  "{\"provider\":\"aws\",\"kms_key_ref\":\""
                      + setup.keyArn()
                      + "\",\"config\":\"us-east-1\"}")
              .assertError(400, "invalid_request");
          http.post(
                  "/admin/tenant-kms",
                  admin,
                  setup.body().replace("\"config\"", "\"tenant\":\"victim\",\"config\""))
              .assertError(400, "invalid_request");
          JsonNode region =
              http.post(
                      "/admin/tenant-kms",
                      admin,
                      setup
                          .body(setup.keyArn(), setup.externalId())
                          .replace("us-east-1\"", "eu-west-1\""))
                  .assertError(400, "kms_verify_failed", "BYOK_002");
          assertThat(region.path("reason").asText()).isEqualTo("wrong_region");
          assertThat(region.path("message").asText())
              .startsWith("Cannot access CMK: wrong region")
              .contains("us-east-1")
              .contains("eu-west-1");
          http.post("/admin/tenant-kms", admin, setup.body("alias/keyledger", setup.externalId()))
              .assertError(400, "invalid_arn", "BYOK_001");
          http.post("/admin/tenant-kms", admin, setup.body(setup.alias(), "x"))
              .assertError(400, "invalid_external_id");
          http.post(
                  "/admin/tenant-kms",
                  admin,
                  "{\"provider\":\"aws\",\"kms_key_ref\":\""
                      + setup.keyArn()
                      + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\"arn:aws:iam::111122223333:user/alice\"}}")
              .assertError(400, "invalid_role_arn");
          http.post("/admin/tenant-kms", admin, "{\"provider\":")
              .assertError(400, "invalid_request");
          http.get("/admin/tenant-kms", admin).assertError(404, "no_kms_config");
        });
  }

  @Test
  void staticCredentialsAnywhereInTheBodyAreRefusedAndNeverEchoed() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup setup = CustomerSetup.create();
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          for (String body :
              new String[] {
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + setup.alias()
                    + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                    + setup.roleArn()
                    + "\",\"aws_access_key_id\":\"AKIAIOSFODNN7EXAMPLE\",\"aws_secret_access_key\":\""
                    + secret
                    + "\"}}",
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + setup.alias()
                    + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                    + setup.roleArn()
                    + "\",\"external_id\":\"AKIAIOSFODNN7EXAMPLE\"}}",
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + setup.alias()
                    + "\",\"credentials\":{\"secretAccessKey\":\""
                    + secret
                    + "\"}}",
                "{\"provider\":\"aws\",\"kms_key_ref\":\""
                    + setup.alias()
                    + "\",\"config\":{\"region\":\"us-east-1\",\"role_arn\":\""
                    + setup.roleArn()
                    + "\",\"session_token\":\"FwoGZXIvYXdzEXAMPLE\"}}"
              }) {
            Reply refused = http.post("/admin/tenant-kms", admin, body);
            refused.assertError(400, "static_credentials_rejected");
            assertThat(refused.text())
                .doesNotContain("AKIAIOSFODNN7EXAMPLE")
                .doesNotContain(secret)
                .doesNotContain("FwoGZXIvYXdzEXAMPLE");
          }
          List<CommandEnvelope> logged =
              edge.log.written().stream().filter(c -> c.getTenantId().equals(tenant)).toList();
          http.get("/admin/tenant-kms", admin).assertError(404, "no_kms_config");
          assertThat(logged)
              .as("only the audited refusals reached the log, without the credentials")
              .isNotEmpty()
              .allSatisfy(
                  c -> {
                    assertThat(c.getPayload()).isInstanceOf(RejectRequest.class);
                    assertThat(new String(Codecs.COMMANDS.encode(c), StandardCharsets.ISO_8859_1))
                        .doesNotContain("AKIAIOSFODNN7EXAMPLE")
                        .doesNotContain(secret)
                        .doesNotContain("FwoGZXIvYXdzEXAMPLE");
                  });
          assertThat(auditTrail(http, admin))
              .as("the refusals, then the platform-managed keys of the GET")
              .containsOnly(
                  "register:refused",
                  "provision:success",
                  "create_tmk_version:success",
                  "create_dek:success")
              .contains("register:refused");
        });
  }

  @Test
  void aKmsThatOnlyThrottlesIs503KmsUnavailableWithRetryAfter() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup setup = CustomerSetup.create();
    edge.http(
        http -> {
          edge.localKms.faults().throttle(1000, null);
          Reply throttled = http.post("/admin/tenant-kms", admin, setup.body());
          JsonNode error = throttled.assertError(503, "kms_unavailable", "BYOK_006");
          assertThat(error.path("message").asText()).contains("ThrottlingException");
          assertThat(throttled.retryAfter()).isPositive();
          edge.localKms.faults().clear();
          http.get("/admin/tenant-kms", admin).assertError(404, "no_kms_config");
        });
  }

  @Test
  void onlyOwnersAndAdminsOnboardAndTenantsSeeOnlyTheirOwnConfig() {
    String tenant = EdgeFixture.tenant();
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    CustomerSetup setup = CustomerSetup.create();
    edge.http(
        http -> {
          http.post(
                  "/admin/tenant-kms",
                  edge.token(tenant, "aud@" + tenant, Role.AUDITOR),
                  setup.body())
              .assertError(403, "forbidden");
          http.post(
                  "/admin/tenant-kms",
                  edge.token(tenant, "agent@" + tenant, Role.AGENT),
                  setup.body())
              .assertError(403, "forbidden");
          http.post(
                  "/admin/tenant-kms",
                  edge.token(tenant, "p@" + tenant, Role.PLATFORM),
                  setup.body())
              .assertError(403, "forbidden");
          http.get("/admin/tenant-kms", edge.token(tenant, "agent@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.post("/admin/tenant-kms", null, setup.body()).assertError(401, "missing_token");
          http.get("/admin/tenant-kms", null).assertError(401, "missing_token");

          assertThat(http.post("/admin/tenant-kms", admin, setup.body()).status()).isEqualTo(200);
          String other = EdgeFixture.tenant();
          http.get("/admin/tenant-kms", edge.token(other, "admin@" + other, Role.ADMIN))
              .assertError(404, "no_kms_config");
        });
  }
}
