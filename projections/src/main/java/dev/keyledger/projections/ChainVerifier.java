package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;

/**
 * Re-walks a tenant's events, oldest first, and says where the chain breaks: a seq gap, a {@code
 * prev_hash} that is not the previous event's hash, or a hash that does not match the content (the
 * rules of {@link ChainWalk}).
 */
public final class ChainVerifier {

  private ChainVerifier() {}

  public static ChainReport verify(Iterable<EventEnvelope> oldestFirst) {
    ChainWalk walk = new ChainWalk();
    for (EventEnvelope event : oldestFirst) {
      if (!walk.accept(event)) {
        break;
      }
    }
    return walk.report();
  }
}
