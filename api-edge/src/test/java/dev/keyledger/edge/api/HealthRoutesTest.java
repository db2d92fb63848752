package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.application.HealthChecks;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;

/**
 * {@code GET /api/v1/byok/health} at the HTTP tier: a live round trip to the tenant's CMK on
 * local-kms through the real AWS SDK, remembered 20 s when good and 3 s when bad (test clock).
 */
class HealthRoutesTest {

  private static final String HEALTH = "/api/v1/byok/health";
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
  void aHealthyKeyIsCheckedLiveOnceAndTheCheckIsRememberedTwentySeconds() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          long calls = kmsCalls();
          JsonNode first = ok(http.get(HEALTH, owner));
          assertThat(first.path("status").asText()).isEqualTo("healthy");
          assertThat(first.path("cmk_accessible").asBoolean()).isTrue();
          assertThat(first.path("cached").asBoolean()).isFalse();
          assertThat(first.path("checks").path("cmk_access").asText()).isEqualTo("pass");
          assertThat(first.path("checks").path("kms_connection").asText()).isEqualTo("pass");
          assertThat(first.path("checks").path("dek_valid").asText()).isEqualTo("pass");
          assertThat(first.has("error")).isFalse();
          long afterFirst = kmsCalls();
          assertThat(afterFirst).as("the live check called KMS").isGreaterThan(calls);

          edge.clock.advance(HealthChecks.GOOD_FOR.minusSeconds(1));
          JsonNode second = ok(http.get(HEALTH, owner));
          assertThat(second.path("cached").asBoolean()).isTrue();
          assertThat(second.path("checked_at").asText())
              .isEqualTo(first.path("checked_at").asText());
          assertThat(kmsCalls()).isEqualTo(afterFirst);

