package dev.keyledger.engine.crypto;

import java.security.SecureRandom;

/** Generation of fresh keys and random bytes from one {@link SecureRandom}. */
public final class Keys {
  /** Length of every TMK and DEK: AES-256. */
  public static final int AES_256_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** A new random 32-byte AES-256 key (used for TMKs and DEKs). */
  public static SecretBytes newAes256() {
    return SecretBytes.adopt(randomBytes(AES_256_BYTES));
  }

  static byte[] randomBytes(int length) {
    byte[] out = new byte[length];
    RANDOM.nextBytes(out);
    return out;
  }
}
