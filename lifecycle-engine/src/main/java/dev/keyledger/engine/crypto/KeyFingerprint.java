package dev.keyledger.engine.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The identifier of a wrapped key that may go into the event log, which never holds key material:
 * the first 16 bytes of SHA-256 over the <em>wrapped</em> bytes, as 32 lowercase hex characters.
 */
public final class KeyFingerprint {
  /** Length of a fingerprint in bytes before hex encoding. */
  public static final int BYTES = 16;

  private KeyFingerprint() {}

  /** Fingerprint of {@code wrappedBytes} (never pass plaintext key bytes). */
  public static String of(byte[] wrappedBytes) {
    Objects.requireNonNull(wrappedBytes, "wrappedBytes");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(wrappedBytes);
      return HexFormat.of().formatHex(digest, 0, BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }
}
