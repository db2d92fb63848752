package dev.keyledger.application;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.Refusal;
import dev.keyledger.avro.command.RejectRequest;
import dev.keyledger.engine.domain.RefusalKind;
import dev.keyledger.engine.domain.Refusals;
import dev.keyledger.engine.keys.KeyMint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds command envelopes and submits them. Time and ids are decided here, before the log, so the
 * fold stays deterministic; times are truncated to the millisecond the log stores.
 */
public final class Commands {

  private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

  private final CommandLog log;
  private final Clock clock;
  private final Duration wait;

  /**
   * @param wait how long a caller waits for the fold before its answer is {@link Outcome.Pending}
   */
  public Commands(CommandLog log, Clock clock, Duration wait) {
    this.log = log;
    this.clock = clock;
    this.wait = wait;
  }

  /** A command of the caller for the caller's tenant. */
  CommandEnvelope envelope(Caller caller, long latencyMs, Object payload) {
    return envelope(caller.tenant(), caller, latencyMs, payload);
  }

  /** A command of the caller for {@code tenantId} (the platform's own state, for example). */
  CommandEnvelope envelope(String tenantId, Caller caller, long latencyMs, Object payload) {
    return CommandEnvelope.newBuilder()
        .setCommandId(KeyMint.newId("cmd"))
        .setTenantId(tenantId)
        .setIssuedAt(now())
        .setActor(
            Actor.newBuilder()
                .setSub(caller.sub())
                .setRoles(caller.roles())
                .setIp(caller.ip())
                .build())
        .setCorrelationId(caller.requestId())
        .setLatencyMs(latencyMs)
        .setPayload(payload)
        .build();
  }

  /** Submits a command of the caller; see {@link #run(CommandEnvelope, List)}. */
  CommandOutcome run(Caller caller, Object payload, List<KeyMaterial> material) {
    return run(envelope(caller, 0, payload), material);
  }

  /**
   * Submits a command and waits for the fold.
   *
   * @return the outcome of the accepted command
   * @throws Stop refused by the fold, not decided within the wait, or the log unreachable
   */
  CommandOutcome run(CommandEnvelope command, List<KeyMaterial> material) {
    Submission submission;
    try {
      submission = log.submit(command, material, wait);
    } catch (LogUnavailableException e) {
      throw Stop.unavailable(
          Refusals.of(
              "log_unavailable",
              null,
              RefusalKind.UNAVAILABLE,
              "The command log is not reachable; nothing was changed",
              "Retry after 5 s."),
          5);
    }
    if (submission instanceof Submission.Pending pending) {
      throw Stop.pending(pending.commandId());
    }
    CommandOutcome outcome = ((Submission.Decided) submission).outcome();
    if (!outcome.getAccepted()) {
      throw Stop.refused(outcome.getRefusal());
    }
    return outcome;
  }

  /** Records a refusal made before the fold (audited like any other) and returns it to throw. */
  Stop refuse(Caller caller, String operation, Refusal refusal) {
    return refuse(caller, operation, refusal, Stop.refused(refusal));
  }

  /** Records a refusal made before the fold and returns {@code answer} (e.g. with a retry hint). */
  Stop refuse(Caller caller, String operation, Refusal refusal, Stop answer) {
    return record(
        envelope(
            caller,
            0,
            RejectRequest.newBuilder().setOperation(operation).setRefusal(refusal).build()),
        answer);
  }

  /**
   * Records {@code rejection} in the tenant's audit trail, best effort, and returns {@code answer}.
   */
  Stop record(CommandEnvelope rejection, Stop answer) {
    try {
      log.submit(rejection, List.of(), wait);
    } catch (LogUnavailableException e) {
      LOG.warn(
          "refusal {} of tenant {} not audited: {}",
          rejection.getCommandId(),
          rejection.getTenantId(),
          e.getMessage());
    }
    return answer;
  }

  /** Submits a command of the engine itself, for workers: the raw outcome, whatever it is. */
  Submission submitAsEngine(String tenantId, Object payload, List<KeyMaterial> material)
      throws LogUnavailableException {
    return log.submit(envelope(Caller.engine(tenantId), 0, payload), material, wait);
  }

  Duration waitTime() {
    return wait;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
