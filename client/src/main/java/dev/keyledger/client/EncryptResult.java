package dev.keyledger.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * The answer to {@link KeyLedgerClient#encrypt(byte[])}: the ciphertext envelope and the keys that
 * made it.
 *
 * <p>The ciphertext is self-describing (it names its DEK), so storing it alone is enough to decrypt
 * it later; {@code keyVersion}, {@code dekId} and {@code tmkVersion} are for metrics and audits.
 * The array is copied on the way in and out, so an instance is immutable; {@link #toString()} never
 * shows the bytes, only their length.
 *
 * @param ciphertext the envelope to store and later pass to {@link KeyLedgerClient#decrypt(byte[])}
 * @param keyVersion the version of the DEK that encrypted it
 * @param dekId the id of that DEK
 * @param tmkVersion the version of the tenant master key that wraps that DEK
 */
public record EncryptResult(byte[] ciphertext, int keyVersion, String dekId, int tmkVersion) {

  /** Copies {@code ciphertext}; rejects nulls. */
  public EncryptResult {
    ciphertext = Objects.requireNonNull(ciphertext, "ciphertext").clone();
    Objects.requireNonNull(dekId, "dekId");
  }

  /** Returns a copy of the ciphertext envelope. */
  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EncryptResult that
        && Arrays.equals(ciphertext, that.ciphertext)
        && keyVersion == that.keyVersion
        && dekId.equals(that.dekId)
        && tmkVersion == that.tmkVersion;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(ciphertext), keyVersion, dekId, tmkVersion);
  }

  @Override
  public String toString() {
    return "EncryptResult[ciphertext="
        + ciphertext.length
        + " bytes, keyVersion="
        + keyVersion
        + ", dekId="
        + dekId
        + ", tmkVersion="
        + tmkVersion
        + "]";
  }
}
