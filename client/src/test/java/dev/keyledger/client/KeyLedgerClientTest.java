package dev.keyledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyledger.client.FakeEdge.Reply;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The happy paths and the request bodies, against a fake edge that speaks the HTTP contract. */
class KeyLedgerClientTest {

  private static final String ENCRYPT = "/api/v1/byok/encrypt";
  private static final String DECRYPT = "/api/v1/byok/decrypt";
  private static final String SESSION = "/agent/v1/session";

  private FakeEdge edge;
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private KeyLedgerClient client;

  @BeforeEach
  void start() throws IOException {
    edge = FakeEdge.start();
    client =
        KeyLedgerClient.builder()
            .baseUri(edge.baseUri())
            .token(() -> "token-" + tokensIssued.incrementAndGet())
            .build();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  /** A toy cipher (byte reversal) so the fake can answer decrypt from what encrypt returned. */
  private void edgeReversesBytes() {
    edge.answer(
            ENCRYPT,
            request ->
                Reply.ok(
                    Map.of(
                        "ciphertext",
                        b64(reversed(unb64(request.json().get("plaintext").asText()))),
                        "key_version",
                        3,
                        "dek_id",
                        "dek_42",
                        "tmk_version",
                        2)))
        .answer(
            DECRYPT,
            request ->
                Reply.ok(
                    Map.of(
                        "plaintext",
                        b64(reversed(unb64(request.json().get("ciphertext").asText()))),
                        "key_version",
                        3,
                        "dek_id",
                        "dek_42")));
  }

  @Test
  void encryptThenDecryptRoundTripsTheBytesThroughBase64() {
    edgeReversesBytes();
    byte[] plaintext = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 'h', 'i'};

    EncryptResult result = client.encrypt(plaintext);
    byte[] decrypted = client.decrypt(result.ciphertext());

    assertThat(result.ciphertext()).isEqualTo(reversed(plaintext));
    assertThat(result.keyVersion()).isEqualTo(3);
    assertThat(result.dekId()).isEqualTo("dek_42");
    assertThat(result.tmkVersion()).isEqualTo(2);
    assertThat(decrypted).isEqualTo(plaintext);
  }

