package dev.keyledger.application;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Whether this instance can serve requests now, part by part: it is ready only when every part is.
 * A part that is not ready says why in its {@link Part#detail() detail} (a state, an error
 * message), never with a secret, a tenant or a key id.
 *
 * @param parts each part by its name, in a stable order
 */
public record Readiness(Map<String, Part> parts) {

  /**
   * One part of the instance.
   *
   * @param ready whether it works now
   * @param detail what it is doing, or why it does not work
   */
  public record Part(boolean ready, String detail) {
    public Part {
      Objects.requireNonNull(detail, "detail");
    }

    /** A part that works. */
    public static Part up(String detail) {
      return new Part(true, detail);
    }

    /** A part that does not work, and why. */
    public static Part down(String detail) {
      return new Part(false, detail);
    }
  }

  public Readiness {
    parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
  }

  /** The instance before its engine has started: not ready. */
  public static Readiness starting() {
    return new Readiness(Map.of("engine", Part.down("starting")));
  }

  /** True when every part is ready (and there is at least one). */
  public boolean ready() {
    return !parts.isEmpty() && parts.values().stream().allMatch(Part::ready);
  }
}
