package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §1: a DEK is retired automatically after 90 days (or 2^30 encryptions), whichever comes
 * first.
 */
class DekLifetimeIT {

  @TempDir Path dataDir;

  @Test
  void aDekOlderThanNinetyDaysIsRotatedAutomaticallyAndOldDataStillDecrypts() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    try (EdgeHarness kl = new EdgeHarness(dataDir, s -> s.withClock(clock))) {
      String owner = kl.token("aging-co", "owner@aging-co", Role.OWNER);
      assertThat(
              kl.http()
                  .post(
                      "/api/v1/byok/keys",
                      owner,
                      "{\"key_arn\":\"" + kl.customer.keyGrantingPlatform() + "\"}")
                  .status())
          .isEqualTo(201);
      assertThat(
              kl.http()
                  .post(
                      "/api/v1/byok/legal-waiver",
                      owner,
                      "{\"acknowledged\":true,\"acknowledged_by\":\"o@x.example\"}")
                  .status())
          .isEqualTo(200);
      Http.Response young =
          kl.http().post("/api/v1/byok/encrypt", owner, "{\"plaintext\":\"AA==\"}");
      assertThat(young.body().path("key_version").asInt()).isEqualTo(1);

      clock.advance(Duration.ofDays(90).plusMinutes(1));
      String later = kl.token("aging-co", "owner@aging-co", Role.OWNER);
      Http.Response old = kl.http().post("/api/v1/byok/encrypt", later, "{\"plaintext\":\"AQ==\"}");
      assertThat(old.status())
          .as("the retiring DEK still serves while its successor is made")
          .isEqualTo(200);

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                JsonNode keys = kl.http().get("/api/v1/byok/keys", later).body();
                assertThat(keys.path("active_dek_version").asInt()).isEqualTo(2);
                assertThat(keys.path("dek_versions").get(0).path("status").asText())
                    .as("newest first")
                    .isEqualTo("active");
                assertThat(keys.path("dek_versions").get(1).path("status").asText())
                    .isEqualTo("retired");
              });
      assertThat(
              kl.http()
                  .post("/api/v1/byok/encrypt", later, "{\"plaintext\":\"Ag==\"}")
                  .body()
                  .path("key_version")
                  .asInt())
          .isEqualTo(2);
      Http.Response decrypted =
          kl.http()
              .post(
                  "/api/v1/byok/decrypt",
                  later,
                  "{\"ciphertext\":\"" + young.body().path("ciphertext").asText() + "\"}");
      assertThat(decrypted.body().path("key_version").asInt()).isEqualTo(1);
      // The audit is a projection of the event log: it may trail the fold's state by a moment.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode audit =
                    kl.http()
                        .get("/api/v1/byok/audit?operation=create_dek", later)
                        .body()
                        .path("entries");
                assertThat(audit).hasSize(2);
                assertThat(audit.get(0).path("user").asText()).isEqualTo("keyledger-engine");
                assertThat(audit.get(0).path("metadata").path("automatic").asBoolean()).isTrue();
              });
    }
  }
}
