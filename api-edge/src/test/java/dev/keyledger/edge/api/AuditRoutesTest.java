package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.api.EdgeFixture.Client;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/byok/audit} (pages, filters, cursor) and {@code GET
 * /api/v1/byok/audit/verify}.
 */
class AuditRoutesTest {

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
   * Registers a key (platform-managed keys first: provision, TMK v1, DEK v1; then the key and its
   * TMK v2) and acknowledges the waiver twice (the first switches to TMK v2 and starts the rewrap),
   * then a refused registration: ten events (seq 1..10). Returns the registration's request id.
   */
  private static String tenEvents(Client http, String owner) {
    Reply registered =
        http.post(
            "/api/v1/byok/keys",
            owner,
            "{\"key_arn\":\"" + edge.customer.keyGrantingPlatform() + "\"}");
    assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    for (int i = 0; i < 2; i++) {
      assertThat(
              http.post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"a" + i + "@b.c\"}")
                  .status())
          .isEqualTo(200);
    }
    http.post("/api/v1/byok/keys", owner, "{\"key_arn\":\"nope\"}").assertError(400, "invalid_arn");
    return registered.header("X-Request-Id");
  }

  @Test
  void entriesAreNewestFirstHashChainedAndNameWhoDidWhat() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          String requestId = tenEvents(http, owner);
          Reply page =
              http.get("/api/v1/byok/audit", edge.token(tenant, "aud@" + tenant, Role.AUDITOR));
          assertThat(page.status()).as(page.text()).isEqualTo(200);
          JsonNode entries = page.json().path("entries");
          assertThat(page.json().has("next_cursor")).isTrue();
          assertThat(page.json().path("next_cursor").isNull()).isTrue();
          assertThat(entries).hasSize(10);
          List<Long> seqs = entries.valueStream().map(e -> e.path("seq").asLong()).toList();
          assertThat(seqs).containsExactly(10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
          for (int i = 0; i + 1 < entries.size(); i++) {
            assertThat(entries.get(i).path("prev_hash").asText())
                .isEqualTo(entries.get(i + 1).path("hash").asText());
          }
          JsonNode register = entries.get(6);
          assertThat(register.path("operation").asText()).isEqualTo("register");
          assertThat(register.path("status").asText()).isEqualTo("success");
          assertThat(register.path("key_id").asText()).startsWith("byok_");
          assertThat(register.path("user").asText()).isEqualTo("owner@" + tenant);
          assertThat(register.path("ip_address").asText()).isEqualTo("127.0.0.1");
          assertThat(register.path("request_id").asText())
              .as("the request that made it")
              .isEqualTo(requestId);
          assertThat(register.path("command_id").asText()).startsWith("cmd_");
          assertThat(register.path("id").asText()).isNotBlank();
          assertThat(register.path("timestamp").asText())
              .isEqualTo(edge.clock.instant().toString());
          assertThat(register.has("latency_ms")).isTrue();
          assertThat(register.path("metadata").path("cmk").path("key_arn").asText())
              .startsWith("arn:aws:kms:");
          assertThat(register.toString()).as("no key material").doesNotContain("wrapped_key");

          JsonNode refused = entries.get(0);
          assertThat(refused.path("operation").asText()).isEqualTo("register");
          assertThat(refused.path("status").asText()).isEqualTo("refused");
          assertThat(refused.path("metadata").path("refusal").path("code").asText())
              .isEqualTo("BYOK_001");
        });
  }

  @Test
  void theCursorWalksEveryEntryOnceAndTheLastPageHasNoCursor() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          tenEvents(http, owner);
          List<Long> seen = new ArrayList<>();
          String cursor = null;
          int pages = 0;
          do {
            Reply page =
                http.get(
                    "/api/v1/byok/audit?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                    owner);
            assertThat(page.status()).as(page.text()).isEqualTo(200);
            JsonNode entries = page.json().path("entries");
            assertThat(entries.size()).isBetween(1, 3);
            entries.forEach(e -> seen.add(e.path("seq").asLong()));
            cursor =
                page.json().path("next_cursor").isNull()
                    ? null
                    : page.json().path("next_cursor").asText();
            pages++;
          } while (cursor != null && pages < 10);
          assertThat(pages).isEqualTo(4);
          assertThat(seen)
              .containsExactlyElementsOf(
                  LongStream.rangeClosed(1, 10).boxed().sorted(Comparator.reverseOrder()).toList());
          assertThat(http.get("/api/v1/byok/audit?cursor=1", owner).json().path("entries"))
              .isEmpty();
          assertThat(
                  http.get("/api/v1/byok/audit?limit=500&cursor=" + Long.MAX_VALUE, owner)
                      .json()
                      .path("entries"))
              .hasSize(10);
        });
  }

  @Test
  void operationAndDatesFilterTheTrail() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          Instant first = edge.clock.instant();
          edge.registered(http, owner);
          edge.clock.advance(Duration.ofDays(2));
          Instant later = edge.clock.instant();
          String token = edge.owner(tenant);
          assertThat(
                  http.post(
                          "/api/v1/byok/legal-waiver",
                          token,
                          "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}")
                      .status())
              .isEqualTo(200);

          JsonNode registers =
              http.get("/api/v1/byok/audit?operation=register", token).json().path("entries");
          assertThat(registers)
              .singleElement()
              .satisfies(e -> assertThat(e.path("operation").asText()).isEqualTo("register"));
          assertThat(http.get("/api/v1/byok/audit?operation=seal", token).json().path("entries"))
              .isEmpty();

          String firstDay = first.toString().substring(0, 10);
          String laterDay = later.toString().substring(0, 10);
          assertThat(operations(http.get("/api/v1/byok/audit?start_date=" + laterDay, token)))
              .containsExactly("rewrap_started", "activate", "acknowledge_waiver");
          assertThat(operations(http.get("/api/v1/byok/audit?end_date=" + firstDay, token)))
              .containsExactly(
                  "create_tmk_version",
                  "register",
                  "create_dek",
                  "create_tmk_version",
                  "provision");
          assertThat(
                  operations(
                      http.get(
                          "/api/v1/byok/audit?start_date="
                              + firstDay
                              + "&end_date="
                              + firstDay
                              + "&operation=create_dek",
                          token)))
              .containsExactly("create_dek");
          assertThat(operations(http.get("/api/v1/byok/audit?start_date=" + later, token)))
              .hasSize(3);
          assertThat(
                  operations(
                      http.get("/api/v1/byok/audit?end_date=" + later.minusMillis(1), token)))
              .hasSize(5);
        });
  }

  @Test
  void theSeedsOperationNamesFindDataPlaneUseRotationsAndHealthChecksWithTheirKeyIds() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          edge.active(http, owner);
          String body = "{\"plaintext\":\"" + EdgeFixture.b64("hello") + "\"}";
          JsonNode sealed = http.post("/api/v1/byok/encrypt", owner, body).json();
          http.post("/api/v1/byok/encrypt", owner, body);
          http.post(
              "/api/v1/byok/decrypt",
              owner,
              "{\"ciphertext\":\"" + sealed.path("ciphertext").asText() + "\"}");
          edge.flushUsage();
          http.post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}");
          http.get("/api/v1/byok/health", owner);

          JsonNode encrypts =
              http.get("/api/v1/byok/audit?operation=encrypt", owner).json().path("entries");
          assertThat(encrypts)
              .as("one entry per usage report, with the counts")
              .singleElement()
              .satisfies(
                  e -> {
                    assertThat(e.path("operation").asText()).isEqualTo("encrypt");
                    assertThat(e.path("metadata").path("encryptions").asLong()).isEqualTo(2);
                    assertThat(e.path("metadata").path("decryptions").asLong()).isEqualTo(1);
                  });
          assertThat(http.get("/api/v1/byok/audit?operation=decrypt", owner).json().path("entries"))
              .hasSize(1);
          JsonNode rotations =
              http.get("/api/v1/byok/audit?operation=rotate", owner).json().path("entries");
          assertThat(rotations).isNotEmpty();
          assertThat(rotations).allSatisfy(e -> assertThat(e.path("key_id").asText()).isNotBlank());
          assertThat(
                  http.get("/api/v1/byok/audit?operation=health_check", owner)
                      .json()
                      .path("entries"))
              .singleElement()
              .satisfies(e -> assertThat(e.path("status").asText()).isEqualTo("success"));
          assertThat(http.get("/api/v1/byok/audit?limit=500", owner).json().path("entries"))
              .as("every entry of a tenant with a key names the key it concerns")
              .allSatisfy(
                  e ->
                      assertThat(e.path("key_id").asText())
                          .as(e.path("operation").asText())
                          .isNotBlank());
        });
  }

  private static List<String> operations(Reply page) {
    assertThat(page.status()).as(page.text()).isEqualTo(200);
    return page.json()
        .path("entries")
        .valueStream()
        .map(e -> e.path("operation").asText())
        .toList();
  }

  @Test
  void badQueryParametersAre400NeverA500() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        EdgeFixture.UNLIMITED,
        http -> {
          for (String limit :
              new String[] {"0", "-1", "501", "abc", "1.5", "99999999999999999999", ""}) {
            JsonNode error =
                http.get("/api/v1/byok/audit?limit=" + limit, owner)
                    .assertError(400, "invalid_request");
            assertThat(error.path("message").asText()).contains("limit");
          }
          for (String cursor :
              new String[] {"0", "-5", "abc", "99999999999999999999", "7%20OR%201=1"}) {
            http.get("/api/v1/byok/audit?cursor=" + cursor, owner)
                .assertError(400, "invalid_cursor");
          }
          for (String date :
              new String[] {
                "yesterday", "2026-13-01", "2026-02-30", "2026-11-01T25:00:00Z", "1764547200"
              }) {
            http.get("/api/v1/byok/audit?start_date=" + date, owner)
                .assertError(400, "invalid_request");
            http.get("/api/v1/byok/audit?end_date=" + date, owner)
                .assertError(400, "invalid_request");
          }
          for (String operation :
              new String[] {"DROP%20TABLE", "register;seal", "x".repeat(65), "%00"}) {
            http.get("/api/v1/byok/audit?operation=" + operation, owner)
                .assertError(400, "invalid_request");
          }
          assertThat(http.get("/api/v1/byok/audit?limit=1&limit=2", owner).status()).isEqualTo(200);
        });
  }

  @Test
  void verifyReWalksTheChain() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    edge.http(
        http -> {
          JsonNode empty = http.get("/api/v1/byok/audit/verify", owner).json();
          assertThat(empty.path("intact").asBoolean()).isTrue();
          assertThat(empty.path("checked").asLong()).isZero();
          assertThat(empty.path("head_seq").asLong()).isZero();

          tenEvents(http, owner);
          Reply verify =
              http.get(
                  "/api/v1/byok/audit/verify", edge.token(tenant, "aud@" + tenant, Role.AUDITOR));
          assertThat(verify.status()).as(verify.text()).isEqualTo(200);
          JsonNode report = verify.json();
          assertThat(report.path("intact").asBoolean()).isTrue();
          assertThat(report.path("checked").asLong()).isEqualTo(10);
          assertThat(report.path("head_seq").asLong()).isEqualTo(10);
          String newest =
              http.get("/api/v1/byok/audit?limit=1", owner)
                  .json()
                  .path("entries")
                  .get(0)
                  .path("hash")
                  .asText();
          assertThat(report.path("head_hash").asText()).isEqualTo(newest);
          assertThat(report.path("broken_at_seq").isNull()).isTrue();
          assertThat(report.path("reason").isNull()).isTrue();
        });
  }

  @Test
  void auditCallsNeedAReadingRoleAndAreLimitedPerSub() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String admin = edge.token(tenant, "admin@" + tenant, Role.ADMIN);
    RateLimitConfig tight =
        RateLimitConfig.defaults()
            .withLimits(Map.of(RateLimitConfig.AUDIT, RateLimitConfig.Limit.perMinute(2)));
    edge.http(
        tight,
        http -> {
          http.get("/api/v1/byok/audit", edge.token(tenant, "agent@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.get("/api/v1/byok/audit/verify", edge.token(tenant, "agent@" + tenant, Role.AGENT))
              .assertError(403, "forbidden");
          http.get("/api/v1/byok/audit", null).assertError(401, "missing_token");
          http.get("/api/v1/byok/audit/verify", "x.y.z").assertError(401, "invalid_token");

          assertThat(http.get("/api/v1/byok/audit", owner).status()).isEqualTo(200);
          assertThat(http.get("/api/v1/byok/audit/verify", owner).status()).isEqualTo(200);
          Reply limited = http.get("/api/v1/byok/audit", owner);
          limited.assertError(429, "rate_limit_exceeded", "RATE_LIMIT_EXCEEDED");
          assertThat(limited.retryAfter()).isBetween(1, 60);
          http.get("/api/v1/byok/audit/verify", owner).assertError(429, "rate_limit_exceeded");
          assertThat(http.get("/api/v1/byok/audit", admin).status()).isEqualTo(200);
        });
  }

  @Test
  void aTenantSeesOnlyItsOwnTrail() {
    String a = EdgeFixture.tenant();
    String b = EdgeFixture.tenant();
    edge.http(
        http -> {
          tenEvents(http, edge.owner(a));
          assertThat(http.get("/api/v1/byok/audit", edge.owner(b)).json().path("entries"))
              .isEmpty();
          assertThat(
                  http.get("/api/v1/byok/audit/verify", edge.owner(b))
                      .json()
                      .path("checked")
                      .asLong())
              .isZero();
        });
  }
}
