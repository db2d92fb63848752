package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 32 secret bytes of a KMS key; never printed, serialised as base64 only into the state file.
 */
public final class KeyMaterial {
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private KeyMaterial(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("key material must be " + LENGTH + " bytes");
    }
    this.bytes = bytes.clone();
  }

  public static KeyMaterial generate() {
    return new KeyMaterial(CredentialStore.randomBytes(LENGTH));
  }

  @JsonCreator
  static KeyMaterial fromBase64(String base64) {
    return new KeyMaterial(Base64.getDecoder().decode(base64));
  }

  @JsonValue
  String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  SecretKey aesKey() {
    return new SecretKeySpec(bytes, "AES");
  }

  @Override
  public String toString() {
    return "KeyMaterial[redacted]";
  }
}
