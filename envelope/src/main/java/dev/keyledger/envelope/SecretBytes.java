package dev.keyledger.envelope;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

/**
 * Holder of secret key bytes (after tink-java {@code SecretBytes}).
 *
 * <ul>
 *   <li>The content never appears in {@link #toString()}; {@code equals}/{@code hashCode} are
 *       identity, so a key never leaks through a collection or a log line. Compare contents with
 *       {@link #equalsConstantTime(SecretBytes)}.
 *   <li>{@link #destroy()} zeroes the bytes; any later use throws {@link IllegalStateException}.
 *   <li>Thread-safe: reads and {@code destroy()} are mutually exclusive, so a reader never sees a
 *       half-zeroed key.
 * </ul>
 *
 * <p>One of KeyLedger's format building blocks: every key {@link DataAead} and {@link AesGcm} use
 * is held in one, on the server and in the Java client.
 */
public final class SecretBytes implements Destroyable {
  private final byte[] bytes;
  private volatile boolean destroyed;

  private SecretBytes(byte[] owned) {
    this.bytes = owned;
  }

  /**
   * A holder of a copy of {@code source}; the caller remains responsible for zeroing {@code
   * source}.
   */
  public static SecretBytes copyOf(byte[] source) {
    Objects.requireNonNull(source, "source");
    if (source.length == 0) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    return new SecretBytes(source.clone());
  }

  /** Length in bytes (not secret; available even after {@link #destroy()}). */
  public int size() {
    return bytes.length;
  }

  /**
   * A copy of the key bytes, for handing to an API that needs an array (for example a KMS request).
   * The caller must zero the copy when done.
   *
   * @throws IllegalStateException if destroyed
   */
  public synchronized byte[] toByteArray() {
    checkAlive();
    return bytes.clone();
  }

  /**
   * Whether both hold the same bytes, in time independent of where they differ.
   *
   * @throws IllegalStateException if either is destroyed
   */
  public boolean equalsConstantTime(SecretBytes other) {
    Objects.requireNonNull(other, "other");
    if (other == this) {
      checkAlive();
      return true;
    }
    byte[] theirs = other.toByteArray(); // locks only `other`: no lock-ordering deadlock
    try {
      synchronized (this) {
        checkAlive();
        return MessageDigest.isEqual(bytes, theirs);
      }
    } finally {
      Arrays.fill(theirs, (byte) 0);
    }
  }

  /** An AES key spec over these bytes, for {@code Cipher.init}. */
  synchronized SecretKeySpec toAesKeySpec() {
    checkAlive();
    return new SecretKeySpec(bytes, "AES");
  }

  /** Zeroes the bytes. Idempotent. */
  @Override
  public synchronized void destroy() {
    Arrays.fill(bytes, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  /** Size and state only, never content. */
  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes" + (destroyed ? ", destroyed]" : "]");
  }

  private void checkAlive() {
    if (destroyed) {
      throw new IllegalStateException("secret has been destroyed");
    }
  }
}
