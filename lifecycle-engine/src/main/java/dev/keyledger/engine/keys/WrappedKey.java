package dev.keyledger.engine.keys;

/**
 * A key as wrapped for storage, with the fingerprint the event log may carry instead of the bytes.
 *
 * @param bytes the wrapped bytes (for the key-material topic only)
 * @param fingerprint {@code KeyFingerprint} of the bytes
 */
public record WrappedKey(byte[] bytes, String fingerprint) {

  @Override
  public String toString() {
    return "WrappedKey[" + fingerprint + "]";
  }
}
