package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;

/**
 * Wraps (encrypts) and unwraps a key under another key, binding a {@link WrapContext}.
 *
 * <p>Implementations here: {@link TmkKeyWrapper} (DEKs under a TMK version) and {@link
 * PlatformKeyWrapper} (TMKs under the platform key). The customer-KMS implementation (TMKs under
 * the CMK, with the KMS encryption context {@code tenant_id}, {@code service=keyledger}, {@code
 * tmk_version}) lives with the KMS providers.
 *
 * <p>Contract: {@code unwrap(wrap(k, ctx), ctx)} returns a new {@link SecretBytes} equal to {@code
 * k}, owned by the caller; unwrap under a different context, by a different wrapping key, or of
 * altered bytes throws {@link GeneralSecurityException}. Wrapped bytes are safe to store (though
 * never in the event log: only their {@link KeyFingerprint}).
 */
public interface KeyWrapper {
  /** Encrypts {@code key} bound to {@code ctx}. The input key is neither copied nor destroyed. */
  byte[] wrap(SecretBytes key, WrapContext ctx) throws GeneralSecurityException;

  /** Decrypts {@code wrapped}, which must have been wrapped with the same {@code ctx}. */
  SecretBytes unwrap(byte[] wrapped, WrapContext ctx) throws GeneralSecurityException;
}
