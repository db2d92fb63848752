package dev.keyledger.envelope;

import java.security.SecureRandom;
import java.util.Arrays;

/** Fresh random AES-256 keys for tests (the engine's {@code Keys} is not visible here). */
final class TestKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  static SecretBytes newAes256() {
    byte[] key = new byte[AesGcm.KEY_BYTES];
    RANDOM.nextBytes(key);
    try {
      return SecretBytes.copyOf(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
