package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyledger.edge.api.EdgeFixture.Client;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.testing.PrometheusText;
import dev.keyledger.engine.testing.CustomerAccount;
import io.javalin.testtools.JavalinTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of the management app over the edge's registry: Prometheus text that a
 * strict parser accepts, KMS calls through the real AWS SDK against local-kms counted by operation
 * and outcome, HTTP requests by route template, and no tenant, key or account in any label.
 */
class MetricsRoutesTest {

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

  private static PrometheusText scrape(Client management) {
    Reply metrics = management.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(metrics.text());
  }

  @Test
  void kmsCallsMoveTheKmsTimerByOperationAndOutcome() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    JavalinTest.test(
        edge.management(),
        (app, client) -> {
          Client management = new Client(client);
          PrometheusText before = scrape(management);
          String[] keys = new String[2];
          edge.http(
              http -> {
                // the probe (Encrypt, then Decrypt), then the wrap of TMK v1 (Encrypt)
                keys[0] = edge.registered(http, owner);
                keys[1] = edge.customer.keyWithDefaultPolicy();
                http.post(
                        "/api/v1/byok/keys",
                        edge.owner(EdgeFixture.tenant()),
                        "{\"key_arn\":\"" + keys[1] + "\"}")
                    .assertError(400, "kms_verify_failed", "BYOK_002");
              });

          PrometheusText after = scrape(management);
          String count = "keyledger_kms_calls_seconds_count";
          assertThat(
                  after.sum(count, "operation", "encrypt", "outcome", "ok")
                      - before.sum(count, "operation", "encrypt", "outcome", "ok"))
              .isEqualTo(2);
          assertThat(
                  after.sum(count, "operation", "decrypt", "outcome", "ok")
                      - before.sum(count, "operation", "decrypt", "outcome", "ok"))
              .isEqualTo(1);
          assertThat(
                  after.sum(count, "operation", "encrypt", "outcome", "access_denied")
                      - before.sum(count, "operation", "encrypt", "outcome", "access_denied"))
              .as("the key policy does not grant the platform")
              .isEqualTo(1);
          assertThat(
                  after.find(
                      "keyledger_kms_calls_seconds_bucket",
                      "operation",
                      "encrypt",
                      "outcome",
                      "ok",
                      "le",
                      "0.2"))
              .as("a bucket at the 200 ms alert threshold")
              .hasSize(1);
          assertThat(after.labelValues())
              .allSatisfy(
                  value ->
                      assertThat(value)
                          .doesNotContain(tenant)
                          .doesNotContain(keys[0])
                          .doesNotContain(keys[1])
                          .doesNotContain(CustomerAccount.ACCOUNT));
        });
  }

  @Test
  void requestsAreCountedByRouteTemplateAndStatusAnd202sByRoute() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    String commandId = "cmd_" + "0123456789abcdef".repeat(2);
    JavalinTest.test(
        edge.management(),
        (app, client) -> {
          Client management = new Client(client);
          edge.http(
              http -> {
                assertThat(http.get("/api/v1/byok/commands/" + commandId, owner).status())
                    .as("an outcome not known (yet) is pending")
                    .isEqualTo(202);
                http.get("/api/v1/byok/keys", owner).assertError(404, "no_byok_key");
                assertThat(http.get("/no/such/route/" + tenant, owner).status()).isEqualTo(404);
                assertThat(http.get("/readyz", null).status()).isEqualTo(200);
                assertThat(
                        http.declareUpload("POST", "/api/v1/byok/encrypt", owner, null, 9 << 20)
                            .status())
                    .isEqualTo(413);
              });

          PrometheusText metrics = scrape(management);
          String count = "http_server_requests_seconds_count";
          assertThat(
                  metrics.sum(
                      count,
                      "method",
                      "GET",
                      "route",
                      "/api/v1/byok/commands/{id}",
                      "status",
                      "202"))
              .isEqualTo(1);
          assertThat(
                  metrics.sum(
                      count, "method", "GET", "route", "/api/v1/byok/keys", "status", "404"))
              .isEqualTo(1);
          assertThat(metrics.sum(count, "route", "unmatched", "status", "404")).isEqualTo(1);
          assertThat(metrics.sum(count, "route", "/readyz", "status", "200")).isEqualTo(1);
          assertThat(metrics.sum(count, "route", "/api/v1/byok/encrypt", "status", "413"))
              .as("refused before its body is read, still under its route")
              .isEqualTo(1);
          assertThat(
                  metrics.find(
                      "http_server_requests_seconds_bucket",
                      "route",
                      "/api/v1/byok/commands/{id}",
                      "le",
                      "+Inf"))
              .singleElement()
              .satisfies(bucket -> assertThat(bucket.value()).isEqualTo(1));
          assertThat(
                  metrics.sum(
                      "keyledger_http_pending_total", "route", "/api/v1/byok/commands/{id}"))
              .isEqualTo(1);
          assertThat(metrics.labelValues())
              .allSatisfy(
                  value ->
                      assertThat(value)
                          .doesNotContain(commandId)
                          .doesNotContain(tenant)
                          .doesNotContain("/no/such/route"));
        });
  }

  @Test
  void methodsNoneKnowsAreOneSeriesNotOneEach() {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    JavalinTest.test(
        edge.management(),
        (app, client) -> {
          Client management = new Client(client);
          JavalinTest.test(
              edge.app(),
              (edgeApp, edgeClient) -> {
                for (String method : new String[] {"BREW", "WHEN"}) {
                  http.send(
                      HttpRequest.newBuilder(URI.create(edgeClient.getOrigin() + "/healthz"))
                          .method(method, HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
                }
              });

          PrometheusText metrics = scrape(management);
          assertThat(metrics.sum("http_server_requests_seconds_count", "method", "other"))
              .isEqualTo(2);
          assertThat(metrics.labelValues()).doesNotContain("BREW", "WHEN");
        });
  }

  @Test
  void theKeyCacheCountsHitsAndMissesAndItsSize() {
    String tenant = EdgeFixture.tenant();
    String owner = edge.owner(tenant);
    JavalinTest.test(
        edge.management(),
        (app, client) -> {
          Client management = new Client(client);
          PrometheusText before = scrape(management);
          edge.http(
              http -> {
                edge.active(http, owner);
                String body = "{\"plaintext\":\"" + EdgeFixture.b64("hi") + "\"}";
                assertThat(http.post("/api/v1/byok/encrypt", owner, body).status()).isEqualTo(200);
                assertThat(http.post("/api/v1/byok/encrypt", owner, body).status()).isEqualTo(200);
              });

          PrometheusText after = scrape(management);
          String gets = "keyledger_key_cache_gets_total";
          assertThat(after.sum(gets, "result", "miss") - before.sum(gets, "result", "miss"))
              .as("the first encryption unwraps its DEK (and that its TMK)")
              .isPositive();
          assertThat(after.sum(gets, "result", "hit") - before.sum(gets, "result", "hit"))
              .as("the second finds its DEK cached")
              .isPositive();
          assertThat(after.sum("keyledger_key_cache_size")).isPositive();
        });
  }
}
