package dev.keyledger.client;

import dev.keyledger.envelope.DataEnvelope;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Encrypts and decrypts locally with a <em>leased</em> data key ({@code POST
 * /api/v1/byok/data-keys}), for callers whose volume makes one HTTP call per encryption too
 * expensive. Obtained from {@link KeyLedgerClient#leasedDataKeys()}; thread-safe, share one
 * instance per token (tenant); {@link #close()} it when done.
 *
 * <p><b>Same format as the server.</b> A ciphertext made here is byte-for-byte the server's data
 * envelope ({@link dev.keyledger.envelope.DataAead}, same AAD: tenant id, DEK id and version, the
 * context), so {@link KeyLedgerClient#decrypt} and the server decrypt it, and this class decrypts
 * what the server encrypted.
 *
 * <p><b>Encrypt.</b> Each lease carries a block of encryptions (the builder's {@link
 * Builder#encryptionsPerLease(int)}, or fewer if the server grants fewer) and an expiry. Every
 * encryption is counted atomically against the block, so however many threads encrypt at once, a
 * lease never makes more encryptions than its block. A new lease is taken when the block is used up
 * or once the current lease enters its <em>renewal margin</em>: the last 20 % of its lifetime or
 * the last 30 s, whichever is longer (configurable), but never more than half of it. While one
 * thread renews in the margin the others keep encrypting with the current lease. The server bounds
 * a lease by its own key cache, so a renewal may end no later than the lease it replaced; such a
 * lease is not renewed again in its margin (that would only burn another block), only when it
 * expires or its block is used up. A lease is never used at or after its expiry by this client's
 * clock: the earlier of the server's {@code expires_at} and the local time the request was sent
 * plus {@code ttl_seconds}, so a client clock that runs behind the server's does not stretch the
 * lease.
 *
 * <p><b>Fails closed.</b> When the server refuses a lease with {@code tenant_sealed}, {@code 401},
 * {@code 403}, {@code 404} (e.g. {@code no_byok_key}) or {@code 410}, every key this instance holds
 * is destroyed at once and the refusal is thrown ({@link TenantSealedException}, {@link
 * AuthenticationException}, ...); the next encryption asks the server again and never uses the old
 * key. Any other failure (the server unreachable, {@code 429}, a {@code 5xx} other than {@code
 * tenant_sealed} such as {@code dek_rotating}, an unreadable answer) is transient: the client keeps
 * encrypting with a lease that is still valid and has encryptions left, retries the renewal at most
 * once per {@link Builder#renewalRetryInterval(Duration)} (or the server's {@code Retry-After}),
 * and throws the failure only when it has no usable lease left. Threads that waited for a renewal
 * that failed get that failure, without another call.
 *
 * <p><b>Decrypt.</b> When the envelope names a DEK this instance holds a live lease for, it
 * decrypts locally; otherwise (another DEK, an expired lease, a format it does not know) it calls
 * {@link KeyLedgerClient#decrypt(byte[], Map)}. Leases that were replaced stay for decryption only
 * until they expire (at most {@value #MAX_DECRYPT_ONLY_LEASES} of them, newest first); a newer
 * lease of the same DEK replaces them at once.
 *
 * <p><b>Key hygiene.</b> Keys live only in {@link SecretBytes}: never logged, never in {@code
 * toString} or an exception message. A key is destroyed when its lease is dropped, when the server
 * refuses a renewal as above, and by {@link #close()}; an expired key is destroyed by the next call
 * that notices it (or by {@code close()}), as this class runs no thread of its own.
 */
public final class LeasedDataKeys implements AutoCloseable {

  /** The largest block of encryptions one lease may carry (and the default): 2^20. */
  public static final int MAX_ENCRYPTIONS_PER_LEASE = 1 << 20;

  /** How many replaced leases are kept for local decryption, newest first. */
  public static final int MAX_DECRYPT_ONLY_LEASES = 16;

  private static final String DATA_KEYS = "/api/v1/byok/data-keys";

  /** A new lease ending at most this much later than the one it replaces extends nothing. */
  private static final long NO_LATER_SLACK_MILLIS = 1_000;

  /** The current lease (encrypts and decrypts) and the replaced ones (decrypt only). */
  private record Leases(DataKeyLease current, List<DataKeyLease> decryptOnly) {
    static final Leases NONE = new Leases(null, List.of());

    void destroyAll() {
      if (current != null) {
        current.destroy();
      }
      decryptOnly.forEach(DataKeyLease::destroy);
    }
  }

  private final KeyLedgerClient client;
  private final Transport transport;
  private final Clock clock;
  private final int encryptionsPerLease;
  private final double renewalFraction;
  private final long minRenewalMarginMillis;
  private final long renewalRetryMillis;

  /** Held while asking the server for a lease; all writes of the fields below happen under it. */
  private final ReentrantLock renewal = new ReentrantLock();

  private volatile Leases leases = Leases.NONE;
  private volatile long nextMarginAttemptMillis;
  private volatile long attempts;
  private volatile KeyLedgerException lastFailure;
  private volatile boolean closed;

  private LeasedDataKeys(KeyLedgerClient client, Transport transport, Builder config) {
    this.client = client;
    this.transport = transport;
    this.clock = config.clock;
    this.encryptionsPerLease = config.encryptionsPerLease;
    this.renewalFraction = config.renewalFraction;
    this.minRenewalMarginMillis = config.minRenewalMargin.toMillis();
    this.renewalRetryMillis = config.renewalRetryInterval.toMillis();
  }

  /** Encrypts {@code plaintext} locally, without an encryption context. */
  public byte[] encrypt(byte[] plaintext) {
    return encrypt(plaintext, Map.of());
  }

  /**
   * Encrypts {@code plaintext} locally with the current lease, binding {@code context}: decrypting
   * needs the same context. Takes a new lease first when needed (see the class comment), which is
   * the only time this calls the server.
   *
   * @return the data envelope, in the server's format; it names its DEK, so store it as is
   * @throws IllegalArgumentException if the plaintext exceeds {@link
   *     KeyLedgerClient#MAX_PLAINTEXT_BYTES} or the context is out of bounds
   * @throws TenantSealedException if the server refused a lease because the tenant is sealed: every
   *     key was destroyed; fail closed
   * @throws AuthenticationException if the server refused a lease for the token (keys destroyed)
   * @throws KeyLedgerException if no lease is usable and the server could not give one (e.g. {@code
   *     unreachable}, {@code dek_rotating}, {@code no_byok_key})
   * @throws IllegalStateException after {@link #close()}
   */
  public byte[] encrypt(byte[] plaintext, Map<String, String> context) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(context, "context");
    if (plaintext.length > KeyLedgerClient.MAX_PLAINTEXT_BYTES) {
      throw new IllegalArgumentException(
          "plaintext is "
              + plaintext.length
              + " bytes; at most "
              + KeyLedgerClient.MAX_PLAINTEXT_BYTES
              + " (4 MiB) per envelope: split the data");
    }
    while (true) {
      long attemptsSeen = attempts;
      DataKeyLease lease = leases.current();
      long now = clock.millis();
      if (lease != null && now < lease.renewAtMillis()) {
        byte[] out = encryptWith(lease, plaintext, context);
        if (out != null) {
          return out;
        }
      } else if (lease != null && now < lease.expiresAtMillis()) {
        // In the renewal margin: one thread renews, the others (and everyone while backing off
        // after a failed renewal) keep using the lease, which is still valid.
        if (now >= nextMarginAttemptMillis && renewal.tryLock()) {
          boolean replaced;
          try {
            replaced = renewInMargin(lease);
          } finally {
            renewal.unlock();
          }
          if (replaced) {
            continue;
          }
        }
        byte[] out = encryptWith(lease, plaintext, context);
        if (out != null) {
          return out;
        }
      }
      // No usable lease: none yet, expired, block used up or destroyed.
      renewal.lock();
      try {
        renewOrThrow(lease, attemptsSeen);
      } finally {
        renewal.unlock();
      }
    }
  }

  /** Decrypts {@code ciphertext} that was encrypted without an encryption context. */
  public byte[] decrypt(byte[] ciphertext) {
    return decrypt(ciphertext, Map.of());
  }

  /**
   * Decrypts {@code ciphertext} with the context it was encrypted with: locally when it names the
   * DEK of a live lease, else through {@link KeyLedgerClient#decrypt(byte[], Map)} (with that
   * method's exceptions).
   *
   * @throws InvalidCiphertextException if the ciphertext was altered or the context differs (local:
   *     {@code status()} 0)
   * @throws IllegalArgumentException if the context is out of bounds
   * @throws IllegalStateException after {@link #close()}
   */
  public byte[] decrypt(byte[] ciphertext, Map<String, String> context) {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(context, "context");
    checkOpen();
    DekRef dek;
    try {
      dek = DataEnvelope.peekDek(ciphertext);
    } catch (GeneralSecurityException notAnEnvelopeWeKnow) {
      return client.decrypt(ciphertext, context); // perhaps a newer format: the server decides
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      DataKeyLease lease = liveLeaseFor(dek);
      if (lease == null) {
        break;
      }
      try {
        return lease.decrypt(ciphertext, context);
      } catch (GeneralSecurityException e) {
        throw new InvalidCiphertextException(
            ErrorInfo.local(
                "invalid_ciphertext",
                "The ciphertext does not authenticate under "
                    + dek.id()
                    + " v"
                    + dek.version()
                    + ": altered or truncated, or a different context"));
      } catch (IllegalStateException destroyedMeanwhile) {
        checkOpen(); // a renewal replaced it or close() ran; look again
      }
    }
    return client.decrypt(ciphertext, context);
  }

  /**
   * Destroys every key this instance holds; later calls throw {@link IllegalStateException}.
   * Idempotent, and does not wait for a renewal in progress (its key is destroyed as it arrives).
   */
  @Override
  public void close() {
    closed = true;
    leases.destroyAll();
  }

  /** Which DEKs are held and until when; never key material. */
  @Override
  public String toString() {
    Leases held = leases;
    return "LeasedDataKeys[current="
        + held.current()
        + ", decryptOnly="
        + held.decryptOnly()
        + (closed ? ", closed]" : "]");
  }

  /** The leases held now, current first; for tests. */
  List<DataKeyLease> heldLeases() {
    Leases held = leases;
    List<DataKeyLease> all = new ArrayList<>();
    if (held.current() != null) {
      all.add(held.current());
    }
    all.addAll(held.decryptOnly());
    return all;
  }

  private static byte[] encryptWith(
      DataKeyLease lease, byte[] plaintext, Map<String, String> context) {
    try {
      return lease.tryEncrypt(plaintext, context);
    } catch (IllegalStateException destroyed) {
      return null; // replaced, refused or closed meanwhile: the caller's loop looks again
    } catch (GeneralSecurityException e) {
      // AES-GCM encryption with a valid key does not fail; this is a broken JCE provider.
      throw new KeyLedgerException(
          ErrorInfo.local("local_crypto_failed", "AES-GCM encryption failed in this JVM"), e);
    }
  }

  /**
   * Under {@link #renewal}: a renewal in the margin. Whether {@code lease} was replaced; false
   * after a transient failure, which keeps the lease.
   */
  private boolean renewInMargin(DataKeyLease lease) {
    checkOpen();
    if (leases.current() != lease) {
      return true; // someone renewed already
    }
    try {
      install(fetch(lease));
      return true;
    } catch (KeyLedgerException e) {
      if (refusesLeases(e)) {
        failClosed();
        throw e;
      }
      backOff(e);
      return false;
    }
  }

  /** Under {@link #renewal}: there is no usable lease; get one or throw. */
  private void renewOrThrow(DataKeyLease lease, long attemptsSeen) {
    checkOpen();
    if (attempts != attemptsSeen) {
      KeyLedgerException failure = lastFailure;
      if (failure != null && !usable(leases.current())) {
        throw failure; // the renewal this thread waited for failed: the same answer, no new call
      }
      return; // a renewal finished meanwhile: look again
    }
    if (leases.current() != lease) {
      return;
    }
    try {
      install(fetch(lease));
    } catch (KeyLedgerException e) {
      if (refusesLeases(e)) {
        failClosed();
        throw e;
      }
      backOff(e);
      if (usable(leases.current())) {
        return;
      }
      dropExpired();
      throw e;
    }
  }

  private boolean usable(DataKeyLease lease) {
    return lease != null && lease.isLive(clock.millis()) && lease.hasEncryptionsLeft();
  }

  /**
   * The refusals after which no key may be used any more: the tenant is sealed, the token is not
   * (or no longer) allowed, or the tenant has no such key (any more).
   */
  private static boolean refusesLeases(KeyLedgerException e) {
    return e instanceof TenantSealedException
        || e instanceof KeyDestroyedException
        || e.status() == 401
        || e.status() == 403
        || e.status() == 404
        || e.status() == 410;
  }

  private void failClosed() {
    Leases held = leases;
    leases = Leases.NONE;
    held.destroyAll();
  }

  private void backOff(KeyLedgerException e) {
    long wait = e.retryAfter().map(Duration::toMillis).orElse(renewalRetryMillis);
    nextMarginAttemptMillis = clock.millis() + Math.max(wait, renewalRetryMillis);
  }

  /** Under {@link #renewal}: makes {@code fresh} current, keeping the old ones for decryption. */
  private void install(DataKeyLease fresh) {
    Leases old = leases;
    long now = clock.millis();
    List<DataKeyLease> keep = new ArrayList<>(MAX_DECRYPT_ONLY_LEASES);
    List<DataKeyLease> drop = new ArrayList<>();
    List<DataKeyLease> candidates = new ArrayList<>(old.decryptOnly().size() + 1);
    if (old.current() != null) {
      candidates.add(old.current());
    }
    candidates.addAll(old.decryptOnly());
    for (DataKeyLease lease : candidates) {
      boolean sameDek =
          lease.dekRef().equals(fresh.dekRef()) && lease.tenantId().equals(fresh.tenantId());
      if (sameDek || !lease.isLive(now) || keep.size() >= MAX_DECRYPT_ONLY_LEASES) {
        drop.add(lease);
      } else {
        keep.add(lease);
      }
    }
    leases = new Leases(fresh, List.copyOf(keep));
    lastFailure = null;
    nextMarginAttemptMillis = 0;
    drop.forEach(DataKeyLease::destroy);
    if (closed) {
      leases.destroyAll(); // close() ran while the lease was on its way
    }
  }

  /** Under {@link #renewal}: destroys the leases that have expired. */
  private void dropExpired() {
    Leases old = leases;
    long now = clock.millis();
    DataKeyLease current = old.current();
    if (current != null && !current.isLive(now)) {
      current.destroy();
      current = null;
    }
    List<DataKeyLease> keep = new ArrayList<>();
    for (DataKeyLease lease : old.decryptOnly()) {
      if (lease.isLive(now)) {
        keep.add(lease);
      } else {
        lease.destroy();
      }
    }
    leases = new Leases(current, List.copyOf(keep));
    if (closed) {
      leases.destroyAll();
    }
  }

  /** The live lease of {@code dek}, if any; destroys expired leases on the way when it can. */
  private DataKeyLease liveLeaseFor(DekRef dek) {
    Leases held = leases;
    long now = clock.millis();
    DataKeyLease found = null;
    boolean sawExpired = false;
    DataKeyLease current = held.current();
    if (current != null) {
      if (current.dekRef().equals(dek) && current.isLive(now)) {
        found = current;
      }
      sawExpired = now >= current.expiresAtMillis();
    }
    for (DataKeyLease lease : held.decryptOnly()) {
      if (found == null && lease.dekRef().equals(dek) && lease.isLive(now)) {
        found = lease;
      }
      sawExpired |= now >= lease.expiresAtMillis();
    }
    if (sawExpired && renewal.tryLock()) {
      try {
        dropExpired();
      } finally {
        renewal.unlock();
      }
    }
    return found;
  }

  /**
   * Asks the server for a lease to replace {@code replacing} (null if none); counts the attempt and
   * records its failure.
   */
  private DataKeyLease fetch(DataKeyLease replacing) {
    try {
      DataKeyLease lease = requestLease(replacing);
      lastFailure = null;
      return lease;
    } catch (KeyLedgerException e) {
      lastFailure = e;
      throw e;
    } finally {
      attempts++;
    }
  }

  private DataKeyLease requestLease(DataKeyLease replacing) {
    long sentAt = clock.millis();
    Wire.DataKeyResponse answer =
        transport.postForSecret(
            DATA_KEYS, new Wire.DataKeyRequest(encryptionsPerLease), Wire.DataKeyResponse.class);
    byte[] key = answer.key();
    try {
      DekRef dekRef;
      try {
        dekRef = new DekRef(answer.dekId(), answer.keyVersion());
      } catch (IllegalArgumentException e) {
        throw invalidLease("a DEK id that is not a valid envelope DEK id");
      }
      long expiresAt;
      try {
        expiresAt =
            Math.min(
                Instant.parse(answer.expiresAt()).toEpochMilli(),
                sentAt + Math.min(answer.ttlSeconds(), Duration.ofDays(366).toSeconds()) * 1000);
      } catch (DateTimeException | ArithmeticException e) {
        throw invalidLease("an expires_at out of range");
      }
      long receivedAt = clock.millis();
      if (expiresAt <= receivedAt) {
        throw invalidLease(
            "a lease that had expired on arrival by this client's clock (expires_at "
                + answer.expiresAt()
                + ", ttl_seconds "
                + answer.ttlSeconds()
                + "): the server's copy of the key is about to expire, or the clocks differ");
      }
      long lifetime = expiresAt - sentAt;
      long margin =
          Math.min(
              Math.max((long) (lifetime * renewalFraction), minRenewalMarginMillis), lifetime / 2);
      if (replacing != null && expiresAt <= replacing.expiresAtMillis() + NO_LATER_SLACK_MILLIS) {
        // The server bounds a lease by its own key cache, so this one ends when the one it replaces
        // does: renewing again before then would only get the same end and burn another block.
        margin = 0;
      }
      long encryptions = Math.min(answer.encryptions(), encryptionsPerLease);
      return new DataKeyLease(
          answer.tenantId(),
          dekRef,
          SecretBytes.copyOf(key),
          expiresAt,
          expiresAt - margin,
          encryptions);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static KeyLedgerException invalidLease(String what) {
    return new KeyLedgerException(
        ErrorInfo.local("invalid_response", "POST " + DATA_KEYS + " answered " + what), null);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("LeasedDataKeys is closed");
    }
  }

  /**
   * Configures {@link LeasedDataKeys}; from {@link KeyLedgerClient#leasedDataKeys()}. Not
   * thread-safe; what it builds is.
   */
  public static final class Builder {

    private final KeyLedgerClient client;
    private final Transport transport;
    private int encryptionsPerLease = MAX_ENCRYPTIONS_PER_LEASE;
    private double renewalFraction = 0.2;
    private Duration minRenewalMargin = Duration.ofSeconds(30);
    private Duration renewalRetryInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();

    Builder(KeyLedgerClient client, Transport transport) {
      this.client = client;
      this.transport = transport;
    }

    /**
     * The block of encryptions to ask for per lease, 1 to {@value #MAX_ENCRYPTIONS_PER_LEASE}
     * (default): a new lease is taken when it is used up. Smaller blocks cost more lease calls; the
     * server counts a whole block against the DEK's encryption limit when it hands it out.
     */
    public Builder encryptionsPerLease(int encryptions) {
      if (encryptions < 1 || encryptions > MAX_ENCRYPTIONS_PER_LEASE) {
        throw new IllegalArgumentException(
            "encryptionsPerLease must be 1.." + MAX_ENCRYPTIONS_PER_LEASE);
      }
      this.encryptionsPerLease = encryptions;
      return this;
    }

    /**
     * Renew once the lease is within {@code fraction} of its lifetime or {@code minimum} of its
     * expiry, whichever is longer (capped at half the lifetime); default 0.2 and 30 s.
     */
    public Builder renewalMargin(double fraction, Duration minimum) {
      Objects.requireNonNull(minimum, "minimum");
      if (!(fraction >= 0 && fraction <= 0.5)) {
        throw new IllegalArgumentException("fraction must be between 0 and 0.5");
      }
      if (minimum.isNegative()) {
        throw new IllegalArgumentException("minimum must not be negative");
      }
      this.renewalFraction = fraction;
      this.minRenewalMargin = minimum;
      return this;
    }

    /**
     * After a transient failure to renew while the lease is still valid, wait this long (or the
     * server's longer {@code Retry-After}) before trying again; default 1 s.
     */
    public Builder renewalRetryInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("renewalRetryInterval must not be negative");
      }
      this.renewalRetryInterval = interval;
      return this;
    }

    /** The clock that decides expiry and renewal; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds it; the first lease is taken by the first encryption, not here. */
    public LeasedDataKeys build() {
      return new LeasedDataKeys(client, transport, this);
    }
  }
}
