/**
 * Key wrapping and the in-memory key cache of the lifecycle engine.
 *
 * <p>Key hierarchy (SPEC §1): a customer CMK (or the platform key) wraps each tenant master key
 * (TMK) version; a TMK version wraps data encryption keys (DEKs); a DEK encrypts tenant data into a
 * {@link dev.keyledger.envelope.DataEnvelope}. The data format itself, and the primitives it shares
 * with key wrapping ({@link dev.keyledger.envelope.AesGcm}, {@link
 * dev.keyledger.envelope.AadEncoder}, {@link dev.keyledger.envelope.SecretBytes}), live in the
 * {@code envelope} module so that the Java client can use them without the engine. Everything here
 * is pure JDK crypto ({@code javax.crypto}, {@link java.security.SecureRandom}); KMS calls live
 * elsewhere, behind {@link dev.keyledger.engine.crypto.KeyWrapper}.
 *
 * <p>Rules every class follows: key bytes live only in {@link dev.keyledger.envelope.SecretBytes}
 * and never appear in {@code toString}, logs or exception messages; every authentication or parse
 * failure of attacker-controlled bytes is one {@link java.security.GeneralSecurityException} with
 * one message, so errors are no oracle; misuse by the caller (wrong sizes, blank ids) is an {@link
 * java.lang.IllegalArgumentException}.
 *
 * <p>Note on residue: the JDK's AES implementation keeps its own expanded copy of the last key used
 * by each {@code Cipher} instance (one per thread), and {@code SecretKeySpec} copies cannot be
 * zeroed. {@code SecretBytes.destroy()} therefore guarantees that this package will never use the
 * key again, not that no byte of it remains anywhere in the heap.
 */
package dev.keyledger.engine.crypto;
