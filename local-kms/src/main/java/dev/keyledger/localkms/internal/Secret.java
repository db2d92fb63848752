package dev.keyledger.localkms.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/** A secret string (secret access key, session token) that never shows up in {@code toString}. */
public final class Secret {
  private final String value;

  @JsonCreator
  public Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  @JsonValue
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && java.security.MessageDigest.isEqual(
            value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
