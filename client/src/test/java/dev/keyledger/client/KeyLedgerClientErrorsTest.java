package dev.keyledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyledger.client.FakeEdge.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error body of the contract arrives as its own exception, with all of its fields. */
class KeyLedgerClientErrorsTest {

  private static final String DECRYPT = "/api/v1/byok/decrypt";
  private static final String SESSION = "/agent/v1/session";

  private FakeEdge edge;
  private KeyLedgerClient client;

  @BeforeEach
  void start() throws IOException {
    edge = FakeEdge.start();
    client =
        KeyLedgerClient.builder()
            .baseUri(edge.baseUri())
            .token(() -> "t")
            .initialBackoff(Duration.ZERO)
            .build();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(503, "tenant_sealed", "BYOK_007", TenantSealedException.class),
        Arguments.of(400, "invalid_ciphertext", null, InvalidCiphertextException.class),
        Arguments.of(400, "incorrect_key", "BYOK_008", IncorrectKeyException.class),
        Arguments.of(410, "key_destroyed", null, KeyDestroyedException.class),
        Arguments.of(401, "missing_token", null, AuthenticationException.class),
        Arguments.of(401, "invalid_token", null, AuthenticationException.class),
        Arguments.of(401, "token_expired", null, AuthenticationException.class),
        Arguments.of(403, "forbidden", null, AuthenticationException.class),
        Arguments.of(400, "invalid_request", null, KeyLedgerException.class),
        Arguments.of(500, "internal_error", null, KeyLedgerException.class));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("errors")
  void eachErrorTypeArrivesAsItsExceptionWithEveryField(
      int status, String type, String code, Class<? extends KeyLedgerException> expected) {
    edge.reply(
        DECRYPT, Reply.error(status, type, code, "what went wrong", "how to fix it", "req_abc"));

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.decrypt(new byte[] {1}));

    assertThat(e).isExactlyInstanceOf(expected);
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.type()).isEqualTo(type);
    assertThat(e.code()).isEqualTo(Optional.ofNullable(code));
    assertThat(e.detail()).isEqualTo("what went wrong");
    assertThat(e.hint()).contains("how to fix it");
    assertThat(e.requestId()).contains("req_abc");
    assertThat(e.retryAfter()).isEmpty();
    assertThat(e.getMessage())
        .contains(type, String.valueOf(status), "req_abc", "what went wrong", "how to fix it");
    assertThat(edge.count(DECRYPT)).as("not retried").isEqualTo(1);
  }

  @Test
  void incorrectKeyAndKeyDestroyedKeepTheServersWordsAboutTheKey() {
    edge.reply(
        DECRYPT,
        Reply.error(
            400,
            "incorrect_key",
            null,
            "The ciphertext needs DEK dek_9 version 4, which this tenant does not have",
            null,
            "req_1"),
        Reply.error(
            410,
            "key_destroyed",
            null,
            "TMK version 2 was cryptographically erased",
            null,
            "req_2"));

    IncorrectKeyException incorrect =
        catchThrowableOfType(IncorrectKeyException.class, () -> client.decrypt(new byte[] {1}));
    KeyDestroyedException destroyed =
        catchThrowableOfType(KeyDestroyedException.class, () -> client.decrypt(new byte[] {1}));

    assertThat(incorrect.detail()).contains("dek_9", "version 4");
    assertThat(destroyed.detail()).contains("TMK version 2");
    assertThat(destroyed.status()).isEqualTo(410);
  }

  @Test
  void aSealedTenantIsNotRetriedEvenWithRetryAfter() {
    edge.reply(
        DECRYPT,
        Reply.error(503, "tenant_sealed", null, "Tenant is sealed: CMK inaccessible", null, "req_s")
            .withHeader("Retry-After", "0"));

    TenantSealedException e =
        catchThrowableOfType(TenantSealedException.class, () -> client.decrypt(new byte[] {1}));

    assertThat(edge.count(DECRYPT)).isEqualTo(1);
    assertThat(e.retryAfter()).contains(Duration.ZERO);
  }

  @Test
  void aSealedTenantRefusesAgentSessions() {
    edge.reply(SESSION, Reply.error(503, "tenant_sealed", null, "Tenant is sealed", null, "req_s"));

    catchThrowableOfType(TenantSealedException.class, () -> client.openSession());

    assertThat(edge.count(SESSION)).isEqualTo(1);
  }

  @Test
  void anHtmlPageFromAProxyIsAGenericErrorNamedByItsStatus() {
    edge.reply(
        DECRYPT,
        new Reply(
            502,
            Map.of("Content-Type", "text/html", "X-Request-Id", "req_hdr"),
            "<html><body><h1>502 Bad Gateway</h1></body></html>"));

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.decrypt(new byte[] {1}));

    assertThat(e).isExactlyInstanceOf(KeyLedgerException.class);
    assertThat(e.type()).isEqualTo("http_502");
    assertThat(e.status()).isEqualTo(502);
    assertThat(e.code()).isEmpty();
    assertThat(e.requestId()).contains("req_hdr");
    assertThat(e.getMessage()).doesNotContain("<html>");
    assertThat(edge.count(DECRYPT)).isEqualTo(1);
  }

  @Test
  void anErrorBodyWithoutARequestIdFallsBackToTheHeader() {
    edge.reply(
        DECRYPT,
        Reply.error(400, "invalid_ciphertext", null, "bad", null, null)
            .withHeader("X-Request-Id", "req_hdr"));

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.decrypt(new byte[] {1}));

    assertThat(e.requestId()).contains("req_hdr");
  }

  @Test
  void aSuccessBodyMissingAFieldIsAnInvalidResponse() {
    edge.reply(
        "/api/v1/byok/encrypt", Reply.json(200, "{\"ciphertext\":\"AQI=\",\"key_version\":1}"));

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(e.type()).isEqualTo("invalid_response");
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.getCause()).isNull();
  }

  @Test
  void aSessionWithAnUnreadableExpiryIsAnInvalidResponse() {
    edge.reply(
        SESSION,
        Reply.json(
            200, "{\"session_token\":\"x\",\"ttl_seconds\":300,\"expires_at\":\"tomorrow\"}"));

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.openSession());

    assertThat(e.type()).isEqualTo("invalid_response");
  }
}
