package dev.keyledger.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A client for the calls a platform service makes to KeyLedger: encrypt and decrypt through the
 * tenant's keys, and open agent sessions. High-volume callers encrypt locally with a leased data
 * key through {@link #leasedDataKeys()}.
 *
 * <p>The tenant is always the {@code org} claim of the bearer token; the client asks its token
 * supplier for a token on every HTTP request (retries included), so a supplier that refreshes
 * tokens is honoured at once. Instances are immutable and thread-safe; share one per base URI.
 *
 * <p>Failures are unchecked {@link KeyLedgerException}s; the subclasses name the ones callers
 * handle differently. Above all, {@link TenantSealedException} means the customer has cut KeyLedger
 * off from their key: fail closed. All calls are idempotent, so the client retries 429, 503 (except
 * {@code tenant_sealed}) and failures to connect, at most {@code maxRetries} times, waiting for
 * {@code Retry-After} when given (capped at the timeout), else for exponential backoff with jitter.
 * The timeout bounds each HTTP attempt; a call can take up to {@code (maxRetries + 1)} timeouts
 * plus the waits between attempts.
 */
public final class KeyLedgerClient {

  /** The server's limit on plaintext per call: 4 MiB. */
  public static final int MAX_PLAINTEXT_BYTES = 4 * 1024 * 1024;

  /** The most entries an encryption context may have. */
  public static final int MAX_CONTEXT_ENTRIES = 32;

  private static final String ENCRYPT = "/api/v1/byok/encrypt";
  private static final String DECRYPT = "/api/v1/byok/decrypt";
  private static final String SESSION = "/agent/v1/session";

  private final Transport transport;

  private KeyLedgerClient(Transport transport) {
    this.transport = transport;
  }

  /**
   * Starts a client configuration; {@link Builder#baseUri(URI)} and {@link Builder#token(Supplier)}
   * are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Encrypts {@code plaintext} under the tenant's current DEK, without an encryption context. */
  public EncryptResult encrypt(byte[] plaintext) {
    return encrypt(plaintext, Map.of());
  }

  /**
   * Encrypts {@code plaintext} under the tenant's current DEK, binding {@code context} into the
   * ciphertext: decrypting needs the same context.
   *
   * @throws IllegalArgumentException if the plaintext exceeds {@link #MAX_PLAINTEXT_BYTES} or the
   *     context has more than {@link #MAX_CONTEXT_ENTRIES} entries
   * @throws TenantSealedException if the tenant's key is inaccessible: fail closed
   * @throws KeyLedgerException for any other failure
   */
  public EncryptResult encrypt(byte[] plaintext, Map<String, String> context) {
    Objects.requireNonNull(plaintext, "plaintext");
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      throw new IllegalArgumentException(
          "plaintext is "
              + plaintext.length
              + " bytes; KeyLedger accepts at most "
              + MAX_PLAINTEXT_BYTES
              + " (4 MiB) per call: split the data or encrypt it with a data key of your own");
    }
    return transport
        .post(
            ENCRYPT,
            new Wire.EncryptRequest(plaintext, checked(context)),
            Wire.EncryptResponse.class)
        .toResult();
  }

  /** Decrypts a ciphertext that was encrypted without an encryption context. */
  public byte[] decrypt(byte[] ciphertext) {
    return decrypt(ciphertext, Map.of());
  }

  /**
   * Decrypts {@code ciphertext} with the context it was encrypted with.
   *
   * @throws InvalidCiphertextException if the ciphertext was altered or the context differs
   * @throws IncorrectKeyException if the ciphertext needs a DEK this tenant does not have
   * @throws KeyDestroyedException if the key that protected it was cryptographically erased
   * @throws TenantSealedException if the tenant's key is inaccessible: fail closed
   * @throws KeyLedgerException for any other failure
   */
  public byte[] decrypt(byte[] ciphertext, Map<String, String> context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    return transport
        .post(
            DECRYPT,
            new Wire.DecryptRequest(ciphertext, checked(context)),
            Wire.DecryptResponse.class)
        .plaintext();
  }

  /**
   * Starts the configuration of {@link LeasedDataKeys}: local encryption and decryption with leased
   * data keys ({@code POST /api/v1/byok/data-keys}), in the server's envelope format, for callers
   * whose volume makes one HTTP call per encryption too expensive. Leases are taken with this
   * client's token supplier, timeout and retries.
   */
  public LeasedDataKeys.Builder leasedDataKeys() {
    return new LeasedDataKeys.Builder(this, transport);
  }

  /**
   * Opens an agent session for the token's tenant: 5 minutes while the tenant's BYOK is active, 1
   * hour otherwise.
   *
   * @throws TenantSealedException if the tenant's key is inaccessible
   * @throws KeyLedgerException for any other failure
   */
  public AgentSession openSession() {
    return transport.post(SESSION, Map.of(), Wire.SessionResponse.class).toSession();
  }

  private static Map<String, String> checked(Map<String, String> context) {
    Objects.requireNonNull(context, "context");
    if (context.size() > MAX_CONTEXT_ENTRIES) {
      throw new IllegalArgumentException(
          "context has "
              + context.size()
              + " entries; at most "
              + MAX_CONTEXT_ENTRIES
              + " are allowed");
    }
    context.forEach(
        (key, value) -> {
          if (key == null || value == null) {
            throw new IllegalArgumentException("context keys and values must not be null");
          }
        });
    return Map.copyOf(context);
  }

  /** Configures a {@link KeyLedgerClient}. Not thread-safe; the client it builds is. */
  public static final class Builder {

    private URI baseUri;
    private Supplier<String> token;
    private Duration timeout = Duration.ofSeconds(10);
    private int maxRetries = 2;
    private Duration initialBackoff = Duration.ofMillis(100);
    private HttpClient httpClient;

    private Builder() {}

    /** KeyLedger's base URI, e.g. {@code https://keyledger.internal:8080}; required. */
    public Builder baseUri(URI baseUri) {
      Objects.requireNonNull(baseUri, "baseUri");
      if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
        throw new IllegalArgumentException("baseUri must be an absolute http or https URI");
      }
      this.baseUri = baseUri;
      return this;
    }

    /**
     * Supplies the bearer JWT; called once per HTTP request, so it may return refreshed tokens.
     * Required.
     */
    public Builder token(Supplier<String> token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Bounds each HTTP attempt (connecting and answering) and each wait between attempts; default
     * 10 s.
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** How many times a transient failure is retried (0 disables retries); default 2. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * The first backoff when the server gave no {@code Retry-After}; it doubles per retry; default
     * 100 ms.
     */
    public Builder initialBackoff(Duration initialBackoff) {
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      if (initialBackoff.isNegative()) {
        throw new IllegalArgumentException("initialBackoff must not be negative");
      }
      this.initialBackoff = initialBackoff;
      return this;
    }

    /**
     * The HTTP client to use (for a proxy, TLS settings or an executor of your own); by default one
     * with a connect timeout equal to {@link #timeout(Duration)}. Its own connect timeout then
     * applies.
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Builds the client. */
    public KeyLedgerClient build() {
      if (baseUri == null || token == null) {
        throw new IllegalStateException("baseUri and token are required");
      }
      // The edge speaks HTTP/1.1: no h2c upgrade attempt on every new cleartext connection.
      HttpClient http =
          httpClient != null
              ? httpClient
              : HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(timeout)
                  .build();
      return new KeyLedgerClient(
          new Transport(
              http,
              baseUri,
              token,
              timeout,
              new RetryPolicy(maxRetries, initialBackoff, timeout),
              Wire.mapper()));
    }
  }
}
