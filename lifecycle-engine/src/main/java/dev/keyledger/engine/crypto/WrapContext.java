package dev.keyledger.engine.crypto;

import dev.keyledger.envelope.AadEncoder;
import java.util.Objects;

/**
 * What a wrapped key is, bound into the wrap's associated data: unwrapping under any other context
 * fails. Not secret.
 *
 * @param tenantId the tenant owning the key
 * @param keyId the wrapped key's id
 * @param version the wrapped key's version, at least 1
 * @param purpose which kind of key is wrapped
 */
public record WrapContext(String tenantId, String keyId, int version, Purpose purpose) {
  /** Longest tenant id or key id, in UTF-8 bytes. */
  public static final int MAX_FIELD_BYTES = 256;

  /** The kind of key being wrapped. */
  public enum Purpose {
    /** A tenant master key, wrapped by the CMK or the platform key. */
    TMK,
    /** A data encryption key, wrapped by a TMK version. */
    DEK
  }

  /** Validates every field. */
  public WrapContext {
    checkField("tenantId", tenantId);
    checkField("keyId", keyId);
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    Objects.requireNonNull(purpose, "purpose");
  }

  /**
   * Canonical length-prefixed encoding, including who wraps (e.g. {@code platform}, {@code tmk}).
   */
  byte[] associatedData(String wrapper, int wrapperVersion) {
    return AadEncoder.labelled("keyledger/wrap/v1")
        .string(wrapper)
        .u32(wrapperVersion)
        .string(purpose.name())
        .string(tenantId)
        .string(keyId)
        .u32(version)
        .toByteArray();
  }

  private static void checkField(String name, String value) {
    Objects.requireNonNull(value, name);
    int length = AadEncoder.utf8(value).length;
    if (length == 0 || length > MAX_FIELD_BYTES) {
      throw new IllegalArgumentException(
          name + " must be 1.." + MAX_FIELD_BYTES + " bytes of UTF-8");
    }
  }
}
