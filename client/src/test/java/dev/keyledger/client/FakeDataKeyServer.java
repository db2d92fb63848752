package dev.keyledger.client;

import dev.keyledger.client.FakeEdge.Reply;
import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DataEnvelope;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of leased data keys on a {@link FakeEdge}: {@code POST /api/v1/byok/data-keys}
 * hands out the current DEK as the contract says, and {@code POST /api/v1/byok/decrypt} decrypts
 * with {@link DataAead} over every DEK it ever issued, as the real data plane does. Keys are
 * random; expiry follows the test's clock.
 */
final class FakeDataKeyServer {

  static final String DATA_KEYS = "/api/v1/byok/data-keys";
  static final String DECRYPT = "/api/v1/byok/decrypt";
  static final String TENANT = "acme";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final Map<DekRef, byte[]> keys = new ConcurrentHashMap<>();
  private final AtomicInteger leases = new AtomicInteger();
  private final ConcurrentLinkedQueue<Reply> failures = new ConcurrentLinkedQueue<>();
  private volatile DekRef current;
  private volatile boolean rotateEveryLease;
  private volatile long ttlSeconds = 300;
  private volatile long expiresAtExtraSeconds;
  private volatile Long grant;
  private volatile Reply failEveryTime;
  private volatile long cachePeriodSeconds;
  private Instant cacheEnd;

  FakeDataKeyServer(FakeEdge edge, Clock clock) {
    this.clock = clock;
    rotate();
    edge.answer(DATA_KEYS, request -> lease(request)).answer(DECRYPT, this::decrypt);
  }

  /** A new current DEK (next version); the old ones still decrypt. */
  synchronized DekRef rotate() {
    int version = current == null ? 1 : current.version() + 1;
    DekRef next = new DekRef("dek_" + Integer.toHexString(RANDOM.nextInt()), version);
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    keys.put(next, key);
    current = next;
    return next;
  }

  FakeDataKeyServer rotateEveryLease() {
    rotateEveryLease = true;
    return this;
  }

  FakeDataKeyServer ttlSeconds(long ttl) {
    ttlSeconds = ttl;
    return this;
  }

  /**
   * Makes {@code expires_at} later than now + {@code ttl_seconds}: a server clock running ahead.
   */
  FakeDataKeyServer expiresAtAheadBy(long seconds) {
    expiresAtExtraSeconds = seconds;
    return this;
  }

  /**
   * Ends every lease when the server's cached key does, as the real server does: the cache holds a
   * key for {@code seconds} from its load, and reloads it on the first lease after that.
   */
  FakeDataKeyServer boundedByCache(long seconds) {
    cachePeriodSeconds = seconds;
    return this;
  }

  /** Grants this many encryptions whatever the request asks for. */
  FakeDataKeyServer grant(long encryptions) {
    grant = encryptions;
    return this;
  }

  /** Answers the next lease requests with these replies, in order, then leases again. */
  FakeDataKeyServer failNext(Reply... replies) {
    failures.addAll(java.util.List.of(replies));
    return this;
  }

  /** Answers every lease request with {@code reply} ({@code null} to stop). */
  FakeDataKeyServer failAlways(Reply reply) {
    failEveryTime = reply;
    return this;
  }

  int leases() {
    return leases.get();
  }

  DekRef current() {
    return current;
  }

  /** What the server does with a ciphertext: open it with the DEK it names. */
  byte[] serverDecrypt(byte[] ciphertext, Map<String, String> context)
      throws GeneralSecurityException {
    DekRef dek = DataEnvelope.peekDek(ciphertext);
    return DataAead.create(SecretBytes.copyOf(keys.get(dek)), dek)
        .decrypt(TENANT, ciphertext, context);
  }

  /** What the server's own encrypt makes. */
  byte[] serverEncrypt(byte[] plaintext, Map<String, String> context)
      throws GeneralSecurityException {
    DekRef dek = current;
    return DataAead.create(SecretBytes.copyOf(keys.get(dek)), dek)
        .encrypt(TENANT, plaintext, context);
  }

  byte[] rawKey(DekRef dek) {
    return keys.get(dek).clone();
  }

  private Reply lease(FakeEdge.Received request) {
    Reply always = failEveryTime;
    if (always != null) {
      return always;
    }
    Reply failure = failures.poll();
    if (failure != null) {
      return failure;
    }
    long asked = request.body().length == 0 ? 1 << 20 : request.json().path("encryptions").asLong();
    DekRef dek;
    Instant now = clock.instant();
    Instant expires = now.plusSeconds(ttlSeconds + expiresAtExtraSeconds);
    long ttl = ttlSeconds;
    synchronized (this) {
      if (rotateEveryLease && leases.get() > 0) {
        rotate();
      }
      dek = current;
      leases.incrementAndGet();
      if (cachePeriodSeconds > 0) {
        if (cacheEnd == null || !now.isBefore(cacheEnd)) {
          cacheEnd = now.plusSeconds(cachePeriodSeconds);
        }
        expires = cacheEnd;
        ttl = java.time.Duration.between(now, cacheEnd).toSeconds();
      }
    }
    Map<String, Object> body = new HashMap<>();
    body.put("tenant_id", TENANT);
    body.put("dek_id", dek.id());
    body.put("key_version", dek.version());
    body.put("key", Base64.getEncoder().encodeToString(keys.get(dek)));
    body.put("expires_at", expires.toString());
    body.put("ttl_seconds", ttl);
    body.put("encryptions", grant != null ? grant : asked);
    return Reply.ok(body).withHeader("Cache-Control", "no-store");
  }

  private Reply decrypt(FakeEdge.Received request) {
    byte[] ciphertext = Base64.getDecoder().decode(request.json().get("ciphertext").asText());
    Map<String, String> context = new HashMap<>();
    for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it =
            request.json().path("context").fields();
        it.hasNext(); ) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> entry = it.next();
      context.put(entry.getKey(), entry.getValue().asText());
    }
    try {
      byte[] plaintext = serverDecrypt(ciphertext, context);
      return Reply.ok(Map.of("plaintext", Base64.getEncoder().encodeToString(plaintext)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Reply.error(
          400, "invalid_ciphertext", null, "invalid ciphertext", null, "req_fake_decrypt");
    }
  }
}
