package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.AesGcm;
import dev.keyledger.envelope.SecretBytes;
import java.security.SecureRandom;
import java.util.Arrays;

/** Generation of fresh keys and random bytes from one {@link SecureRandom}. */
public final class Keys {
  /** Length of every TMK and DEK: AES-256. */
  public static final int AES_256_BYTES = AesGcm.KEY_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** A new random 32-byte AES-256 key (used for TMKs and DEKs). */
  public static SecretBytes newAes256() {
    byte[] key = randomBytes(AES_256_BYTES);
    try {
      return SecretBytes.copyOf(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  static byte[] randomBytes(int length) {
    byte[] out = new byte[length];
    RANDOM.nextBytes(out);
    return out;
  }
}
