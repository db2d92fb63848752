package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Wraps TMKs under the platform's own 32-byte key: wrap method {@code platform}, used whenever a
 * tenant's BYOK is not active (AES-256-GCM; format in {@code AesGcmKeyWrap}: 61 bytes; the AAD
 * binds the {@link WrapContext}).
 *
 * <p>Wraps only contexts of purpose {@link WrapContext.Purpose#TMK} ({@link
 * IllegalArgumentException} otherwise); unwrapping anything else fails with {@link
 * GeneralSecurityException} "invalid wrapped key". Load the key with {@link PlatformKey}.
 */
public final class PlatformKeyWrapper implements KeyWrapper {
  private final AesGcmKeyWrap wrap;

  private PlatformKeyWrapper(AesGcmKeyWrap wrap) {
    this.wrap = wrap;
  }

  /**
   * A wrapper over {@code platformKey} (not copied).
   *
   * @throws IllegalArgumentException if the key is not 32 bytes
   */
  public static PlatformKeyWrapper create(SecretBytes platformKey) {
    return new PlatformKeyWrapper(new AesGcmKeyWrap(platformKey, "platform", 1));
  }

  @Override
  public byte[] wrap(SecretBytes tmk, WrapContext ctx) throws GeneralSecurityException {
    Objects.requireNonNull(ctx, "ctx");
    if (ctx.purpose() != WrapContext.Purpose.TMK) {
      throw new IllegalArgumentException("the platform key wraps only TMKs");
    }
    return wrap.wrap(tmk, ctx);
  }

  @Override
  public SecretBytes unwrap(byte[] wrapped, WrapContext ctx) throws GeneralSecurityException {
    Objects.requireNonNull(ctx, "ctx");
    if (ctx.purpose() != WrapContext.Purpose.TMK) {
      throw AesGcmKeyWrap.invalid();
    }
    return wrap.unwrap(wrapped, ctx);
  }
}
