package dev.keyledger.envelope;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * Holder of secret key bytes (after tink-java {@code SecretBytes}).
 *
 * <ul>
 *   <li>The content never appears in {@link #toString()}; {@code equals}/{@code hashCode} are
 *       identity, so a key never leaks through a collection or a log line. Compare contents with
 *       {@link #equalsConstantTime(SecretBytes)}.
 *   <li>{@link #destroy()} zeroes the bytes, and the copies the JDK made of them in the ciphers
 *       that used them ({@code KeyResidueTest}); any later use throws {@link
 *       IllegalStateException}.
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
  private KeyedCiphers ciphers;

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

  /**
   * The AES-GCM ciphers keyed with these bytes, created on first use.
   *
   * @throws IllegalStateException if destroyed
   */
  synchronized KeyedCiphers ciphers() {
    checkAlive();
    if (ciphers == null) {
      ciphers = new KeyedCiphers(this);
    }
    return ciphers;
  }

  /** Zeroes the bytes and every copy the JDK's ciphers made of them. Idempotent. */
  @Override
  public synchronized void destroy() {
    Arrays.fill(bytes, (byte) 0);
    destroyed = true;
    if (ciphers != null) {
      ciphers.close();
    }
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
