/**
 * KeyLedger's data ciphertext format and its building blocks, JDK only (SPEC §1).
 *
 * <p>A DEK encrypts tenant data into a {@link dev.keyledger.envelope.DataEnvelope} through {@link
 * dev.keyledger.envelope.DataAead}; the envelope names its DEK ({@link
 * dev.keyledger.envelope.DekRef}) and the AAD binds the tenant id, the DEK and the caller's context
 * ({@link dev.keyledger.envelope.AadEncoder}). This is the one home of the format: the lifecycle
 * engine (server side, over the DEKs of its key cache) and the Java client (over a leased data key)
 * both encrypt and decrypt with these classes, so their ciphertexts are byte-for-byte the same
 * format. The module depends on nothing but the JDK ({@code javax.crypto}, {@link
 * java.security.SecureRandom}).
 *
 * <p>Rules every class follows: key bytes live only in {@link dev.keyledger.envelope.SecretBytes}
 * and never appear in {@code toString}, logs or exception messages; every authentication or parse
 * failure of attacker-controlled bytes is one {@link java.security.GeneralSecurityException} with
 * one message, so errors are no oracle; misuse by the caller (wrong sizes, blank ids) is an {@link
 * java.lang.IllegalArgumentException}.
 *
 * <p>{@link dev.keyledger.envelope.AesGcm} and {@link dev.keyledger.envelope.AadEncoder} are public
 * because the engine's key wrapping is built from them too; they are format building blocks, not a
 * general crypto API.
 *
 * <p>Note on residue: each key keeps the ciphers that used it, and {@code SecretBytes.destroy()}
 * zeroes the copies the JDK made of it there (its key schedule, its last key). Copies outside
 * KeyLedger's reach (those the garbage collector leaves behind when it moves an object) remain
 * until the memory is reused.
 */
package dev.keyledger.envelope;
