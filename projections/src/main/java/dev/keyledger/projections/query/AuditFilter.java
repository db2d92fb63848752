package dev.keyledger.projections.query;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.projections.AuditEntries;
import java.time.Instant;

/**
 * Which audit entries a page holds.
 *
 * @param limit page size, 1..{@link #MAX_LIMIT}
 * @param beforeSeq only events with a smaller seq (the cursor), or {@code Long.MAX_VALUE}
 * @param from inclusive lower time bound, or null
 * @param to inclusive upper time bound, or null
 * @param operation only this operation, or null
 */
public record AuditFilter(int limit, long beforeSeq, Instant from, Instant to, String operation) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /**
   * Bound on the events one request may scan past while filtering, so a narrow filter stays cheap.
   */
  public static final int MAX_SCANNED = 10_000;

  public AuditFilter {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
  }

  /** Whether an event within the page's seq range belongs on it. */
  public boolean matches(EventEnvelope event) {
    return (from == null || !event.getOccurredAt().isBefore(from))
        && (to == null || !event.getOccurredAt().isAfter(to))
        && (operation == null || AuditEntries.isOperation(event, operation));
  }
}
