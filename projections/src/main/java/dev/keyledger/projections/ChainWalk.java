package dev.keyledger.projections;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.schemas.EventHashes;

/**
 * One tenant's hash chain, walked one event at a time, oldest first, and where it breaks: a seq
 * that is not the next one, a {@code prev_hash} that is not the previous event's hash, a hash that
 * does not match the content, or a record that is not an event at all. The walk stops at the first
 * break; later events are not checked. Not thread-safe.
 */
public final class ChainWalk {

  private long expectedSeq = 1;
  private String head = EventHashes.GENESIS;
  private long checked;
  private ChainReport broken;

  /**
   * Checks the next event of the tenant.
   *
   * @return whether the chain is still intact with it; false once broken (here or before), after
   *     which every event is ignored
   */
  public boolean accept(EventEnvelope event) {
    if (broken != null) {
      return false;
    }
    if (event.getSeq() != expectedSeq) {
      String reason =
          event.getSeq() > expectedSeq
              ? "seq " + expectedSeq + " is missing (next is " + event.getSeq() + ")"
              : "seq " + event.getSeq() + " appears again after seq " + (expectedSeq - 1);
      return breakAt(
          event.getSeq(), reason, Long.toString(expectedSeq), Long.toString(event.getSeq()));
    }
    if (!head.equals(event.getPrevHash())) {
      return breakAt(
          event.getSeq(),
          "prev_hash does not match the hash of seq " + (expectedSeq - 1),
          head,
          event.getPrevHash());
    }
    if (!EventHashes.isIntact(event)) {
      return breakAt(
          event.getSeq(),
          "hash does not match the event's content",
          EventHashes.compute(event),
          event.getHash());
    }
    checked++;
    head = event.getHash();
    expectedSeq++;
    return true;
  }

  /**
   * A record of the tenant's that is not a decodable event: the chain breaks at the seq the next
   * event should have had. Ignored once the chain is broken.
   *
   * @param detail where the record is and why it does not decode, for the report's reason
   */
  public void undecodable(String detail) {
    if (broken == null) {
      breakAt(
          expectedSeq,
          "the record in place of seq " + expectedSeq + " is not a decodable event: " + detail,
          "event seq " + expectedSeq,
          "undecodable record");
    }
  }

  /** Whether no break was found so far. */
  public boolean intact() {
    return broken == null;
  }

  /** The chain so far: intact up to its head, or the first break. */
  public ChainReport report() {
    return broken != null
        ? broken
        : new ChainReport(true, checked, expectedSeq - 1, head, null, null, null, null);
  }

  private boolean breakAt(long seq, String reason, String expected, String found) {
    broken = new ChainReport(false, checked, expectedSeq - 1, head, seq, reason, expected, found);
    return false;
  }
}