  @Test
  void encryptSendsBase64PlaintextAndContextAsJsonWithABearerToken() {
    edgeReversesBytes();

    client.encrypt(
        "hello".getBytes(StandardCharsets.UTF_8), Map.of("table", "users", "column", "ssn"));

    FakeEdge.Received request = edge.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(ENCRYPT);
    assertThat(request.header("Authorization")).isEqualTo("Bearer token-1");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.json().get("plaintext").asText())
        .isEqualTo(b64("hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(request.json().get("context").get("table").asText()).isEqualTo("users");
    assertThat(request.json().get("context").get("column").asText()).isEqualTo("ssn");
  }

  @Test
  void decryptSendsCiphertextAndContext() {
    edgeReversesBytes();

    client.decrypt(new byte[] {9, 8, 7}, Map.of("row", "17"));

    FakeEdge.Received request = edge.requests().get(0);
    assertThat(request.path()).isEqualTo(DECRYPT);
    assertThat(request.json().get("ciphertext").asText()).isEqualTo(b64(new byte[] {9, 8, 7}));
    assertThat(request.json().get("context").get("row").asText()).isEqualTo("17");
  }

  @Test
  void withoutAContextTheFieldIsLeftOut() {
    edgeReversesBytes();

    client.encrypt(new byte[] {1});

    assertThat(edge.requests().get(0).json().has("context")).isFalse();
  }

  @Test
  void theTokenSupplierIsAskedOnEveryRequest() {
    edgeReversesBytes();

    client.decrypt(client.encrypt(new byte[] {1}).ciphertext());

    assertThat(edge.requests())
        .extracting(request -> request.header("Authorization"))
        .containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void openSessionPostsAnEmptyObjectAndReadsTheSession() {
    edge.reply(
        SESSION,
        Reply.ok(
            Map.of(
                "session_token",
                "eyJ.session.jwt",
                "ttl_seconds",
                300,
                "expires_at",
                "2030-01-02T03:04:05Z")));

    AgentSession session = client.openSession();

    assertThat(session.token()).isEqualTo("eyJ.session.jwt");
    assertThat(session.ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(session.expiresAt()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
    assertThat(edge.requests().get(0).json().isEmpty()).isTrue();
  }

  @Test
  void unknownResponseFieldsAreIgnored() {
    edge.reply(
        DECRYPT,
        Reply.json(
            200, "{\"plaintext\":\"AQI=\",\"key_version\":1,\"dek_id\":\"d\",\"new_field\":true}"));

    assertThat(client.decrypt(new byte[] {1})).containsExactly(1, 2);
  }

  @Test
  void aBaseUriWithAPathPrefixAndTrailingSlashIsHonoured() {
    edge.reply("/keyledger/api/v1/byok/decrypt", Reply.json(200, "{\"plaintext\":\"AQI=\"}"));
    KeyLedgerClient prefixed =
        KeyLedgerClient.builder()
            .baseUri(URI.create(edge.baseUri() + "/keyledger/"))
            .token(() -> "t")
            .build();

    assertThat(prefixed.decrypt(new byte[] {1})).containsExactly(1, 2);
  }

  @Test
  void oneClientServesManyThreadsAtOnce() throws Exception {
    edgeReversesBytes();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] plaintext = ("message " + i).getBytes(StandardCharsets.UTF_8);
        calls.add(
            () -> Arrays.equals(client.decrypt(client.encrypt(plaintext).ciphertext()), plaintext));
      }
      for (Future<Boolean> roundTrip : threads.invokeAll(calls)) {
        assertThat(roundTrip.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(edge.requests()).hasSize(128);
  }

  @Test
  void plaintextUpToFourMebibytesIsSent() {
    edgeReversesBytes();

    EncryptResult result = client.encrypt(new byte[KeyLedgerClient.MAX_PLAINTEXT_BYTES]);

    assertThat(result.ciphertext()).hasSize(4 * 1024 * 1024);
  }

  @Test
  void plaintextOverFourMebibytesIsRefusedBeforeAnyRequest() {
    assertThatThrownBy(() -> client.encrypt(new byte[KeyLedgerClient.MAX_PLAINTEXT_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4194305 bytes")
        .hasMessageContaining("4 MiB");
    assertThat(edge.requests()).isEmpty();
  }

  @Test
  void nullInputsAreRefused() {
    assertThatThrownBy(() -> client.encrypt(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("plaintext");
    assertThatThrownBy(() -> client.decrypt(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ciphertext");
    assertThatThrownBy(() -> client.encrypt(new byte[1], null))
        .isInstanceOf(NullPointerException.class);
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("k", null);
    assertThatThrownBy(() -> client.encrypt(new byte[1], nullValue))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(edge.requests()).isEmpty();
  }

  @Test
  void aContextOfMoreThan32EntriesIsRefused() {
    edgeReversesBytes();
    Map<String, String> context = new HashMap<>();
    for (int i = 0; i < 32; i++) {
      context.put("k" + i, "v");
    }
    client.encrypt(new byte[1], context);
    context.put("k32", "v");

    assertThatThrownBy(() -> client.encrypt(new byte[1], context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("33 entries");
    assertThatThrownBy(() -> client.decrypt(new byte[1], context))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(edge.requests()).hasSize(1);
  }

  @Test
  void theBuilderRejectsIncompleteOrNonsensicalSettings() {
    assertThatThrownBy(() -> KeyLedgerClient.builder().token(() -> "t").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> KeyLedgerClient.builder().baseUri(URI.create("ftp://host")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyLedgerClient.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyLedgerClient.builder().maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBlankTokenFromTheSupplierIsRefusedWithoutARequest() {
    KeyLedgerClient noToken =
        KeyLedgerClient.builder().baseUri(edge.baseUri()).token(() -> " ").build();

    assertThatThrownBy(() -> noToken.encrypt(new byte[1]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("token supplier");
    assertThat(edge.requests()).isEmpty();
  }

  static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] unb64(String text) {
    return Base64.getDecoder().decode(text);
  }

  private static byte[] reversed(byte[] bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[bytes.length - 1 - i];
    }
    return out;
  }
}
