package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.workers.WorkerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master rotation over 1,000 DEKs: re-wrapped in batches by the background worker, resumed from
 * the state after the instance stops mid-rewrap; afterwards every DEK is under the new TMK version
 * and all data still decrypts.
 */
class RewrapIT {

  private static final int DEKS = 1000;

  @TempDir Path dataDir;

  @Test
  void aMasterRotationRewrapsEveryDekInBatchesAndResumesAfterARestart() throws Exception {
    Map<String, Object> fastCommits = Map.of("commit.interval.ms", 20);
    try (EdgeHarness kl =
        new EdgeHarness(
            dataDir,
            s ->
                s.withRateLimits(
                        RateLimitConfig.defaults()
                            .withLimits(
                                Map.of(
                                    RateLimitConfig.KEYS_ROTATE,
                                    RateLimitConfig.Limit.perMinute(100_000))))
                    .withWorkers(
                        new WorkerSettings(
                            Duration.ofSeconds(30),
                            Duration.ofMinutes(15),
                            Duration.ofMillis(500),
                            100))
                    .withKafka(fastCommits))) {
      String owner = kl.token("rewrap-co", "owner@rewrap-co", Role.OWNER);
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

      Map<String, String> samples = new LinkedHashMap<>();
      for (int dek = 1; dek <= DEKS; dek++) {
        if (dek % 100 == 1) {
          String plaintext = "record under DEK v" + dek;
          samples.put(encrypt(kl, owner, plaintext), plaintext);
        }
        if (dek < DEKS) {
          assertThat(
                  kl.http()
                      .post("/api/v1/byok/keys/rotate", owner, "{\"rotation_type\":\"dek\"}")
                      .status())
              .isEqualTo(200);
        }
      }
      assertThat(kl.http().get("/api/v1/byok/keys", owner).body().path("dek_count").asInt())
          .isEqualTo(DEKS);

      Http.Response rotated =
          kl.http()
              .postWithStepUp(
                  "/admin/tenant-kms/rotate",
                  owner,
                  kl.stepUp("rewrap-co", "owner@rewrap-co", Role.OWNER),
                  "{}");
      assertThat(rotated.status()).as(rotated.body().toString()).isEqualTo(200);
      assertThat(rotated.body().path("new_version").asInt())
          .as("after the platform-managed v1 and the CMK's v2")
          .isEqualTo(3);
      long lease = rotated.body().path("rewrap_lease_id").asLong();

      // Stop the instance once some but not all batches are done.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .untilAsserted(
              () -> assertThat(rewrap(kl, owner).path("done").asInt()).isGreaterThanOrEqualTo(100));
      JsonNode before = rewrap(kl, owner);
      assertThat(before.path("lease_id").asLong()).isEqualTo(lease);
      assertThat(before.path("done").asInt()).as("stopped mid-rewrap").isLessThan(DEKS);
      assertThat(before.path("done").asInt() % 100).as("progress moves in whole batches").isZero();
      kl.stopNode();
      kl.startNode();

      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(() -> assertThat(rewrap(kl, owner).isNull()).isTrue());
      JsonNode keys = kl.http().get("/api/v1/byok/keys", owner).body();
      List<JsonNode> deks = allDeks(kl, owner);
      assertThat(deks).hasSize(DEKS);
      deks.forEach(d -> assertThat(d.path("tmk_version").asInt()).as(d.toString()).isEqualTo(3));
      assertThat(keys.path("tmk_versions").get(0).path("status").asText()).isEqualTo("retired");
      assertThat(keys.path("tmk_versions").get(1).path("status").asText()).isEqualTo("retired");
      assertThat(keys.path("active_tmk_version").asInt()).isEqualTo(3);
      for (Map.Entry<String, String> sample : samples.entrySet()) {
        Http.Response decrypted =
            kl.http()
                .post(
                    "/api/v1/byok/decrypt", owner, "{\"ciphertext\":\"" + sample.getKey() + "\"}");
        assertThat(decrypted.status()).as(decrypted.body().toString()).isEqualTo(200);
        assertThat(
                new String(
                    Base64.getDecoder().decode(decrypted.body().path("plaintext").asText()),
                    StandardCharsets.UTF_8))
            .isEqualTo(sample.getValue());
      }
    }
  }

  private static JsonNode rewrap(EdgeHarness kl, String token) {
    return kl.http().get("/admin/tenant-kms", token).body().path("rewrap");
  }

  private static String encrypt(EdgeHarness kl, String token, String plaintext) {
    Http.Response response =
        kl.http()
            .post(
                "/api/v1/byok/encrypt",
                token,
                "{\"plaintext\":\""
                    + Base64.getEncoder().encodeToString(plaintext.getBytes(StandardCharsets.UTF_8))
                    + "\"}");
    assertThat(response.status()).isEqualTo(200);
    return response.body().path("ciphertext").asText();
  }

  /** Every DEK of the tenant, paging through {@code GET /keys} a hundred at a time. */
  private static List<JsonNode> allDeks(EdgeHarness kl, String owner) {
    List<JsonNode> all = new java.util.ArrayList<>();
    String query = "?dek_limit=100";
    while (query != null) {
      JsonNode page = kl.http().get("/api/v1/byok/keys" + query, owner).body();
      page.path("dek_versions").forEach(all::add);
      JsonNode next = page.path("dek_versions_next_before");
      query =
          next.isNull() || next.isMissingNode()
              ? null
              : "?dek_limit=100&dek_before=" + next.asInt();
    }
    return all;
  }
}
