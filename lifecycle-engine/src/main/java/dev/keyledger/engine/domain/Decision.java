package dev.keyledger.engine.domain;

import dev.keyledger.avro.Refusal;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Decider#decide} says of one command: the event payloads to append (possibly none, for
 * an idempotent no-op) and, when the command is refused, why. A refusal still appends its audit
 * event: refused commands are events too.
 *
 * @param events event payloads (generated Avro records of {@code dev.keyledger.avro.event})
 * @param refusal present when the command was refused
 */
public record Decision(List<Object> events, Optional<Refusal> refusal) {

  public Decision {
    events = List.copyOf(events);
  }

  public static Decision accept(Object... events) {
    return new Decision(List.of(events), Optional.empty());
  }

  public static Decision refuse(Refusal refusal, Object auditEvent) {
    return new Decision(List.of(auditEvent), Optional.of(refusal));
  }

  public boolean accepted() {
    return refusal.isEmpty();
  }
}
