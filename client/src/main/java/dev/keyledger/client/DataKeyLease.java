package dev.keyledger.client;

import dev.keyledger.envelope.DataAead;
import dev.keyledger.envelope.DekRef;
import dev.keyledger.envelope.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One leased data key: the DEK in a {@link SecretBytes}, which DEK it is, until when the client may
 * use it (by its own clock) and how many encryptions it may still make. Thread-safe; the key never
 * appears in {@link #toString()}.
 */
final class DataKeyLease {

  private final String tenantId;
  private final DekRef dekRef;
  private final SecretBytes key;
  private final DataAead aead;
  private final long expiresAtMillis;
  private final long renewAtMillis;
  private final long encryptions;
  private final AtomicLong used = new AtomicLong();

  /** Takes ownership of {@code key}: {@link #destroy()} destroys it. */
  DataKeyLease(
      String tenantId,
      DekRef dekRef,
      SecretBytes key,
      long expiresAtMillis,
      long renewAtMillis,
      long encryptions) {
    this.tenantId = tenantId;
    this.dekRef = dekRef;
    this.key = key;
    this.aead = DataAead.create(key, dekRef);
    this.expiresAtMillis = expiresAtMillis;
    this.renewAtMillis = renewAtMillis;
    this.encryptions = encryptions;
  }

  String tenantId() {
    return tenantId;
  }

  DekRef dekRef() {
    return dekRef;
  }

  /** The end of the lease by the client's clock: never used at or after this instant. */
  long expiresAtMillis() {
    return expiresAtMillis;
  }

  /** When the client starts taking the next lease. */
  long renewAtMillis() {
    return renewAtMillis;
  }

  boolean isLive(long nowMillis) {
    return nowMillis < expiresAtMillis && !key.isDestroyed();
  }

  boolean hasEncryptionsLeft() {
    return used.get() < encryptions;
  }

  /**
   * Encrypts if an encryption is left in the block, counting it atomically; {@code null} when the
   * block is used up.
   *
   * @throws IllegalStateException if the key was destroyed
   */
  byte[] tryEncrypt(byte[] plaintext, Map<String, String> context) throws GeneralSecurityException {
    if (used.getAndIncrement() >= encryptions) {
      return null;
    }
    return aead.encrypt(tenantId, plaintext, context);
  }

  /**
   * Decrypts an envelope of this lease's DEK.
   *
   * @throws GeneralSecurityException "invalid ciphertext" if it does not authenticate
   * @throws IllegalStateException if the key was destroyed
   */
  byte[] decrypt(byte[] ciphertext, Map<String, String> context) throws GeneralSecurityException {
    return aead.decrypt(tenantId, ciphertext, context);
  }

  void destroy() {
    key.destroy();
  }

  boolean isDestroyed() {
    return key.isDestroyed();
  }

  @Override
  public String toString() {
    return "DataKeyLease["
        + dekRef.id()
        + " v"
        + dekRef.version()
        + ", expiresAtMillis="
        + expiresAtMillis
        + (key.isDestroyed() ? ", destroyed]" : "]");
  }
}
