package dev.keyledger.envelope;

import java.util.Objects;

/**
 * Which DEK encrypted a ciphertext: its id and version. Not secret; carried in clear in every
 * {@link DataEnvelope} and bound into the AAD.
 *
 * @param id DEK id, 1 to {@value #MAX_ID_BYTES} bytes of UTF-8, no control characters
 * @param version DEK version, at least 1
 */
public record DekRef(String id, int version) {
  /**
   * Upper bound on the UTF-8 length of a DEK id (the envelope stores it behind a 1-byte length).
   */
  public static final int MAX_ID_BYTES = 64;

  /** Validates both fields. */
  public DekRef {
    Objects.requireNonNull(id, "id");
    int length = AadEncoder.utf8(id).length;
    if (length == 0 || length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(
          "DEK id must be 1.." + MAX_ID_BYTES + " bytes of UTF-8, was " + length);
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("DEK id must not contain control characters");
    }
    if (version < 1) {
      throw new IllegalArgumentException("DEK version must be >= 1, was " + version);
    }
  }
}
