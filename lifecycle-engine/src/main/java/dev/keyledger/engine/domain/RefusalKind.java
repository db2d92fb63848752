package dev.keyledger.engine.domain;

import java.util.Locale;

/**
 * The class of a refusal, independent of any transport; an adapter (the HTTP edge) maps it to its
 * own answer. Recorded in the log by its {@link #wire} name.
 */
public enum RefusalKind {
  /** The request itself is wrong: fix it before sending it again. */
  INVALID_REQUEST,
  /** The request is over a size limit: send less per request. */
  TOO_LARGE,
  /**
   * The caller may not do this now, whatever it sends (e.g. the waiver needs re-acknowledgment).
   */
  FORBIDDEN,
  /** What the request names does not exist for this tenant. */
  NOT_FOUND,
  /** The tenant's state does not allow it now (or changed meanwhile). */
  CONFLICT,
  /** What the request needs existed but was destroyed on purpose. */
  GONE,
  /** Not possible right now; the same request may succeed later. */
  UNAVAILABLE,
  /** A system the request depends on (the customer's KMS) refused or failed. */
  UPSTREAM_FAILED;

  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wire() {
    return wire;
  }

  /** The kind of a wire name; {@link #INVALID_REQUEST} for a name this version does not know. */
  public static RefusalKind fromWire(String wire) {
    for (RefusalKind kind : values()) {
      if (kind.wire.equals(wire)) {
        return kind;
      }
    }
    return INVALID_REQUEST;
  }
}
