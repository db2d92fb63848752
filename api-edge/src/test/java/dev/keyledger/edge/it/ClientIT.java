package dev.keyledger.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.keyledger.client.EncryptResult;
import dev.keyledger.client.IncorrectKeyException;
import dev.keyledger.client.InvalidCiphertextException;
import dev.keyledger.client.KeyLedgerClient;
import dev.keyledger.client.LeasedDataKeys;
import dev.keyledger.edge.auth.Role;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Java client of platform services against the real edge, and the key cache seen from KMS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientIT {

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

  private KeyLedgerClient client(String token) {
    return KeyLedgerClient.builder()
        .baseUri(URI.create("http://127.0.0.1:" + kl.httpPort()))
        .token(() -> token)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  private String activeTenant(String tenant) throws Exception {
    String owner = kl.token(tenant, "owner@" + tenant, Role.OWNER);
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
    // BYOK active and the data under the CMK: the rewrap the acknowledgment started is done.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        kl.http()
                            .get("/admin/tenant-kms", owner)
                            .body()
                            .path("rewrap_status")
                            .asText())
                    .isEqualTo("completed"));
    return kl.token(tenant, "svc@" + tenant, Role.AGENT);
  }

  @Test
  void aPlatformServiceEncryptsAndDecryptsThroughTheClient() throws Exception {
    KeyLedgerClient acme = client(activeTenant("client-acme"));
    EncryptResult encrypted =
        acme.encrypt("ssn 078-05-1120".getBytes(StandardCharsets.UTF_8), Map.of("field", "ssn"));
    assertThat(encrypted.keyVersion()).isEqualTo(1);
    assertThat(
            new String(
                acme.decrypt(encrypted.ciphertext(), Map.of("field", "ssn")),
                StandardCharsets.UTF_8))
        .isEqualTo("ssn 078-05-1120");
    assertThat(
            catchThrowableOfType(
                InvalidCiphertextException.class,
                () -> acme.decrypt(encrypted.ciphertext(), Map.of("field", "dob"))))
        .isNotNull();
    KeyLedgerClient globex = client(activeTenant("client-globex"));
    assertThat(
            catchThrowableOfType(
                    IncorrectKeyException.class,
                    () -> globex.decrypt(encrypted.ciphertext(), Map.of("field", "ssn")))
                .detail())
        .contains("v1");
    assertThat(acme.openSession().ttl()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void aLeasedDataKeyEncryptsLocallyInTheServersFormatAndItsBlockIsCounted() throws Exception {
    KeyLedgerClient acme = client(activeTenant("client-lease"));
    try (LeasedDataKeys local = acme.leasedDataKeys().encryptionsPerLease(1000).build()) {
      byte[] mine =
          local.encrypt("made locally".getBytes(StandardCharsets.UTF_8), Map.of("f", "a"));
      assertThat(new String(acme.decrypt(mine, Map.of("f", "a")), StandardCharsets.UTF_8))
          .as("the server opens what the client sealed")
          .isEqualTo("made locally");
      EncryptResult theirs =
          acme.encrypt("made by the server".getBytes(StandardCharsets.UTF_8), Map.of("f", "b"));
      assertThat(
              new String(
                  local.decrypt(theirs.ciphertext(), Map.of("f", "b")), StandardCharsets.UTF_8))
          .isEqualTo("made by the server");
    }
    String owner = kl.token("client-lease", "owner@client-lease", Role.OWNER);
    assertThat(
            kl.http()
                .get("/api/v1/byok/keys", owner)
                .body()
                .path("dek_versions")
                .get(0)
                .path("encryptions")
                .asLong())
        .as("the leased block counts against the DEK's budget")
        .isGreaterThanOrEqualTo(1000);
  }

  @Test
  void concurrentDecryptsOnAColdCacheMakeExactlyOneKmsDecryptCall() throws Exception {
    String agent = activeTenant("client-cold");
    byte[] ciphertext = client(agent).encrypt("cold".getBytes(StandardCharsets.UTF_8)).ciphertext();
    kl.stopNode();
    kl.startNode(); // a new instance: nothing cached
    // Slow KMS down so that every request below arrives while the first unwrap is still in flight.
    kl.kms.faults().latency(Duration.ofMillis(1500));
    kl.kms.calls().reset();
    KeyLedgerClient client = client(agent);
    int decrypts = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(100);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < decrypts; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return client.decrypt(ciphertext);
                }));
      }
      go.countDown();
      for (Future<byte[]> result : results) {
        assertThat(new String(result.get(), StandardCharsets.UTF_8)).isEqualTo("cold");
      }
    } finally {
      pool.shutdownNow();
      kl.kms.faults().clear();
    }
    assertThat(kl.kms.calls().count("kms", "Decrypt")).isEqualTo(1);
  }
}
