package dev.keyledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyledger.client.FakeEdge.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plaintext, ciphertext and tokens never show up in toString, messages or stack traces. */
class SecretsTest {

  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.SECRET-TOKEN.sig";
  private static final byte[] PLAINTEXT =
      "card 4111-1111-1111-1111".getBytes(StandardCharsets.UTF_8);

  private FakeEdge edge;
  private KeyLedgerClient client;

  @BeforeEach
  void start() throws IOException {
    edge = FakeEdge.start();
    client =
        KeyLedgerClient.builder().baseUri(edge.baseUri()).token(() -> TOKEN).maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  @Test
  void encryptResultShowsNoBytes() {
    EncryptResult result = new EncryptResult(PLAINTEXT, 1, "dek_1", 2);

    assertThat(result.toString())
        .doesNotContain("4111", KeyLedgerClientTest.b64(PLAINTEXT))
        .contains("24 bytes", "dek_1");
  }

  @Test
  void encryptResultCopiesItsBytesAndComparesByContent() {
    byte[] bytes = {1, 2, 3};
    EncryptResult result = new EncryptResult(bytes, 1, "dek_1", 2);
    bytes[0] = 9;
    result.ciphertext()[1] = 9;

    assertThat(result.ciphertext()).containsExactly(1, 2, 3);
    assertThat(result)
        .isEqualTo(new EncryptResult(new byte[] {1, 2, 3}, 1, "dek_1", 2))
        .hasSameHashCodeAs(new EncryptResult(new byte[] {1, 2, 3}, 1, "dek_1", 2));
  }

  @Test
  void agentSessionRedactsItsToken() {
    AgentSession session =
        new AgentSession(TOKEN, Duration.ofMinutes(5), Instant.parse("2030-01-01T00:00:00Z"));

    assertThat(session.toString()).doesNotContain("SECRET").contains("<redacted>", "PT5M");
  }

  @Test
  void errorsNeverCarryTheTokenOrTheData() {
    edge.reply(
        "/api/v1/byok/encrypt",
        Reply.error(401, "invalid_token", null, "Token signature is invalid", null, "req_1"));

    Throwable e = catchThrowable(() -> client.encrypt(PLAINTEXT));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(messagesOf(e)).doesNotContain("SECRET", "4111", KeyLedgerClientTest.b64(PLAINTEXT));
  }

  @Test
  void aGarbledSuccessBodyIsNotEchoed() {
    edge.reply("/api/v1/byok/decrypt", Reply.json(200, "{\"plaintext\": 4111-1111 leaked"));

    Throwable e = catchThrowable(() -> client.decrypt(PLAINTEXT));

    assertThat(e).isInstanceOf(KeyLedgerException.class);
    assertThat(messagesOf(e)).doesNotContain("4111", "leaked");
  }

  @Test
  void unreachableNamesTheEndpointButNotTheToken() {
    edge.hang("/api/v1/byok/encrypt");
    KeyLedgerClient impatient =
        KeyLedgerClient.builder()
            .baseUri(edge.baseUri())
            .token(() -> TOKEN)
            .timeout(Duration.ofMillis(100))
            .build();

    Throwable e = catchThrowable(() -> impatient.encrypt(PLAINTEXT));

    assertThat(e.getMessage()).contains("/api/v1/byok/encrypt");
    assertThat(messagesOf(e)).doesNotContain("SECRET", "4111");
  }

  @Test
  void tooLargePlaintextIsDescribedBySizeOnly() {
    byte[] huge = new byte[KeyLedgerClient.MAX_PLAINTEXT_BYTES + 1];
    System.arraycopy(PLAINTEXT, 0, huge, 0, PLAINTEXT.length);

    Throwable e = catchThrowable(() -> client.encrypt(huge));

    assertThat(e.getMessage()).doesNotContain("4111");
  }

  @Test
  void aLeasedKeyIsRedactedAndZeroedWhenItsBodyIsRefused() {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) 0x5A);
    Wire.DataKeyResponse lease =
        new Wire.DataKeyResponse(
            "acme", "dek_1", 1, key.clone(), "2030-01-01T00:00:00Z", 300L, 10L);
    assertThat(lease.toString())
        .contains("<redacted>", "dek_1")
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(key), "[B@");

    byte[] refused = key.clone();
    assertThat(
            catchThrowable(
                () ->
                    new Wire.DataKeyResponse("acme", "dek_1", 1, refused, "not a time", 300L, 10L)))
        .isNotNull();
    assertThat(refused).containsOnly(0);
  }

  @Test
  void aLeaseRefusalCarriesNoKeyOrToken() {
    edge.reply(
        "/api/v1/byok/data-keys",
        Reply.error(503, "tenant_sealed", null, "Tenant is sealed", null, "req_2"));
    LeasedDataKeys keys = client.leasedDataKeys().build();

    Throwable e = catchThrowable(() -> keys.encrypt(PLAINTEXT));

    assertThat(e).isInstanceOf(TenantSealedException.class);
    assertThat(messagesOf(e)).doesNotContain("SECRET", "4111");
    keys.close();
  }

  /** Every message in the cause chain, as a log line with the exception would show them. */
  private static String messagesOf(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }
}
