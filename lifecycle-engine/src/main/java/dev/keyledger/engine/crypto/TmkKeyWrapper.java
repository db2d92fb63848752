package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * Wraps a tenant's DEKs under one version of that tenant's TMK (AES-256-GCM; format in {@code
 * AesGcmKeyWrap}: 61 bytes). The AAD binds the {@link WrapContext} and the TMK version.
 *
 * <p>Hard to misuse: it wraps only contexts of purpose {@link WrapContext.Purpose#DEK} for its own
 * tenant ({@link IllegalArgumentException} otherwise); unwrapping anything else fails with {@link
 * GeneralSecurityException} "invalid wrapped key". It uses the TMK {@link SecretBytes} it was given
 * (no copy) and fails with {@link IllegalStateException} once that TMK is destroyed.
 */
public final class TmkKeyWrapper implements KeyWrapper {
  private final String tenantId;
  private final AesGcmKeyWrap wrap;

  private TmkKeyWrapper(String tenantId, AesGcmKeyWrap wrap) {
    this.tenantId = tenantId;
    this.wrap = wrap;
  }

  /**
   * A wrapper for DEKs of {@code tenantId} under TMK version {@code tmkVersion}.
   *
   * @throws IllegalArgumentException if the TMK is not 32 bytes or the version is below 1
   */
  public static TmkKeyWrapper create(String tenantId, int tmkVersion, SecretBytes tmk) {
    Objects.requireNonNull(tenantId, "tenantId");
    if (tmkVersion < 1) {
      throw new IllegalArgumentException("TMK version must be >= 1, was " + tmkVersion);
    }
    return new TmkKeyWrapper(tenantId, new AesGcmKeyWrap(tmk, "tmk", tmkVersion));
  }

  @Override
  public byte[] wrap(SecretBytes dek, WrapContext ctx) throws GeneralSecurityException {
    Objects.requireNonNull(ctx, "ctx");
    if (ctx.purpose() != WrapContext.Purpose.DEK || !ctx.tenantId().equals(tenantId)) {
      throw new IllegalArgumentException("a TMK wraps only DEKs of its own tenant");
    }
    return wrap.wrap(dek, ctx);
  }

  @Override
  public SecretBytes unwrap(byte[] wrapped, WrapContext ctx) throws GeneralSecurityException {
    Objects.requireNonNull(ctx, "ctx");
    if (ctx.purpose() != WrapContext.Purpose.DEK || !ctx.tenantId().equals(tenantId)) {
      throw AesGcmKeyWrap.invalid();
    }
    return wrap.unwrap(wrapped, ctx);
  }
}
