package dev.keyledger.envelope;

import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-GCM ciphers keyed with one {@link SecretBytes}: reused from one operation to the next
 * (re-keying a cipher with another key costs more than a small encryption, and {@code
 * Cipher.getInstance} several times that), and scrubbed when the key is destroyed, so that no copy
 * of the key the JDK made (its key schedule, its last key) outlives {@link SecretBytes#destroy()}.
 * At most {@value #MAX_IDLE} idle ciphers are kept; a cipher beyond them is scrubbed on return.
 */
final class KeyedCiphers {

  private static final int MAX_IDLE = 4;

  private static final SecretKeySpec ZERO_KEY =
      new SecretKeySpec(new byte[AesGcm.KEY_BYTES], "AES");

  private static final GCMParameterSpec ZERO_KEY_NONCE =
      new GCMParameterSpec(AesGcm.TAG_BYTES * 8, new byte[AesGcm.NONCE_BYTES]);

  /** One cipher and the key it was lent; used by one thread at a time. */
  static final class KeyedCipher {
    final Cipher cipher;
    final LentAesKey key;

    private KeyedCipher(Cipher cipher, LentAesKey key) {
      this.cipher = cipher;
      this.key = key;
    }

    /**
     * Re-keys the cipher with an all-zero key (the JDK's AES zeroes the schedule and its copy of
     * the old key when it is re-keyed), then zeroes the copy the cipher was handed.
     */
    private void scrub() {
      try {
        cipher.init(Cipher.DECRYPT_MODE, ZERO_KEY, ZERO_KEY_NONCE);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/GCM refused an all-zero AES-256 key", e);
      } finally {
        key.close();
      }
    }
  }

  private final SecretBytes source;
  private final ArrayDeque<KeyedCipher> idle = new ArrayDeque<>(MAX_IDLE);
  private boolean closed;

  KeyedCiphers(SecretBytes source) {
    this.source = source;
  }

  /**
   * An idle cipher of this key, or a new one; give it back with {@link #giveBack}.
   *
   * @throws IllegalStateException if the key is destroyed
   */
  KeyedCipher borrow() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("secret has been destroyed");
      }
      KeyedCipher cipher = idle.pollFirst();
      if (cipher != null) {
        return cipher;
      }
    }
    try {
      return new KeyedCipher(Cipher.getInstance("AES/GCM/NoPadding"), new LentAesKey(source));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available in this JDK", e);
    }
  }

  /** Keeps the cipher for the next operation, or scrubs it if the key is destroyed meanwhile. */
  void giveBack(KeyedCipher cipher) {
    synchronized (this) {
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addFirst(cipher);
        return;
      }
    }
    cipher.scrub();
  }

  /** Scrubs every idle cipher; ciphers borrowed now are scrubbed when they come back. */
  void close() {
    List<KeyedCipher> drained;
    synchronized (this) {
      closed = true;
      drained = new ArrayList<>(idle);
      idle.clear();
    }
    drained.forEach(KeyedCipher::scrub);
  }
}
