package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;

/**
 * Seed 000's troubleshooting on a real broker and local-kms: {@code disable-key} makes the live
 * health check answer "CMK inaccessible" and opens the critical alert; {@code enable-key} makes it
 * healthy again and resolves the alert; both alert records are on the alerts topic. Prints the time
 * from the kill switch to the alert (time-to-seal).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsIT {

  @TempDir static Path dataDir;
  private EdgeHarness kl;

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir, s -> s);
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  @Test
  void disablingTheKeyIsUnhealthyAndACriticalAlertEnablingItResolvesBoth() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String owner = kl.token(tenant, "owner@" + tenant, Role.OWNER);
    String keyArn = kl.customer.keyGrantingPlatform();
    assertThat(
            kl.http().post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}").status())
        .isEqualTo(201);
    assertThat(
            kl.http()
                .post(
                    "/api/v1/byok/legal-waiver",
                    owner,
                    "{\"acknowledged\":true,\"acknowledged_by\":\"cto@" + tenant + ".example\"}")
                .status())
        .isEqualTo(200);

    long killed = System.nanoTime();
    kl.customer.kms.disableKey(DisableKeyRequest.builder().keyId(keyArn).build());
    JsonNode down = kl.http().get("/api/v1/byok/health", owner).body();
    assertThat(down.path("status").asText()).as(down.toString()).isEqualTo("unhealthy");
    assertThat(down.path("cmk_accessible").asBoolean()).isFalse();
    assertThat(down.path("error").asText()).startsWith("CMK inaccessible");
    assertThat(down.path("aws_error_code").asText()).isEqualTo("DisabledException");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "open".equals(alert(owner).path("status").asText()));
    long toAlert = Duration.ofNanos(System.nanoTime() - killed).toMillis();
    JsonNode open = alert(owner);
    assertThat(open.path("rule").asText()).isEqualTo("CMK inaccessible");
    assertThat(open.path("severity").asText()).isEqualTo("critical");
    System.out.printf("time-to-seal: disable-key -> critical alert open in %d ms%n", toAlert);

    kl.customer.kms.enableKey(EnableKeyRequest.builder().keyId(keyArn).build());
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1)) // the 3 s bad window passes, then one live check
        .until(
            () ->
                "healthy"
                    .equals(
                        kl.http()
                            .get("/api/v1/byok/health", owner)
                            .body()
                            .path("status")
                            .asText()));
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "resolved".equals(alert(owner).path("status").asText()));

    List<Alert> published = alertsTopic(tenant, 2);
    assertThat(published).extracting(Alert::getStatus).containsExactly("open", "resolved");
    assertThat(published).extracting(Alert::getRule).containsOnly("cmk_inaccessible");
    assertThat(published.get(0).getId()).isEqualTo(published.get(1).getId());
  }

  /** The tenant's one alert as {@code GET /alerts} shows it (empty when none). */
  private JsonNode alert(String token) {
    JsonNode alerts = kl.http().get("/api/v1/byok/alerts", token).body().path("alerts");
    return alerts.isEmpty() ? alerts : alerts.get(0);
  }

  /** The tenant's records on the alerts topic, read from the start until {@code count} are seen. */
  private List<Alert> alertsTopic(String tenant, int count) {
    Topics topics = new Topics("kl");
    Map<String, Object> props = new HashMap<>(kl.kafka.clientProps());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "alerts-it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Alert> seen = new ArrayList<>();
    try (KafkaConsumer<String, Alert> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), topics.alerts().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.alerts().name()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(200))
                    .forEach(
                        r -> {
                          if (tenant.equals(r.key())) {
                            seen.add(r.value());
                          }
                        });
                return seen.size() >= count;
              });
    }
    return seen;
  }
}
