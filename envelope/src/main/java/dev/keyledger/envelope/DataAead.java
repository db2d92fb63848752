package dev.keyledger.envelope;

import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticated encryption of tenant data under one DEK, producing {@link DataEnvelope}s.
 *
 * <p>The associated data always binds the tenant id, the DEK id and version, and the caller's
 * optional context, encoded canonically (see {@code AadEncoder}): label {@code keyledger/data/v1},
 * DEK id, DEK version, tenant id, then the context entries sorted by key. So a ciphertext of tenant
 * A never decrypts as tenant B, nor under another context, nor as another DEK's; each of those, a
 * tampered byte, and a malformed envelope all fail with the same {@link GeneralSecurityException}
 * "invalid ciphertext".
 *
 * <p>Each encryption draws a fresh 96-bit nonce from {@link java.security.SecureRandom}; with
 * random nonces a DEK must not encrypt more than 2^32 messages, and the engine retires it after
 * 2^30 ({@code DekUsagePolicy}).
 *
 * <p>A {@code DataAead} does not copy the DEK: it uses the {@link SecretBytes} it was created from
 * on every call, and fails with {@link IllegalStateException} once that key is destroyed (for
 * example evicted from the engine's key cache, or a leased key the client gave up). Thread-safe.
 *
 * <p>The server and the Java client both use this class, so a ciphertext made by either decrypts
 * with the other.
 */
public final class DataAead {
  /** Most context entries per call. */
  public static final int MAX_CONTEXT_ENTRIES = 32;

  /** Longest tenant id, context key or context value, in UTF-8 bytes. */
  public static final int MAX_FIELD_BYTES = 1024;

  private static final String AAD_LABEL = "keyledger/data/v1";

  private final SecretBytes dek;
  private final DekRef dekRef;
  private final byte[] header;
  private final byte[] aadPrefix;

  private DataAead(SecretBytes dek, DekRef dekRef) {
    this.dek = dek;
    this.dekRef = dekRef;
    this.header = DataEnvelope.header(dekRef);
    this.aadPrefix = aadPrefix(dekRef);
  }

  /**
   * An AEAD over {@code dek}, whose envelopes name {@code dekRef}.
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   * @throws IllegalStateException if the key is destroyed
   */
  public static DataAead create(SecretBytes dek, DekRef dekRef) {
    Objects.requireNonNull(dek, "dek");
    Objects.requireNonNull(dekRef, "dekRef");
    if (dek.size() != AesGcm.KEY_BYTES) {
      throw new IllegalArgumentException(
          "DEK must be " + AesGcm.KEY_BYTES + " bytes, was " + dek.size());
    }
    if (dek.isDestroyed()) {
      throw new IllegalStateException("DEK has been destroyed");
    }
    return new DataAead(dek, dekRef);
  }

  /** The DEK this instance encrypts with and expects in ciphertexts. */
  public DekRef dekRef() {
    return dekRef;
  }

  /**
   * Encrypts {@code plaintext} for {@code tenantId}.
   *
   * @param context optional caller context bound into the AAD; {@code null} means empty
   * @return a {@link DataEnvelope}
   * @throws IllegalArgumentException if the plaintext exceeds {@value
   *     DataEnvelope#MAX_PLAINTEXT_BYTES} bytes or the tenant id or context is out of bounds
   */
  public byte[] encrypt(String tenantId, byte[] plaintext, Map<String, String> context)
      throws GeneralSecurityException {
    Objects.requireNonNull(plaintext, "plaintext");
    if (plaintext.length > DataEnvelope.MAX_PLAINTEXT_BYTES) {
      throw new IllegalArgumentException(
          "plaintext is "
              + plaintext.length
              + " bytes; the limit is "
              + DataEnvelope.MAX_PLAINTEXT_BYTES
              + " (4 MiB)");
    }
    byte[] aad = associatedData(aadPrefix, tenantId, context);
    byte[] nonce = AesGcm.newNonce();
    byte[] out = new byte[header.length + AesGcm.NONCE_BYTES + plaintext.length + AesGcm.TAG_BYTES];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(nonce, 0, out, header.length, AesGcm.NONCE_BYTES);
    AesGcm.encrypt(dek, nonce, aad, plaintext, out, header.length + AesGcm.NONCE_BYTES);
    return out;
  }

  /**
   * Decrypts an envelope made by {@link #encrypt} with the same tenant id, DEK and context.
   *
   * @param context the context given at encryption; {@code null} means empty
   * @throws GeneralSecurityException "invalid ciphertext" on any mismatch, tampering or malformed
   *     input
   * @throws IllegalArgumentException if the tenant id or context is out of bounds
   */
  public byte[] decrypt(String tenantId, byte[] ciphertext, Map<String, String> context)
      throws GeneralSecurityException {
    byte[] aad = associatedData(aadPrefix, tenantId, context);
    DataEnvelope envelope = DataEnvelope.parseExpecting(header, dekRef, ciphertext);
    try {
      return AesGcm.decrypt(
          dek,
          ciphertext,
          envelope.nonceOffset(),
          envelope.bodyOffset(),
          envelope.bodyLength(),
          aad);
    } catch (GeneralSecurityException e) {
      throw DataEnvelope.invalid();
    }
  }

  /** The canonical AAD; package-private so tests can check it is injective. */
  static byte[] associatedData(String tenantId, DekRef dekRef, Map<String, String> context) {
    return associatedData(aadPrefix(dekRef), tenantId, context);
  }

  private static byte[] aadPrefix(DekRef dekRef) {
    return AadEncoder.labelled(AAD_LABEL).string(dekRef.id()).u32(dekRef.version()).toByteArray();
  }

  /**
   * Checks a caller's context against the limits of {@link #encrypt} and {@link #decrypt}: at most
   * {@value #MAX_CONTEXT_ENTRIES} entries, keys of 1 to {@value #MAX_FIELD_BYTES} and values of 0
   * to {@value #MAX_FIELD_BYTES} bytes of UTF-8, valid Unicode, no nulls. Lets a caller refuse a
   * context before it does any work; both methods apply the same check.
   *
   * @param context the context; {@code null} means empty
   * @return empty when the context is within the limits, else what is wrong (names no key or value,
   *     so it is safe to show and to log)
   */
  public static Optional<String> checkContext(Map<String, String> context) {
    if (context == null) {
      return Optional.empty();
    }
    if (context.size() > MAX_CONTEXT_ENTRIES) {
      return Optional.of(
          "context has " + context.size() + " entries; the limit is " + MAX_CONTEXT_ENTRIES);
    }
    for (Map.Entry<String, String> e : context.entrySet()) {
      String problem = fieldProblem("context key", e.getKey(), 1);
      if (problem == null) {
        problem = fieldProblem("context value", e.getValue(), 0);
      }
      if (problem != null) {
        return Optional.of(problem);
      }
    }
    return Optional.empty();
  }

  private static byte[] associatedData(
      byte[] aadPrefix, String tenantId, Map<String, String> context) {
    Objects.requireNonNull(tenantId, "tenantId");
    String problem = fieldProblem("tenant id", tenantId, 1);
    if (problem == null) {
      problem = checkContext(context).orElse(null);
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    Map<String, String> ctx = context == null ? Map.of() : context;
    return AadEncoder.continuing(aadPrefix).string(tenantId).map(ctx).toByteArray();
  }

  /** Null when {@code value} is {@code minBytes}..{@value #MAX_FIELD_BYTES} bytes of UTF-8. */
  private static String fieldProblem(String what, String value, int minBytes) {
    if (value == null) {
      return what + " must not be null";
    }
    int length;
    try {
      length = value.length() > MAX_FIELD_BYTES ? Integer.MAX_VALUE : AadEncoder.utf8Length(value);
    } catch (IllegalArgumentException e) {
      return what + " is not valid Unicode (a lone surrogate)";
    }
    if (length < minBytes || length > MAX_FIELD_BYTES) {
      return what + " must be " + minBytes + ".." + MAX_FIELD_BYTES + " bytes of UTF-8";
    }
    return null;
  }
}
