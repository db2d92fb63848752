package dev.keyledger.client;

import static dev.keyledger.client.FakeDataKeyServer.DATA_KEYS;
import static dev.keyledger.client.FakeDataKeyServer.DECRYPT;
import static dev.keyledger.client.FakeDataKeyServer.TENANT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.client.FakeEdge.Reply;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DataEnvelope;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Leased data keys against a fake edge that leases real keys and decrypts with {@link DataAead},
 * with a clock the test moves. Default lease: 300 s, so the renewal margin is the last 60 s.
 */
class LeasedDataKeysTest {

  private static final Map<String, String> CONTEXT = Map.of("table", "patients", "column", "ssn");
  private static final byte[] PLAINTEXT = "123-45-6789".getBytes(UTF_8);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T11:55:00Z"));
  private FakeEdge edge;
  private FakeDataKeyServer server;
  private KeyLedgerClient client;
  private LeasedDataKeys keys;

  @BeforeEach
  void start() throws IOException {
    edge = FakeEdge.start();
    server = new FakeDataKeyServer(edge, clock);
    client =
        KeyLedgerClient.builder()
            .baseUri(edge.baseUri())
            .token(() -> "agent-token")
            .timeout(Duration.ofSeconds(5))
            .maxRetries(0)
            .build();
    keys = client.leasedDataKeys().clock(clock).build();
  }

  @AfterEach
  void stop() {
    keys.close();
    edge.close();
  }

  private static Reply sealed() {
    return Reply.error(
            503,
            "tenant_sealed",
            "BYOK_007",
            "Tenant is sealed: the customer's KMS key is inaccessible",
            "Restore access to the key",
            "req_sealed")
        .withHeader("Retry-After", "30");
  }

  private static Reply internalError() {
    return Reply.error(500, "internal_error", null, "boom", null, "req_500");
  }

  @Test
  void encryptsAndDecryptsLocallyWithOneLease() {
    byte[] first = keys.encrypt(PLAINTEXT, CONTEXT);
    byte[] second = keys.encrypt(PLAINTEXT, CONTEXT);

    assertThat(keys.decrypt(first, CONTEXT)).isEqualTo(PLAINTEXT);
    assertThat(keys.decrypt(second, CONTEXT)).isEqualTo(PLAINTEXT);
    assertThat(keys.decrypt(keys.encrypt(new byte[0]))).isEmpty();
    assertThat(first).isNotEqualTo(second); // fresh nonce per encryption
    assertThat(server.leases()).isEqualTo(1);
    assertThat(edge.count(DECRYPT)).isZero();
    assertThat(edge.count("/api/v1/byok/encrypt")).isZero();
    FakeEdge.Received lease = edge.requests().get(0);
    assertThat(lease.method()).isEqualTo("POST");
    assertThat(lease.header("Authorization")).isEqualTo("Bearer agent-token");
    assertThat(lease.json().get("encryptions").asInt()).isEqualTo(1 << 20);
  }

  @Test
  void aLocalCiphertextIsTheServersFormatBothWays() throws GeneralSecurityException {
    byte[] local = keys.encrypt(PLAINTEXT, CONTEXT);

    // The server opens it with DataAead over the same DEK, tenant and context.
    DekRef dek = DataEnvelope.peekDek(local);
    assertThat(dek).isEqualTo(server.current());
    DataAead asTheServer = DataAead.create(SecretBytes.copyOf(server.rawKey(dek)), dek);
    assertThat(asTheServer.decrypt(TENANT, local, CONTEXT)).isEqualTo(PLAINTEXT);
    assertThatThrownBy(() -> asTheServer.decrypt("globex", local, CONTEXT))
        .isInstanceOf(GeneralSecurityException.class);

    // And what the server encrypted opens locally, without a call.
    byte[] fromServer = server.serverEncrypt(PLAINTEXT, CONTEXT);
    assertThat(keys.decrypt(fromServer, CONTEXT)).isEqualTo(PLAINTEXT);
    assertThat(edge.count(DECRYPT)).isZero();
  }

