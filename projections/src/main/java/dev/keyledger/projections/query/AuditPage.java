package dev.keyledger.projections.query;

import dev.keyledger.avro.EventEnvelope;
import java.util.List;

/**
 * One page of a tenant's audit trail, newest first.
 *
 * @param entries the events of the page
 * @param nextCursor pass as {@code cursor} for the next (older) page; null when there is none
 */
public record AuditPage(List<EventEnvelope> entries, String nextCursor) {}
