package dev.keyledger.envelope;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with 96-bit nonces and 128-bit tags, on ciphers kept with each key ({@link
 * KeyedCiphers}): a cipher stays keyed between operations of its key, and {@link
 * SecretBytes#destroy()} scrubs it, so no copy of a key the JDK made outlives the key ({@code
 * KeyResidueTest}).
 *
 * <p>One of KeyLedger's format building blocks: {@link DataAead} encrypts data envelopes with it,
 * and the engine's key wrapping ({@code AesGcmKeyWrap}) uses the same primitive. It is public only
 * so that those formats share one implementation; it is no general-purpose AEAD API (no nonce
 * management, no framing). Callers outside KeyLedger's own formats use {@link DataAead}.
 */
public final class AesGcm {
  /** Length of an AES-256 key: 32 bytes. */
  public static final int KEY_BYTES = 32;

  /** Length of a GCM nonce: 96 bits. */
  public static final int NONCE_BYTES = 12;

  /** Length of a GCM tag: 128 bits. */
  public static final int TAG_BYTES = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AesGcm() {}

  /**
   * Writes ciphertext||tag of {@code plaintext} into {@code out} at {@code outOffset}; {@code out}
   * must have room for {@code plaintext.length + }{@value #TAG_BYTES} bytes there. The caller
   * supplies a nonce that is never reused with this key.
   *
   * @throws IllegalStateException if {@code key} is destroyed
   */
  public static void encrypt(
      SecretBytes key, byte[] nonce, byte[] aad, byte[] plaintext, byte[] out, int outOffset)
      throws GeneralSecurityException {
    KeyedCiphers ciphers = key.ciphers();
    KeyedCiphers.KeyedCipher keyed = ciphers.borrow();
    try {
      Cipher cipher = keyed.cipher;
      cipher.init(Cipher.ENCRYPT_MODE, keyed.key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(aad);
      cipher.doFinal(plaintext, 0, plaintext.length, out, outOffset);
    } finally {
      ciphers.giveBack(keyed);
    }
  }

  /**
   * Decrypts {@code in[bodyOffset, bodyOffset + bodyLength)} (ciphertext||tag) with the nonce at
   * {@code in[nonceOffset, nonceOffset + 12)}.
   *
   * @throws GeneralSecurityException if authentication fails
   * @throws IllegalStateException if {@code key} is destroyed
   */
  public static byte[] decrypt(
      SecretBytes key, byte[] in, int nonceOffset, int bodyOffset, int bodyLength, byte[] aad)
      throws GeneralSecurityException {
    KeyedCiphers ciphers = key.ciphers();
    KeyedCiphers.KeyedCipher keyed = ciphers.borrow();
    try {
      Cipher cipher = keyed.cipher;
      cipher.init(
          Cipher.DECRYPT_MODE,
          keyed.key,
          new GCMParameterSpec(TAG_BYTES * 8, in, nonceOffset, NONCE_BYTES));
      cipher.updateAAD(aad);
      return cipher.doFinal(in, bodyOffset, bodyLength);
    } finally {
      ciphers.giveBack(keyed);
    }
  }

  /** A fresh random nonce from {@link SecureRandom}. */
  static byte[] newNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }
}
