package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.schemas.EventHashes;

/**
 * Re-walks a tenant's events, oldest first, and says where the chain breaks: a seq gap, a {@code
 * prev_hash} that is not the previous event's hash, or a hash that does not match the content.
 */
public final class ChainVerifier {

  private ChainVerifier() {}

  public static ChainReport verify(Iterable<EventEnvelope> oldestFirst) {
    long expectedSeq = 1;
    String expectedPrev = EventHashes.GENESIS;
    long checked = 0;
    String head = EventHashes.GENESIS;
    for (EventEnvelope event : oldestFirst) {
      if (event.getSeq() != expectedSeq) {
        return broken(
            checked,
            expectedSeq - 1,
            head,
            event.getSeq(),
            "seq " + expectedSeq + " is missing (next is " + event.getSeq() + ")");
      }
      if (!expectedPrev.equals(event.getPrevHash())) {
        return broken(
            checked,
            expectedSeq - 1,
            head,
            event.getSeq(),
            "prev_hash does not match the hash of seq " + (expectedSeq - 1));
      }
      if (!EventHashes.isIntact(event)) {
        return broken(
            checked,
            expectedSeq - 1,
            head,
            event.getSeq(),
            "hash does not match the event's content");
      }
      checked++;
      head = event.getHash();
      expectedPrev = head;
      expectedSeq++;
    }
    return new ChainReport(true, checked, expectedSeq - 1, head, null, null);
  }

  private static ChainReport broken(
      long checked, long headSeq, String head, long at, String reason) {
    return new ChainReport(false, checked, headSeq, head, at, reason);
  }
}
