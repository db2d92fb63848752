package dev.keyledger.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyledger.client.FakeEdge.Reply;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which failures are retried, how often, and how long the client waits. */
class KeyLedgerClientRetryTest {

  private static final String ENCRYPT = "/api/v1/byok/encrypt";
  private static final Reply ENCRYPTED =
      Reply.ok(Map.of("ciphertext", "AQI=", "key_version", 1, "dek_id", "dek_1", "tmk_version", 1));
  private static final Reply KMS_UNAVAILABLE =
      Reply.error(
          503, "kms_unavailable", "BYOK_006", "KMS ThrottlingException", "Retry later.", "req_k");
  private static final Reply RATE_LIMITED =
      Reply.error(429, "rate_limit_exceeded", null, "Too many requests", null, "req_r");

  private FakeEdge edge;
  private final AtomicInteger tokensIssued = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    edge = FakeEdge.start();
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  private KeyLedgerClient.Builder client() {
    return KeyLedgerClient.builder()
        .baseUri(edge.baseUri())
        .token(() -> "token-" + tokensIssued.incrementAndGet());
  }

  @Test
  void kmsUnavailableWithRetryAfterZeroIsRetriedAtOnceThenSucceeds() {
    edge.reply(ENCRYPT, KMS_UNAVAILABLE.withHeader("Retry-After", "0"), ENCRYPTED);
    // Backoff alone would wait 5 to 10 s: finishing quickly shows Retry-After took precedence.
    KeyLedgerClient client = client().initialBackoff(Duration.ofHours(1)).build();
    long start = System.nanoTime();

    EncryptResult result = client.encrypt(new byte[] {1});

    assertThat(result.dekId()).isEqualTo("dek_1");
    assertThat(edge.count(ENCRYPT)).isEqualTo(2);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertThat(edge.requests())
        .extracting(request -> request.header("Authorization"))
        .as("a fresh token per attempt")
        .containsExactly("Bearer token-1", "Bearer token-2");
  }

  @Test
  void retryAfterIsWaitedFor() {
    edge.reply(ENCRYPT, KMS_UNAVAILABLE.withHeader("Retry-After", "1"), ENCRYPTED);
    KeyLedgerClient client = client().initialBackoff(Duration.ZERO).build();
    long start = System.nanoTime();

    client.encrypt(new byte[] {1});

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(edge.count(ENCRYPT)).isEqualTo(2);
  }

  @Test
  void retryAfterIsCappedAtTheTimeout() {
    edge.reply(ENCRYPT, KMS_UNAVAILABLE.withHeader("Retry-After", "3600"), ENCRYPTED);
    KeyLedgerClient client = client().timeout(Duration.ofMillis(200)).build();
    long start = System.nanoTime();

    client.encrypt(new byte[] {1});

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(edge.count(ENCRYPT)).isEqualTo(2);
  }

  @Test
  void kmsUnavailableUntilRetriesRunOutIsAGenericExceptionWithTheCode() {
    edge.reply(ENCRYPT, KMS_UNAVAILABLE.withHeader("Retry-After", "0"));
    KeyLedgerClient client = client().maxRetries(2).build();

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(e).isExactlyInstanceOf(KeyLedgerException.class);
    assertThat(e.type()).isEqualTo("kms_unavailable");
    assertThat(e.code()).contains("BYOK_006");
    assertThat(e.retryAfter()).contains(Duration.ZERO);
    assertThat(edge.count(ENCRYPT)).isEqualTo(3);
  }

  @Test
  void rateLimitedIsRetriedUpToMaxRetriesThenThrown() {
    edge.reply(ENCRYPT, RATE_LIMITED.withHeader("Retry-After", "0"));
    KeyLedgerClient client = client().maxRetries(3).build();

    RateLimitedException e =
        catchThrowableOfType(RateLimitedException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.type()).isEqualTo("rate_limit_exceeded");
    assertThat(e.retryAfter()).contains(Duration.ZERO);
    assertThat(edge.count(ENCRYPT)).isEqualTo(4);
  }

  @Test
  void withoutRetryAfterTheClientBacksOffAndThenSucceeds() {
    edge.reply(ENCRYPT, RATE_LIMITED, RATE_LIMITED, ENCRYPTED);
    KeyLedgerClient client = client().initialBackoff(Duration.ofMillis(1)).build();

    client.encrypt(new byte[] {1});

    assertThat(edge.count(ENCRYPT)).isEqualTo(3);
  }

  @Test
  void maxRetriesZeroMakesExactlyOneAttempt() {
    edge.reply(ENCRYPT, RATE_LIMITED.withHeader("Retry-After", "0"));
    KeyLedgerClient client = client().maxRetries(0).build();

    catchThrowableOfType(RateLimitedException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(edge.count(ENCRYPT)).isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsUnreachableWithTheCause() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    KeyLedgerClient client =
        KeyLedgerClient.builder()
            .baseUri(URI.create("http://127.0.0.1:" + closedPort))
            .token(() -> "t")
            .initialBackoff(Duration.ofMillis(1))
            .build();

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(e.type()).isEqualTo("unreachable");
    assertThat(e.status()).isZero();
    assertThat(e.requestId()).isEmpty();
    assertThat(e.getCause()).isInstanceOf(ConnectException.class);
  }

  @Test
  void aDroppedConnectionIsRetried() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket hangUp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!hangUp.isClosed()) {
                  try (Socket socket = hangUp.accept()) {
                    connections.incrementAndGet();
                  } catch (IOException closed) {
                    return; // the test closed the server socket
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      KeyLedgerClient client =
          KeyLedgerClient.builder()
              .baseUri(URI.create("http://127.0.0.1:" + hangUp.getLocalPort()))
              .token(() -> "t")
              .initialBackoff(Duration.ofMillis(1))
              .maxRetries(2)
              .build();

      KeyLedgerException e =
          catchThrowableOfType(KeyLedgerException.class, () -> client.encrypt(new byte[] {1}));

      assertThat(e.type()).isEqualTo("unreachable");
      assertThat(e.getCause()).isInstanceOf(IOException.class);
      assertThat(connections.get()).isEqualTo(3);
    }
  }

  @Test
  void aServerThatNeverAnswersIsCutOffByTheTimeoutAndNotRetried() {
    edge.hang(ENCRYPT);
    KeyLedgerClient client = client().timeout(Duration.ofMillis(300)).maxRetries(2).build();
    long start = System.nanoTime();

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(e.type()).isEqualTo("unreachable");
    assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
    assertThat(e.getMessage()).contains("timed out after 300 ms");
    assertThat(edge.count(ENCRYPT)).isEqualTo(1);
  }

  @Test
  void anInterruptedCallerGetsInterruptedWithTheFlagKept() {
    edge.reply(ENCRYPT, ENCRYPTED);
    KeyLedgerClient client = client().build();
    Thread.currentThread().interrupt();

    KeyLedgerException e =
        catchThrowableOfType(KeyLedgerException.class, () -> client.encrypt(new byte[] {1}));

    assertThat(Thread.interrupted()).isTrue();
    assertThat(e.type()).isEqualTo("interrupted");
  }
}
