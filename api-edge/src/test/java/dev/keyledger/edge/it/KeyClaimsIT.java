package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyledger.edge.auth.Role;
import dev.keyledger.engine.topology.TenantPartitioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One customer key, one tenant, on a real broker: two tenants whose folds run on different
 * partitions meet at the claims topic's one partition. The second tenant's registration of the
 * first tenant's key is refused (409, audited in both chains, naming neither tenant); once the
 * first tenant ends BYOK, the second registers the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyClaimsIT {

  private static final int PARTITIONS = 3; // EdgeHarness's topic settings

  @TempDir static Path dataDir;
  private EdgeHarness kl;

  @BeforeAll
  void start() throws Exception {
    kl = new EdgeHarness(dataDir);
  }

  @AfterAll
  void stop() throws Exception {
    kl.close();
  }

  @Test
  void anotherTenantsKeyIsRefusedAcrossPartitionsUntilItsHolderEndsByok() throws Exception {
    String holder = tenant(-1);
    String claimer = tenant(TenantPartitioner.partition(holder, PARTITIONS));
    String holderToken = kl.token(holder, "owner@" + holder, Role.OWNER);
    String claimerToken = kl.token(claimer, "owner@" + claimer, Role.OWNER);
    String keyArn = kl.customer.keyGrantingPlatform();
    String body = "{\"key_arn\":\"" + keyArn + "\"}";

    Http.Response registered = kl.http().post("/api/v1/byok/keys", holderToken, body);
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);

    Http.Response refused = kl.http().post("/api/v1/byok/keys", claimerToken, body);
    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
    assertThat(refused.error()).isEqualTo("bound_to_another_tenant");
    assertThat(refused.body().toString()).doesNotContain(holder);
    awaitAudited(holderToken, "claim_attempt:refused");
    awaitAudited(claimerToken, "register:refused");
    assertThat(kl.http().get("/api/v1/byok/audit?limit=100", holderToken).body().toString())
        .doesNotContain(claimer);
    assertThat(kl.http().get("/api/v1/byok/audit?limit=100", claimerToken).body().toString())
        .doesNotContain(holder);

    int active =
        kl.http()
            .get("/admin/tenant-kms", holderToken)
            .body()
            .path("keys")
            .valueStream()
            .filter(k -> k.path("status").asText().equals("active"))
            .findFirst()
            .orElseThrow()
            .path("version")
            .asInt();
    Http.Response ended =
        kl.http()
            .postWithStepUp(
                "/admin/tenant-kms/revoke",
                holderToken,
                kl.stepUp(holder, "owner@" + holder, Role.OWNER),
                "{\"version\":"
                    + active
                    + ",\"end_byok\":true,\"confirm_tenant\":\""
                    + holder
                    + "\"}");
    assertThat(ended.status()).as(ended.body().toString()).isEqualTo(200);

    // The fold's release was committed with the outcome of the end of BYOK, so it is on the claims
    // topic's one partition before this registration.
    Http.Response after = kl.http().post("/api/v1/byok/keys", claimerToken, body);
    assertThat(after.status()).as(after.body().toString()).isEqualTo(201);
    Http.Response holderAgain = kl.http().post("/api/v1/byok/keys", holderToken, body);
    assertThat(holderAgain.status()).isEqualTo(409);
    assertThat(holderAgain.error()).isEqualTo("bound_to_another_tenant");
  }

  /** A fresh tenant id whose fold runs on another partition than {@code notPartition}. */
  private static String tenant(int notPartition) {
    while (true) {
      String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
      if (TenantPartitioner.partition(tenant, PARTITIONS) != notPartition) {
        return tenant;
      }
    }
  }

  /** Waits until the tenant's audit trail (a projection of the event log) shows {@code entry}. */
  private void awaitAudited(String token, String entry) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<String> ops = new ArrayList<>();
              Http.Response audit = kl.http().get("/api/v1/byok/audit?limit=100", token);
              assertThat(audit.status()).isEqualTo(200);
              audit
                  .body()
                  .path("entries")
                  .forEach(
                      e -> ops.add(e.path("operation").asText() + ":" + e.path("status").asText()));
              assertThat(ops).contains(entry);
            });
  }
}