  @Test
  void aWrongContextOrATamperedByteFailsLocallyAsInvalidCiphertext() {
    byte[] ciphertext = keys.encrypt(PLAINTEXT, CONTEXT);
    byte[] tampered = ciphertext.clone();
    tampered[tampered.length - 1] ^= 1;

    assertThatThrownBy(() -> keys.decrypt(ciphertext, Map.of("table", "other")))
        .isInstanceOf(InvalidCiphertextException.class)
        .hasMessageNotContaining("123-45");
    assertThatThrownBy(() -> keys.decrypt(tampered, CONTEXT))
        .isInstanceOf(InvalidCiphertextException.class);
    assertThat(edge.count(DECRYPT)).isZero();
  }

  @Test
  void takesANewLeaseWhenTheBlockIsUsedUp() throws GeneralSecurityException {
    keys.close();
    keys = client.leasedDataKeys().clock(clock).encryptionsPerLease(3).build();
    server.rotateEveryLease();

    List<byte[]> ciphertexts = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ciphertexts.add(keys.encrypt(PLAINTEXT, CONTEXT));
    }

    assertThat(server.leases()).isEqualTo(3);
    assertThat(edge.requests().get(0).json().get("encryptions").asInt()).isEqualTo(3);
    Map<DekRef, Integer> perDek = new ConcurrentHashMap<>();
    for (byte[] ciphertext : ciphertexts) {
      perDek.merge(DataEnvelope.peekDek(ciphertext), 1, Integer::sum);
      assertThat(server.serverDecrypt(ciphertext, CONTEXT)).isEqualTo(PLAINTEXT);
    }
    assertThat(perDek.values()).containsExactlyInAnyOrder(3, 3, 1);
    // The replaced leases still decrypt locally until they expire.
    ciphertexts.forEach(c -> assertThat(keys.decrypt(c, CONTEXT)).isEqualTo(PLAINTEXT));
    assertThat(edge.count(DECRYPT)).isZero();
  }

  @Test
  void aSmallerGrantThanAskedIsTheBlock() {
    server.grant(2);

    for (int i = 0; i < 5; i++) {
      keys.encrypt(PLAINTEXT);
    }

    assertThat(server.leases()).isEqualTo(3);
  }

  @Test
  void renewsInTheMarginBeforeExpiry() {
    keys.encrypt(PLAINTEXT);
    server.rotateEveryLease();

    clock.advance(Duration.ofSeconds(239)); // margin = max(20 % of 300 s, 30 s) = the last 60 s
    byte[] old = keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    byte[] renewed = keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(2);
    assertThat(dek(renewed)).isNotEqualTo(dek(old));

    // The old lease decrypts locally until it expires (t = 300 s), then the server does.
    assertThat(keys.decrypt(old)).isEqualTo(PLAINTEXT);
    assertThat(edge.count(DECRYPT)).isZero();
    clock.advance(Duration.ofSeconds(59)); // t = 300 s
    assertThat(keys.decrypt(old)).isEqualTo(PLAINTEXT);
    assertThat(edge.count(DECRYPT)).isEqualTo(1);
    assertThat(keys.heldLeases()).hasSize(1);
  }

  @Test
  void aShortLeaseRenewsAtHalfItsLifetime() {
    server.ttlSeconds(40); // 20 % is 8 s, 30 s is more than half of 40 s: renew at 20 s

    keys.encrypt(PLAINTEXT);
    clock.advance(Duration.ofSeconds(19));
    keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(2);
  }

  @Test
  void aRenewalThatEndsNoLaterIsNotRenewedAgainBeforeItExpires() {
    server.boundedByCache(100); // the server's cached key, and so every lease, ends at t = 100 s

    keys.encrypt(PLAINTEXT);
    clock.advance(Duration.ofSeconds(71)); // margin: max(20 s, 30 s) -> renew from t = 70 s
    keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(2); // the renewal still ends at t = 100 s
    for (int i = 0; i < 9; i++) {
      clock.advance(Duration.ofSeconds(3)); // up to t = 98 s
      keys.encrypt(PLAINTEXT);
    }
    assertThat(server.leases()).as("no cascade of ever shorter leases").isEqualTo(2);

    clock.advance(Duration.ofSeconds(2)); // t = 100 s: expired
    keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(3); // a new cache period: a full lease again
    clock.advance(Duration.ofSeconds(69));
    keys.encrypt(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(3);
  }

  @Test
  void expiryIsTheEarlierOfExpiresAtAndTtlFromTheRequest() {
    server.expiresAtAheadBy(3600); // expires_at says 1 h more, ttl_seconds says 300 s

    keys.encrypt(PLAINTEXT);
    server.failAlways(internalError());
    clock.advance(Duration.ofSeconds(299));
    keys.encrypt(PLAINTEXT); // still valid, in the margin: renewal fails, old lease used
    clock.advance(Duration.ofSeconds(1));

    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .extracting(e -> ((KeyLedgerException) e).type())
        .isEqualTo("internal_error");
  }

  @Test
  void aSealedRefusalDestroysEveryKeyAndTheNextEncryptDoesNotUseThem() {
    keys.encrypt(PLAINTEXT);
    List<DataKeyLease> held = keys.heldLeases();
    byte[] before = keys.encrypt(PLAINTEXT);
    server.failAlways(sealed());

    clock.advance(Duration.ofSeconds(241)); // into the margin: the lease is still valid
    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT)).isInstanceOf(TenantSealedException.class);

    assertThat(held).isNotEmpty().allMatch(DataKeyLease::isDestroyed);
    assertThat(keys.heldLeases()).isEmpty();
    int leaseCalls = server.leases();
    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT)).isInstanceOf(TenantSealedException.class);
    assertThat(edge.count(DATA_KEYS)).isEqualTo(3); // asked the server again, no local encryption
    assertThat(server.leases()).isEqualTo(leaseCalls);
    // Decryption now goes to the server, which decides (here: it still can).
    assertThat(keys.decrypt(before)).isEqualTo(PLAINTEXT);
    assertThat(edge.count(DECRYPT)).isEqualTo(1);

    server.failAlways(null); // unsealed
    assertThat(keys.decrypt(keys.encrypt(PLAINTEXT))).isEqualTo(PLAINTEXT);
    assertThat(server.leases()).isEqualTo(leaseCalls + 1);
  }

  @ParameterizedTest
  @CsvSource({
    "401, token_expired",
    "403, forbidden",
    "404, no_byok_key",
  })
  void aRefusalForTheTokenOrTheKeyAlsoDestroysEveryKey(int status, String type) {
    keys.encrypt(PLAINTEXT);
    List<DataKeyLease> held = keys.heldLeases();
    server.failAlways(Reply.error(status, type, null, "refused", null, "req_refused"));

    clock.advance(Duration.ofSeconds(241));
    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .satisfies(e -> assertThat(((KeyLedgerException) e).status()).isEqualTo(status));

    assertThat(held).allMatch(DataKeyLease::isDestroyed);
    assertThat(keys.heldLeases()).isEmpty();
  }

  @Test
  void aTransientFailureKeepsAValidLeaseUntilItExpires() {
    byte[] first = keys.encrypt(PLAINTEXT);
    List<DataKeyLease> held = keys.heldLeases();
    server.failAlways(internalError());

    clock.advance(Duration.ofSeconds(241)); // in the margin
    byte[] second = keys.encrypt(PLAINTEXT); // renewal fails: encrypts with the valid lease
    byte[] third = keys.encrypt(PLAINTEXT); // within the retry interval: no new call
    assertThat(edge.count(DATA_KEYS)).isEqualTo(2);
    assertThat(dek(second)).isEqualTo(dek(first)).isEqualTo(dek(third));

    clock.advance(Duration.ofSeconds(2));
    keys.encrypt(PLAINTEXT); // tries again, fails again, still valid
    assertThat(edge.count(DATA_KEYS)).isEqualTo(3);

    clock.advance(Duration.ofSeconds(57)); // t = 300 s: expired by the client's clock
    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .extracting(e -> ((KeyLedgerException) e).type())
        .isEqualTo("internal_error");
    assertThat(held).allMatch(DataKeyLease::isDestroyed);

    server.failAlways(null);
    assertThat(keys.decrypt(keys.encrypt(PLAINTEXT))).isEqualTo(PLAINTEXT);
  }

  @Test
  void anUnreachableServerKeepsAValidLeaseToo() {
    byte[] first = keys.encrypt(PLAINTEXT);
    edge.close();

    clock.advance(Duration.ofSeconds(250));
    byte[] second = keys.encrypt(PLAINTEXT);

    assertThat(dek(second)).isEqualTo(dek(first));
    assertThat(keys.decrypt(second)).isEqualTo(PLAINTEXT);
    clock.advance(Duration.ofSeconds(50));
    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .extracting(e -> ((KeyLedgerException) e).type())
        .isEqualTo("unreachable");
  }

  @Test
  void aUsedUpBlockWithATransientFailureThrows() {
    keys.close();
    keys = client.leasedDataKeys().clock(clock).encryptionsPerLease(2).build();
    keys.encrypt(PLAINTEXT);
    keys.encrypt(PLAINTEXT);
    server.failNext(internalError());

    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .extracting(e -> ((KeyLedgerException) e).type())
        .isEqualTo("internal_error");
    keys.encrypt(PLAINTEXT); // the server is back
    assertThat(server.leases()).isEqualTo(2);
  }

  @Test
  void aCiphertextOfAnotherDekOrFormatGoesToTheServer() throws GeneralSecurityException {
    keys.encrypt(PLAINTEXT); // holds the lease of DEK v1
    byte[] olderDek = server.serverEncrypt(PLAINTEXT, CONTEXT);
    server.rotate();
    byte[] newerDek = server.serverEncrypt(PLAINTEXT, CONTEXT);

    assertThat(keys.decrypt(olderDek, CONTEXT)).isEqualTo(PLAINTEXT);
    assertThat(edge.count(DECRYPT)).isZero();
    assertThat(keys.decrypt(newerDek, CONTEXT)).isEqualTo(PLAINTEXT);
    assertThat(edge.count(DECRYPT)).isEqualTo(1);
    assertThat(edge.requests().get(edge.requests().size() - 1).json().get("context")).hasSize(2);

    // Not an envelope this client can parse: the server answers, here invalid_ciphertext.
    assertThatThrownBy(() -> keys.decrypt(new byte[] {1, 2, 3}))
        .isInstanceOf(InvalidCiphertextException.class)
        .satisfies(e -> assertThat(((KeyLedgerException) e).status()).isEqualTo(400));
    assertThat(edge.count(DECRYPT)).isEqualTo(2);
  }

  @Test
  void concurrentEncryptionsNeverExceedTheBlock() throws Exception {
    keys.close();
    int block = 50;
    int threads = 8;
    int perThread = 500;
    keys = client.leasedDataKeys().clock(clock).encryptionsPerLease(block).build();
    server.rotateEveryLease(); // one DEK per lease, so every ciphertext says which lease made it
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Callable<List<byte[]>>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        work.add(
            () -> {
              go.await();
              List<byte[]> out = new ArrayList<>(perThread);
              for (int i = 0; i < perThread; i++) {
                out.add(keys.encrypt(PLAINTEXT, CONTEXT));
              }
              return out;
            });
      }
      List<Future<List<byte[]>>> futures = new ArrayList<>();
      work.forEach(w -> futures.add(pool.submit(w)));
      go.countDown();
      Map<DekRef, AtomicInteger> perLease = new ConcurrentHashMap<>();
      int total = 0;
      for (Future<List<byte[]>> future : futures) {
        for (byte[] ciphertext : future.get()) {
          perLease
              .computeIfAbsent(DataEnvelope.peekDek(ciphertext), d -> new AtomicInteger())
              .incrementAndGet();
          assertThat(server.serverDecrypt(ciphertext, CONTEXT)).isEqualTo(PLAINTEXT);
          total++;
        }
      }
      assertThat(total).isEqualTo(threads * perThread);
      assertThat(perLease.values()).allMatch(count -> count.get() <= block);
      assertThat(server.leases()).isEqualTo(threads * perThread / block);
      assertThat(perLease).hasSize(server.leases());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeDestroysEveryKeyAndRefusesFurtherUse() {
    keys.close();
    keys = client.leasedDataKeys().clock(clock).encryptionsPerLease(1).build();
    server.rotateEveryLease();
    byte[] ciphertext = keys.encrypt(PLAINTEXT);
    keys.encrypt(PLAINTEXT);
    List<DataKeyLease> held = keys.heldLeases();
    assertThat(held).hasSize(2);

    keys.close();
    keys.close();

    assertThat(held).allMatch(DataKeyLease::isDestroyed);
    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> keys.decrypt(ciphertext)).isInstanceOf(IllegalStateException.class);
    assertThat(keys.toString()).contains("closed");
  }

  @Test
  void keysAppearInNoStringOrMessage() {
    byte[] ciphertext = keys.encrypt(PLAINTEXT);
    byte[] raw = server.rawKey(server.current());
    String hex = HexFormat.of().formatHex(raw);
    String base64 = Base64.getEncoder().encodeToString(raw);

    String described = keys + " " + keys.heldLeases();
    assertThat(described).doesNotContain(hex, base64).contains(server.current().id());
    assertThatThrownBy(() -> keys.decrypt(ciphertext, Map.of("x", "y")))
        .hasMessageNotContaining(hex)
        .hasMessageNotContaining(base64);
  }

  @Test
  void aLeaseWithABadKeyIsRefusedAndNothingIsHeld() {
    edge.reply(
        DATA_KEYS,
        Reply.ok(
            Map.of(
                "tenant_id",
                TENANT,
                "dek_id",
                "dek_1",
                "key_version",
                1,
                "key",
                Base64.getEncoder().encodeToString(new byte[16]),
                "expires_at",
                clock.instant().plusSeconds(300).toString(),
                "ttl_seconds",
                300,
                "encryptions",
                10)));

    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .extracting(e -> ((KeyLedgerException) e).type())
        .isEqualTo("invalid_response");
    assertThat(keys.heldLeases()).isEmpty();
  }

  @Test
  void aLeaseThatExpiredOnArrivalIsRefused() {
    edge.reply(
        DATA_KEYS,
        Reply.ok(
            Map.of(
                "tenant_id",
                TENANT,
                "dek_id",
                "dek_1",
                "key_version",
                1,
                "key",
                Base64.getEncoder().encodeToString(randomKey()),
                "expires_at",
                clock.instant().minusSeconds(1).toString(),
                "ttl_seconds",
                300,
                "encryptions",
                10)));

    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .hasMessageContaining("expired on arrival");
    assertThat(keys.heldLeases()).isEmpty();
  }

  @Test
  void aLeaseWithLessThanASecondLeftIsRefusedAsExpiredOnArrival() {
    edge.reply(
        DATA_KEYS,
        Reply.ok(
            Map.of(
                "tenant_id",
                TENANT,
                "dek_id",
                "dek_1",
                "key_version",
                1,
                "key",
                Base64.getEncoder().encodeToString(randomKey()),
                "expires_at",
                clock.instant().plusMillis(500).toString(),
                "ttl_seconds",
                0, // the server rounds down
                "encryptions",
                10)));

    assertThatThrownBy(() -> keys.encrypt(PLAINTEXT))
        .isInstanceOf(KeyLedgerException.class)
        .hasMessageContaining("expired on arrival");
    assertThat(keys.heldLeases()).isEmpty();
  }

  @Test
  void theBuilderRejectsNonsense() {
    LeasedDataKeys.Builder builder = client.leasedDataKeys();
    assertThatThrownBy(() -> builder.encryptionsPerLease(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.encryptionsPerLease((1 << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.renewalMargin(0.6, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.renewalMargin(0.2, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.encrypt(new byte[KeyLedgerClient.MAX_PLAINTEXT_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(edge.count(DATA_KEYS)).isZero();
  }

  private static DekRef dek(byte[] ciphertext) {
    try {
      return DataEnvelope.peekDek(ciphertext);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
