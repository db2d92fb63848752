package dev.keyledger.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with 96-bit nonces and 128-bit tags over one {@link Cipher} per thread ({@code
 * Cipher.getInstance} costs several times a small encryption).
 */
final class AesGcm {
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;

  private static final ThreadLocal<Cipher> CIPHER =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("AES/GCM/NoPadding is not available in this JDK", e);
            }
          });

  private AesGcm() {}

  /** Writes ciphertext||tag of {@code plaintext} into {@code out} at {@code outOffset}. */
  static void encrypt(
      SecretBytes key, byte[] nonce, byte[] aad, byte[] plaintext, byte[] out, int outOffset)
      throws GeneralSecurityException {
    Cipher cipher = CIPHER.get();
    cipher.init(
        Cipher.ENCRYPT_MODE, key.toAesKeySpec(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
    cipher.updateAAD(aad);
    cipher.doFinal(plaintext, 0, plaintext.length, out, outOffset);
  }

  /**
   * Decrypts {@code in[bodyOffset, bodyOffset + bodyLength)} (ciphertext||tag) with the nonce at
   * {@code in[nonceOffset, nonceOffset + 12)}.
   *
   * @throws GeneralSecurityException if authentication fails
   */
  static byte[] decrypt(
      SecretBytes key, byte[] in, int nonceOffset, int bodyOffset, int bodyLength, byte[] aad)
      throws GeneralSecurityException {
    Cipher cipher = CIPHER.get();
    cipher.init(
        Cipher.DECRYPT_MODE,
        key.toAesKeySpec(),
        new GCMParameterSpec(TAG_BYTES * 8, in, nonceOffset, NONCE_BYTES));
    cipher.updateAAD(aad);
    return cipher.doFinal(in, bodyOffset, bodyLength);
  }
}
