package dev.keyledger.edge.service;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.edge.gateway.CommandGateway;
import dev.keyledger.edge.gateway.GatewayUnavailableException;
import dev.keyledger.edge.gateway.Submission;
import dev.keyledger.edge.http.ApiException;
import java.time.Duration;
import java.util.List;

/** Submits a command and turns its outcome into a result or an error the edge answers with. */
public final class CommandRunner {

  private final CommandGateway gateway;
  private final Duration wait;

  /** @param wait how long a request waits for the fold before answering 202 */
  public CommandRunner(CommandGateway gateway, Duration wait) {
    this.gateway = gateway;
    this.wait = wait;
  }

  /**
   * @return the outcome of an accepted command
   * @throws ApiException the refusal, or 503 when Kafka is unreachable
   * @throws PendingException when not decided within the wait
   */
  public CommandOutcome run(CommandEnvelope command, List<KeyMaterial> material) {
    Submission submission;
    try {
      submission = gateway.submit(command, material, wait);
    } catch (GatewayUnavailableException e) {
      throw ApiException.unavailable("log_unavailable", "The command log is not reachable; nothing was changed", 5);
    }
    if (submission instanceof Submission.Pending pending) {
      throw new PendingException(pending.commandId());
    }
    CommandOutcome outcome = ((Submission.Decided) submission).outcome();
    if (!outcome.getAccepted()) {
      throw ApiException.of(outcome.getRefusal());
    }
    return outcome;
  }

  /** Records a refusal the edge made itself (audited like any other), then throws it. */
  public ApiException refuse(CommandEnvelope rejection, ApiException answer) {
    try {
      gateway.submit(rejection, List.of(), wait);
    } catch (GatewayUnavailableException e) {
      answer.addSuppressed(e);
    }
    return answer;
  }
}