          edge.clock.advance(Duration.ofSeconds(2));
          JsonNode third = ok(http.get(HEALTH, owner));
          assertThat(third.path("cached").asBoolean()).isFalse();
          assertThat(kmsCalls()).isGreaterThan(afterFirst);
          assertThat(EdgeFixture.auditTrail(http, owner))
              .as("each live check, not the remembered one, is audited")
              .filteredOn(e -> e.startsWith("health_check:"))
              .hasSize(2);
        });
  }

  @Test
  void concurrentRequestsForOneTenantShareOneRoundTrip() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.localKms.faults().latency(Duration.ofMillis(100)); // keep the round trip open
          java.util.concurrent.ExecutorService pool =
              java.util.concurrent.Executors.newFixedThreadPool(8);
          try {
            List<java.util.concurrent.Future<EdgeFixture.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
              replies.add(pool.submit(() -> http.get(HEALTH, owner)));
            }
            for (java.util.concurrent.Future<EdgeFixture.Reply> reply : replies) {
              assertThat(ok(reply.get()).path("status").asText()).isEqualTo("healthy");
            }
          } finally {
            pool.shutdownNow();
          }
          assertThat(EdgeFixture.auditTrail(http, owner))
              .as("one live check for eight requests")
              .filteredOn(e -> e.startsWith("health_check:"))
              .hasSize(1);
        });
  }

  @Test
  void aDisabledKeyIsUnhealthyWithinTheBadWindowSealsTheTenantAndRecoversWhenEnabled() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String keyArn = edge.active(http, owner);
          ok(http.get(HEALTH, owner));
          edge.customer.kms.disableKey(DisableKeyRequest.builder().keyId(keyArn).build());
          edge.clock.advance(HealthChecks.GOOD_FOR.plusSeconds(1));

          JsonNode down = ok(http.get(HEALTH, owner));
          assertThat(down.path("status").asText()).isEqualTo("unhealthy");
          assertThat(down.path("cmk_accessible").asBoolean()).isFalse();
          assertThat(down.path("error").asText()).startsWith("CMK inaccessible");
          assertThat(down.path("reason").asText()).isEqualTo("disabled");
          assertThat(down.path("aws_error_code").asText()).isEqualTo("DisabledException");
          assertThat(down.path("fix").asText()).contains("enable-key");
          assertThat(down.path("checks").path("cmk_access").asText()).isEqualTo("fail");
          JsonNode refused =
              http.post(
                      "/agent/v1/session", edge.token(tenant, "agent@" + tenant, Role.AGENT), "{}")
                  .assertError(503, "tenant_sealed");
          assertThat(refused.path("reason").asText())
              .as("a sealed answer names why")
              .isEqualTo("disabled");
          assertThat(EdgeFixture.auditTrail(http, owner))
              .first()
              .isEqualTo("agent_session:refused");
          JsonNode open = ok(http.get("/api/v1/byok/alerts", owner)).path("alerts");
          assertThat(open)
              .singleElement()
              .satisfies(
                  a -> {
                    assertThat(a.path("rule").asText()).isEqualTo("CMK inaccessible");
                    assertThat(a.path("status").asText()).isEqualTo("open");
                    assertThat(a.path("resolved_at").isNull()).isTrue();
                  });
          JsonNode key = ok(http.get("/api/v1/byok/keys", owner));
          assertThat(key.path("status").asText())
              .as("a check that proves the key unusable seals the tenant")
              .isEqualTo("sealed");

          edge.customer.kms.enableKey(EnableKeyRequest.builder().keyId(keyArn).build());
          edge.clock.advance(Duration.ofSeconds(2));
          assertThat(ok(http.get(HEALTH, owner)).path("cached").asBoolean())
              .as("a bad check is remembered 3 s")
              .isTrue();
          edge.clock.advance(HealthChecks.BAD_FOR);
          JsonNode back = ok(http.get(HEALTH, owner));
          assertThat(back.path("status").asText()).as(back.toString()).isEqualTo("healthy");
          assertThat(back.path("sealed").asBoolean()).isFalse();
          assertThat(ok(http.get("/api/v1/byok/keys", owner)).path("status").asText())
              .isEqualTo("active");
          JsonNode alerts = ok(http.get("/api/v1/byok/alerts", owner)).path("alerts");
          assertThat(alerts).hasSize(1);
          JsonNode critical = alerts.get(0);
          assertThat(critical.path("rule").asText()).isEqualTo("CMK inaccessible");
          assertThat(critical.path("rule_id").asText()).isEqualTo("cmk_inaccessible");
          assertThat(critical.path("severity").asText()).isEqualTo("critical");
          assertThat(critical.path("status").asText())
              .as("the seal opened it, the unseal resolved it")
              .isEqualTo("resolved");
          assertThat(critical.path("opened_at").asText()).isNotBlank();
          assertThat(critical.path("resolved_at").asText()).isNotBlank();
          assertThat(EdgeFixture.auditTrail(http, owner))
              .containsSubsequence(
                  "unseal:success", "health_check:success", "seal:failure", "health_check:failure");
        });
  }

  @Test
  void elevenFailedDecryptsInFiveMinutesOpenTheFailuresAlertOnceUsageIsReported() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          assertThat(ok(http.get("/api/v1/byok/alerts", owner)).path("alerts")).isEmpty();
          String tampered = EdgeFixture.b64("KL not an envelope at all, just bytes");
          for (int i = 0; i < 11; i++) {
            http.post("/api/v1/byok/decrypt", owner, "{\"ciphertext\":\"" + tampered + "\"}")
                .assertError(400, "invalid_ciphertext");
          }
          edge.flushUsage();
          JsonNode alerts = ok(http.get("/api/v1/byok/alerts", owner)).path("alerts");
          assertThat(alerts)
              .singleElement()
              .satisfies(
                  a -> {
                    assertThat(a.path("rule").asText()).isEqualTo("Encryption failures");
                    assertThat(a.path("severity").asText()).isEqualTo("high");
                    assertThat(a.path("status").asText()).isEqualTo("open");
                  });
        });
  }

  @Test
  void kmsLatencyOverTwoHundredMillisecondsForFiveMinutesOpensTheLatencyAlert() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.localKms.faults().latency(Duration.ofMillis(300));
          for (int minute = 0; minute <= 5; minute++) {
            String token = edge.owner(tenant);
            JsonNode health = ok(http.get(HEALTH, token));
            assertThat(health.path("cached").asBoolean()).as("minute " + minute).isFalse();
            JsonNode alerts = ok(http.get("/api/v1/byok/alerts", token)).path("alerts");
            if (minute < 5) {
              assertThat(alerts).as("minute " + minute).isEmpty();
            } else {
              assertThat(alerts)
                  .singleElement()
                  .satisfies(
                      a -> {
                        assertThat(a.path("rule").asText()).isEqualTo("High latency");
                        assertThat(a.path("severity").asText()).isEqualTo("warning");
                        assertThat(a.path("status").asText()).isEqualTo("open");
                      });
            }
            edge.clock.advance(Duration.ofMinutes(1)); // past the 20 s window: a live check
          }
          edge.localKms.faults().latency(Duration.ZERO);
          ok(http.get(HEALTH, edge.owner(tenant)));
          assertThat(
                  ok(http.get("/api/v1/byok/alerts", edge.owner(tenant)))
                      .path("alerts")
                      .get(0)
                      .path("status")
                      .asText())
              .as("a fast round trip resolves it")
              .isEqualTo("resolved");
        });
  }

  @Test
  void ninetyOneDaysWithoutARotationOpenTheRotationAlert() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.clock.advance(Duration.ofDays(91));
          String later = edge.owner(tenant);
          ok(http.get(HEALTH, later)); // any event of the tenant moves its alert clock
          JsonNode alerts = ok(http.get("/api/v1/byok/alerts", later)).path("alerts");
          assertThat(alerts)
              .singleElement()
              .satisfies(
                  a -> {
                    assertThat(a.path("rule").asText()).isEqualTo("Key rotation needed");
                    assertThat(a.path("severity").asText()).isEqualTo("medium");
                  });
        });
  }

  @Test
  void alertsNeedAReadingRoleOfTheTenantAndShowOnlyItsOwn() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String other = EdgeFixture.tenant();
    edge.http(
        http -> {
          String keyArn = edge.active(http, owner);
          edge.customer.kms.disableKey(DisableKeyRequest.builder().keyId(keyArn).build());
          ok(http.get(HEALTH, owner));
          assertThat(ok(http.get("/api/v1/byok/alerts", owner)).path("alerts")).hasSize(1);

          http.get("/api/v1/byok/alerts", null).assertError(401, "missing_token");
          http.get("/api/v1/byok/alerts", "not.a.jwt").assertError(401, "invalid_token");
          http.get("/api/v1/byok/alerts", edge.token(tenant, "svc@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.get(HEALTH, edge.token(tenant, "svc@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          assertThat(
                  ok(http.get(
                          "/api/v1/byok/alerts", edge.token(tenant, "aud@" + tenant, Role.AUDITOR)))
                      .path("alerts"))
              .as("an auditor reads them")
              .hasSize(1);
          assertThat(
                  ok(http.get("/api/v1/byok/alerts?tenant=" + tenant, edge.owner(other)))
                      .path("alerts"))
              .as("another tenant sees only its own, whatever the query says")
              .isEmpty();
          http.post("/api/v1/byok/alerts", owner, "{}").assertError(405, "method_not_allowed");
          edge.customer.kms.enableKey(EnableKeyRequest.builder().keyId(keyArn).build());
        });
  }

  @Test
  void aThrottledCheckIsDegradedAndDoesNotSeal() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.localKms.faults().throttle();
          JsonNode throttled = ok(http.get(HEALTH, owner));
          assertThat(throttled.path("status").asText()).isEqualTo("degraded");
          assertThat(throttled.path("error").asText()).startsWith("KMS ThrottlingException");
          assertThat(throttled.path("reason").asText()).isEqualTo("throttled");
          assertThat(throttled.path("checks").path("cmk_access").asText()).isEqualTo("unknown");
          assertThat(ok(http.get("/api/v1/byok/keys", owner)).path("status").asText())
              .isEqualTo("active");
        });
  }

  @Test
  void slowKmsIsDegradedNamingTheLatency() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          edge.localKms.faults().latency(Duration.ofMillis(250));
          JsonNode slow = ok(http.get(HEALTH, owner));
          assertThat(slow.path("status").asText()).isEqualTo("degraded");
          assertThat(slow.path("error").asText()).startsWith("KMS latency above 200 ms");
          assertThat(slow.path("latency_ms").path("encrypt").asLong()).isGreaterThanOrEqualTo(250);
        });
  }

  @Test
  void aTenantWithoutByokChecksThePlatformKeyAndAPendingWaiverIsDegraded() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          long kmsBefore = kmsCalls();
          JsonNode platform = ok(http.get(HEALTH, owner));
          assertThat(platform.path("status").asText()).isEqualTo("healthy");
          assertThat(platform.path("wrap_method").asText()).isEqualTo("platform");
          assertThat(platform.path("key_status").asText()).isEqualTo("none");
          assertThat(platform.path("cmk_accessible").asBoolean()).isFalse();
          assertThat(platform.path("checks").path("dek_valid").asText()).isEqualTo("pass");
          assertThat(platform.path("checks").path("cmk_access").asText()).isEqualTo("unknown");
          assertThat(platform.path("cached").asBoolean()).isFalse();
          assertThat(kmsCalls())
              .as("the platform key's round trip calls no KMS")
              .isEqualTo(kmsBefore);
          assertThat(EdgeFixture.auditTrail(http, owner)).contains("health_check:success");
          edge.registered(http, owner);
          edge.clock.advance(Duration.ofSeconds(21)); // past the good check's 20 s
          JsonNode pending = ok(http.get(HEALTH, owner));
          assertThat(pending.path("status").asText()).isEqualTo("degraded");
          assertThat(pending.path("error").asText()).contains("Waiver");
          assertThat(pending.path("checks").path("cmk_access").asText())
              .as("the CMK the tenant is about to switch to is checked")
              .isEqualTo("pass");
          assertThat(pending.path("wrap_method").asText())
              .as("while the platform-managed keys serve")
              .isEqualTo("platform");
        });
  }

  private static long kmsCalls() {
    return edge.localKms.calls().snapshot().values().stream().mapToLong(Long::longValue).sum();
  }

  private static JsonNode ok(EdgeFixture.Reply reply) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }
}
