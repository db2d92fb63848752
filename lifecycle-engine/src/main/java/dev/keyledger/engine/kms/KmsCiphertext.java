package dev.keyledger.engine.kms;

import java.util.Objects;

/**
 * A ciphertext blob and the key KMS used for it: for an alias, the key the alias pointed to at that
 * moment. {@code key} is what the Encrypt answer tells (its state is {@code Enabled}, since Encrypt
 * succeeds on enabled keys only). The blob is opaque and not secret, but {@link #toString()} omits
 * it.
 */
public record KmsCiphertext(ResolvedCmk key, byte[] blob) {

  public KmsCiphertext {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(blob, "blob");
  }

  @Override
  public String toString() {
    return "KmsCiphertext[key=" + key.keyArn() + ", blob=" + blob.length + " bytes]";
  }
}
