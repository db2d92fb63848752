package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyledger.edge.auth.Role;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command the fold does not decide within the request's wait is answered 202, and its outcome can
 * be looked up.
 */
class PendingCommandIT {

  @TempDir Path dataDir;

  @Test
  void aCommandNotDecidedWithinTheWaitIsAnswered202AndItsOutcomeCanBeLookedUp() throws Exception {
    try (EdgeHarness kl = new EdgeHarness(dataDir, s -> s.withCommandWait(Duration.ofMillis(1)))) {
      String owner = kl.token("patient-co", "owner@patient-co", Role.OWNER);
      String keyArn = kl.customer.keyGrantingPlatform();
      Http.Response first =
          kl.http().post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}");
      assertThat(first.status())
          .as("the platform-managed keys it made first are not decided yet: %s", first.body())
          .isEqualTo(503);
      assertThat(first.error()).isEqualTo("keys_provisioning");
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertThat(
                          kl.http()
                              .get("/api/v1/byok/keys", owner)
                              .body()
                              .path("error")
                              .path("reason")
                              .asText())
                      .isEqualTo("platform_managed"));
      Http.Response pending =
          kl.http().post("/api/v1/byok/keys", owner, "{\"key_arn\":\"" + keyArn + "\"}");
      assertThat(pending.status()).as(pending.body().toString()).isEqualTo(202);
      assertThat(pending.body().path("status").asText()).isEqualTo("pending");
      String outcomeUrl = pending.body().path("outcome_url").asText();
      assertThat(outcomeUrl)
          .isEqualTo("/api/v1/byok/commands/" + pending.body().path("command_id").asText());

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Http.Response outcome = kl.http().get(outcomeUrl, owner);
                assertThat(outcome.status()).isEqualTo(200);
                assertThat(outcome.body().path("status").asText()).isEqualTo("accepted");
              });
      assertThat(kl.http().get("/api/v1/byok/keys", owner).body().path("status").asText())
          .isEqualTo("pending_waiver");
      assertThat(
              kl.http()
                  .get(outcomeUrl, kl.token("someone-else", "x@else", Role.OWNER))
                  .body()
                  .path("status")
                  .asText())
          .as("another tenant never sees it")
          .isEqualTo("pending");
      assertThat(kl.http().get("/api/v1/byok/commands/not-a-command", owner).status())
          .isEqualTo(400);
    }
  }
}
