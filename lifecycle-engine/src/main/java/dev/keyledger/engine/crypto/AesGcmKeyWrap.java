package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.AesGcm;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * AES-256-GCM key wrapping shared by {@link TmkKeyWrapper} and {@link PlatformKeyWrapper}.
 *
 * <p>Wire format, exactly {@value #WRAPPED_BYTES} bytes:
 *
 * <pre>
 * offset  length  field
 * 0       1       format version 0x01
 * 1       12      nonce, random
 * 13      48      AES-256-GCM ciphertext of the 32-byte key || 16-byte tag
 * </pre>
 *
 * The AAD is {@link WrapContext#associatedData} with the wrapper's name and version, so a key
 * wrapped by TMK v1 does not unwrap under TMK v2's name even if the bytes were equal.
 */
final class AesGcmKeyWrap {
  static final byte FORMAT_V1 = 0x01;
  static final int WRAPPED_BYTES = 1 + AesGcm.NONCE_BYTES + Keys.AES_256_BYTES + AesGcm.TAG_BYTES;

  private final SecretBytes wrappingKey;
  private final String wrapper;
  private final int wrapperVersion;

  AesGcmKeyWrap(SecretBytes wrappingKey, String wrapper, int wrapperVersion) {
    Objects.requireNonNull(wrappingKey, "wrappingKey");
    if (wrappingKey.size() != Keys.AES_256_BYTES) {
      throw new IllegalArgumentException(
          "wrapping key must be " + Keys.AES_256_BYTES + " bytes, was " + wrappingKey.size());
    }
    if (wrappingKey.isDestroyed()) {
      throw new IllegalStateException("wrapping key has been destroyed");
    }
    this.wrappingKey = wrappingKey;
    this.wrapper = wrapper;
    this.wrapperVersion = wrapperVersion;
  }

  byte[] wrap(SecretBytes key, WrapContext ctx) throws GeneralSecurityException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ctx, "ctx");
    if (key.size() != Keys.AES_256_BYTES) {
      throw new IllegalArgumentException(
          "only " + Keys.AES_256_BYTES + "-byte keys are wrapped, got " + key.size());
    }
    byte[] nonce = Keys.randomBytes(AesGcm.NONCE_BYTES);
    byte[] out = new byte[WRAPPED_BYTES];
    out[0] = FORMAT_V1;
    System.arraycopy(nonce, 0, out, 1, AesGcm.NONCE_BYTES);
    byte[] plain = key.toByteArray();
    try {
      AesGcm.encrypt(
          wrappingKey,
          nonce,
          ctx.associatedData(wrapper, wrapperVersion),
          plain,
          out,
          1 + AesGcm.NONCE_BYTES);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    return out;
  }

  SecretBytes unwrap(byte[] wrapped, WrapContext ctx) throws GeneralSecurityException {
    Objects.requireNonNull(ctx, "ctx");
    if (wrapped == null || wrapped.length != WRAPPED_BYTES || wrapped[0] != FORMAT_V1) {
      throw invalid();
    }
    try {
      int body = 1 + AesGcm.NONCE_BYTES;
      byte[] key =
          AesGcm.decrypt(
              wrappingKey,
              wrapped,
              1,
              body,
              wrapped.length - body,
              ctx.associatedData(wrapper, wrapperVersion));
      try {
        return SecretBytes.copyOf(key);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw invalid();
    }
  }

  static GeneralSecurityException invalid() {
    return new GeneralSecurityException("invalid wrapped key");
  }
}
