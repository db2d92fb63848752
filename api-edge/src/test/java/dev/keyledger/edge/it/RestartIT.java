package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State, audit and the hash chain survive a restart of the instance; the next command extends the
 * same chain.
 */
class RestartIT {

  @TempDir Path dataDir;

  @Test
  void aRestartedInstanceServesTheSameStateAndContinuesTheChain() throws Exception {
    try (EdgeHarness kl = new EdgeHarness(dataDir)) {
      String token = kl.token("acme", "owner@acme", Role.OWNER);
      assertThat(
              kl.http()
                  .post(
                      "/api/v1/byok/keys",
                      token,
                      "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                  .status())
          .isEqualTo(201);
      JsonNode before = kl.http().get("/api/v1/byok/keys", token).body();
      // platform-managed keys (3 events: provision, TMK v1, DEK v1) + the registration (2)
      String head = awaitChain(kl, token, 5).path("head_hash").asText();

      kl.stopNode();
      kl.startNode();

      JsonNode after = kl.http().get("/api/v1/byok/keys", token).body();
      assertThat(after).isEqualTo(before);
      assertThat(awaitChain(kl, token, 5).path("head_hash").asText()).isEqualTo(head);

      assertThat(
              kl.http()
                  .post(
                      "/api/v1/byok/legal-waiver",
                      token,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"a@acme.example\"}")
                  .status())
          .isEqualTo(200);
      // + the acknowledgment (3: it activates TMK v2 and starts the rewrap) + the rewrap (2)
      JsonNode chain = awaitChain(kl, token, 10);
      assertThat(chain.path("intact").asBoolean()).isTrue();
      JsonNode entries = kl.http().get("/api/v1/byok/audit", token).body().path("entries");
      assertThat(entries.get(4).path("seq").asLong()).isEqualTo(6);
      assertThat(entries.get(4).path("prev_hash").asText())
          .as("seq 6 links to the head from before the restart")
          .isEqualTo(head);
    }
  }

  private static JsonNode awaitChain(EdgeHarness kl, String token, long events) {
    JsonNode[] report = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              report[0] = kl.http().get("/api/v1/byok/audit/verify", token).body();
              assertThat(report[0].path("checked").asLong()).isEqualTo(events);
            });
    return report[0];
  }
}
