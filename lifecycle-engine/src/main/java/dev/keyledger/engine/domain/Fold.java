package dev.keyledger.engine.domain;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.TmkRef;
import dev.keyledger.avro.command.Deregister;
import dev.keyledger.avro.command.RegisterKey;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.schemas.EventHashes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One step of the per-tenant fold: decide, number and chain the events, evolve the state. Pure; the
 * stream processor around it only reads and writes Kafka.
 */
public final class Fold {

  private Fold() {}

  /**
   * The result of one command.
   *
   * @param state the tenant's state after the events
   * @param events the sealed events to append, in order (gap-free seq, hash-chained)
   * @param outcome what to tell the sender
   * @param erasedTmkIds TMK ids whose wrapped bytes must be tombstoned on the key-material topic: material
   *     a refused command introduced, and copies that an accepted re-wrap replaced
   */
  public record Result(TenantState state, List<EventEnvelope> events, CommandOutcome outcome, List<String> erasedTmkIds) {}

  public static Result apply(TenantState state, CommandEnvelope command) {
    Decision decision = Decider.decide(state, command);
    List<EventEnvelope> events = chain(state, command.getCommandId(), command.getIssuedAt(), command.getActor(),
        command.getCorrelationId(), command.getLatencyMs(), decision.events());
    TenantState next = state;
    for (EventEnvelope event : events) {
      next = Evolver.evolve(next, event);
    }
    CommandOutcome outcome = CommandOutcome.newBuilder().setCommandId(command.getCommandId())
        .setTenantId(command.getTenantId()).setAccepted(decision.accepted()).setRefusal(decision.refusal().orElse(null))
        .setFirstSeq(events.isEmpty() ? state.getSeq() : events.get(0).getSeq()).setLastSeq(next.getSeq())
        .setDecidedAt(command.getIssuedAt()).build();
    return new Result(next, events, outcome, erasedTmkIds(state, command.getPayload(), decision.accepted()));
  }

  private static List<String> erasedTmkIds(TenantState before, Object payload, boolean accepted) {
    List<String> erased = new ArrayList<>();
    if (payload instanceof RegisterKey register && !accepted) {
      erased.add(register.getTmk().getTmkId());
    } else if (payload instanceof Deregister deregister) {
      Set<String> known = before.getTmkVersions().stream().map(v -> v.getTmk().getTmkId()).collect(Collectors.toSet());
      for (TmkRef moved : deregister.getRewrapped()) {
        if (!accepted && !known.contains(moved.getTmkId())) {
          erased.add(moved.getTmkId());
        } else if (accepted) {
          before.getTmkVersions().stream().filter(v -> v.getTmk().getVersion() == moved.getVersion())
              .map(v -> v.getTmk().getTmkId()).filter(old -> !old.equals(moved.getTmkId())).forEach(erased::add);
        }
      }
    }
    return erased;
  }

  /** Audits a commands-topic record that could not be decoded (it went to the dead-letter topic). */
  public static Result undecodable(TenantState state, CommandUndecodable what, Instant recordTime) {
    String commandId = "undecodable:" + what.getSourcePartition() + ":" + what.getSourceOffset();
    Actor unknown = Actor.newBuilder().setSub("unknown").setRoles(List.of()).build();
    List<EventEnvelope> events = chain(state, commandId, recordTime, unknown, null, 0, List.of(what));
    TenantState next = Evolver.evolve(state, events.get(0));
    CommandOutcome outcome = CommandOutcome.newBuilder().setCommandId(commandId).setTenantId(state.getTenantId())
        .setAccepted(false).setRefusal(Refusals.of("undecodable_command", null, 400, "The command could not be decoded", null))
        .setFirstSeq(next.getSeq()).setLastSeq(next.getSeq()).setDecidedAt(recordTime).build();
    return new Result(next, events, outcome, List.of());
  }

  private static List<EventEnvelope> chain(TenantState state, String commandId, Instant at, Actor actor,
      String correlationId, long latencyMs, List<Object> payloads) {
    List<EventEnvelope> events = new ArrayList<>(payloads.size());
    long seq = state.getSeq();
    String prev = state.getLastHash();
    for (int i = 0; i < payloads.size(); i++) {
      EventEnvelope sealed = EventHashes.seal(EventEnvelope.newBuilder()
          .setEventId(UUID.nameUUIDFromBytes((commandId + "/" + i).getBytes(StandardCharsets.UTF_8)).toString())
          .setTenantId(state.getTenantId()).setSeq(++seq).setOccurredAt(at).setActor(actor).setCommandId(commandId)
          .setCorrelationId(correlationId).setLatencyMs(latencyMs).setPrevHash(prev).setHash("").setPayload(payloads.get(i))
          .build());
      prev = sealed.getHash();
      events.add(sealed);
    }
    return events;
  }
}
