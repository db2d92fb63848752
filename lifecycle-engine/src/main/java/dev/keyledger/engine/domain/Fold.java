package dev.keyledger.engine.domain;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.event.CommandUndecodable;
import dev.keyledger.avro.event.RewrapStarted;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.schemas.EventHashes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
   * @param dekWrites the DEK records the events changed or made, each replacing the record of its
   *     version; write them before the state, so a reader that sees the new state sees them too
   * @param events the sealed events to append, in order (gap-free seq, hash-chained)
   * @param outcome what to tell the sender
   * @param erasedMaterial key-material record keys ({@link MaterialKeys}) to tombstone: material a
   *     refused command introduced, copies an accepted re-wrap replaced, everything a destroyed TMK
   *     version wrapped
   * @param claims what the command did to the tenant's claims on resources ({@link
   *     ResourceClaims#settlement}), for the claims topic; null when nothing
   */
  public record Result(
      TenantState state,
      List<DekState> dekWrites,
      List<EventEnvelope> events,
      CommandOutcome outcome,
      List<String> erasedMaterial,
      CommandEnvelope claims) {}

  /**
   * @param state the tenant's state, in the v4 layout ({@link StateLayout})
   * @param deks the tenant's DEK records as they were before the command
   */
  public static Result apply(TenantState state, DekRecords deks, CommandEnvelope command) {
    Decision decision = Decider.decide(state, deks, command);
    List<EventEnvelope> events =
        chain(
            state,
            command.getCommandId(),
            command.getIssuedAt(),
            command.getActor(),
            command.getCorrelationId(),
            command.getLatencyMs(),
            decision.events());
    DekChanges changes = new DekChanges(deks);
    TenantState next = state;
    for (EventEnvelope event : events) {
      next = Evolver.evolve(next, changes, event);
    }
    CommandOutcome outcome =
        CommandOutcome.newBuilder()
            .setCommandId(command.getCommandId())
            .setTenantId(command.getTenantId())
            .setAccepted(decision.accepted())
            .setRefusal(decision.refusal().orElse(null))
            .setFirstSeq(events.isEmpty() ? state.getSeq() : events.get(0).getSeq())
            .setLastSeq(next.getSeq())
            .setDecidedAt(command.getIssuedAt())
            .setRewrapLeaseId(rewrapLease(decision))
            .build();
    return new Result(
        next,
        changes.writes(),
        events,
        outcome,
        Erasure.keys(state, deks, command.getPayload(), decision.accepted()),
        ResourceClaims.settlement(state, next, command).orElse(null));
  }

  /**
   * The lease of the rewrap a decision starts, so the sender learns it without knowing the event
   * order.
   */
  private static Long rewrapLease(Decision decision) {
    return decision.events().stream()
        .filter(RewrapStarted.class::isInstance)
        .map(e -> ((RewrapStarted) e).getLeaseId())
        .findFirst()
        .orElse(null);
  }

  /**
   * Audits a commands-topic record that could not be decoded (it went to the dead-letter topic).
   */
  public static Result undecodable(TenantState state, CommandUndecodable what, Instant recordTime) {
    String commandId = "undecodable:" + what.getSourcePartition() + ":" + what.getSourceOffset();
    Actor unknown = Actor.newBuilder().setSub("unknown").setRoles(List.of()).build();
    List<EventEnvelope> events =
        chain(state, commandId, recordTime, unknown, null, 0, List.of(what));
    TenantState next = Evolver.evolve(state, new DekChanges(DekRecords.NONE), events.get(0));
    CommandOutcome outcome =
        CommandOutcome.newBuilder()
            .setCommandId(commandId)
            .setTenantId(state.getTenantId())
            .setAccepted(false)
            .setRefusal(
                Refusals.of(
                    "undecodable_command",
                    null,
                    RefusalKind.INVALID_REQUEST,
                    "The command could not be decoded",
                    null))
            .setFirstSeq(next.getSeq())
            .setLastSeq(next.getSeq())
            .setDecidedAt(recordTime)
            .build();
    return new Result(next, List.of(), events, outcome, List.of(), null);
  }

  private static List<EventEnvelope> chain(
      TenantState state,
      String commandId,
      Instant at,
      Actor actor,
      String correlationId,
      long latencyMs,
      List<Object> payloads) {
    List<EventEnvelope> events = new ArrayList<>(payloads.size());
    long seq = state.getSeq();
    String prev = state.getLastHash();
    String keyId = state.getBinding() == null ? null : state.getBinding().getKeyId();
    for (int i = 0; i < payloads.size(); i++) {
      EventEnvelope sealed =
          EventHashes.seal(
              EventEnvelope.newBuilder()
                  .setEventId(
                      UUID.nameUUIDFromBytes((commandId + "/" + i).getBytes(StandardCharsets.UTF_8))
                          .toString())
                  .setTenantId(state.getTenantId())
                  .setSeq(++seq)
                  .setOccurredAt(at)
                  .setActor(actor)
                  .setCommandId(commandId)
                  .setCorrelationId(correlationId)
                  .setLatencyMs(latencyMs)
                  .setPrevHash(prev)
                  .setHash("")
                  .setPayload(payloads.get(i))
                  .setKeyId(keyId)
                  .build());
      prev = sealed.getHash();
      events.add(sealed);
    }
    return events;
  }
}
