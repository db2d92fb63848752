package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.testing.PrometheusText;
import dev.keyledger.engine.testing.CustomerAccount;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations side of one whole node on a real broker and local-kms: {@code /metrics} on the
 * management port parses as Prometheus text and moves when KMS is called; {@code /readyz} (on both
 * ports) names every part and turns 503, naming it, when the outcome reader stops. The last test
 * breaks the node, so the order is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {

  private static final List<String> PARTS =
      List.of("streams", "stores", "command_producer", "outcome_reader", "key_events");

  @TempDir static Path dataDir;
  private EdgeHarness kl;
  private Http management;
  private final HttpClient raw = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir);
    management = new Http(kl.managementPort());
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  private PrometheusText scrape() throws IOException, InterruptedException {
    HttpResponse<String> metrics =
        raw.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + kl.managementPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(metrics.body());
  }

  @Test
  @Order(1)
  void metricsParseAsPrometheusTextAndMoveWhenKmsIsCalled() throws Exception {
    PrometheusText before = scrape();
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String key = kl.customer.keyGrantingPlatform();

    Http.Response registered =
        kl.http()
            .post(
                "/api/v1/byok/keys",
                kl.token(tenant, "o@" + tenant, Role.OWNER),
                "{\"key_arn\":\"" + key + "\"}");
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);

    PrometheusText after = scrape();
    String kmsCalls = "keyledger_kms_calls_seconds_count";
    assertThat(
            after.sum(kmsCalls, "operation", "encrypt", "outcome", "ok")
                - before.sum(kmsCalls, "operation", "encrypt", "outcome", "ok"))
        .as("the probe and the wrap of TMK v1")
        .isEqualTo(2);
    assertThat(
            after.sum(kmsCalls, "operation", "decrypt", "outcome", "ok")
                - before.sum(kmsCalls, "operation", "decrypt", "outcome", "ok"))
        .isEqualTo(1);
    assertThat(
            after.sum(
                "keyledger_command_roundtrip_seconds_count",
                "command",
                "RegisterKey",
                "result",
                "decided"))
        .isEqualTo(1);
    assertThat(
            after.sum(
                "http_server_requests_seconds_count",
                "method",
                "POST",
                "route",
                "/api/v1/byok/keys",
                "status",
                "201"))
        .isEqualTo(1);
    for (String family :
        List.of(
            "jvm_memory_used_bytes",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "process_cpu_usage",
            "system_cpu_usage",
            "kafka_stream_alive_stream_threads",
            "kafka_stream_thread_process_total",
            "kafka_stream_keyledger_dead_letters_total",
            "keyledger_key_cache_size",
            "keyledger_tenants_sealed",
            "keyledger_rewrap_deks_total")) {
      assertThat(after.find(family)).as(family).isNotEmpty();
    }
    assertThat(after.sum("kafka_stream_keyledger_dead_letters_total")).isZero();
    assertThat(after.labelValues())
        .allSatisfy(
            value ->
                assertThat(value)
                    .doesNotContain(tenant)
                    .doesNotContain(key)
                    .doesNotContain(CustomerAccount.ACCOUNT));
  }

  @Test
  @Order(2)
  void readyzNamesEveryPartOnBothPorts() {
    for (Http port : List.of(management, kl.http())) {
      Http.Response ready = port.get("/readyz", null);
      assertThat(ready.status()).as(ready.body().toString()).isEqualTo(200);
      assertThat(ready.body().path("ready").asBoolean()).isTrue();
      assertThat(ready.body().path("parts").fieldNames())
          .toIterable()
          .containsExactlyElementsOf(PARTS);
      for (String part : PARTS) {
        assertThat(ready.body().path("parts").path(part).path("ready").asBoolean())
            .as(part)
            .isTrue();
        assertThat(ready.body().path("parts").path(part).path("detail").asText())
            .as(part)
            .isNotBlank();
      }
      assertThat(port.get("/healthz", null).body().path("status").asText()).isEqualTo("ok");
    }
  }

  @Test
  @Order(3)
  void aFailedOutcomeReaderIsNamedInReadyzAndHealsWithoutARestartOfTheNode() throws Exception {
    List<Thread> readers =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("keyledger-outcomes") && t.isAlive())
            .toList();
    assertThat(readers).as("this node's outcome reader").hasSize(1);

    readers.get(0).interrupt(); // the reader's consumer fails

    // It is down for at least the first backoff (1 s), then a new consumer resumes.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              JsonNode reader =
                  management.get("/readyz", null).body().path("parts").path("outcome_reader");
              assertThat(reader.path("ready").asBoolean()).isTrue();
              assertThat(reader.path("detail").asText()).contains("restarted 1 times");
            });
    for (Http port : List.of(management, kl.http())) {
      Http.Response ready = port.get("/readyz", null);
      assertThat(ready.status()).as(ready.body().toString()).isEqualTo(200);
      assertThat(port.get("/healthz", null).status()).as("alive throughout").isEqualTo(200);
    }
    assertThat(readers.get(0).isAlive()).as("the same thread, healed").isTrue();

    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    Http.Response refused =
        kl.http()
            .post(
                "/api/v1/byok/legal-waiver",
                kl.token(tenant, "o@" + tenant, Role.OWNER),
                "{\"acknowledged\":true,\"acknowledged_by\":\"a@b.c\"}");
    assertThat(refused.status())
        .as("the fold's answer arrives through the healed reader, not a 202")
        .isEqualTo(404);
  }
}
