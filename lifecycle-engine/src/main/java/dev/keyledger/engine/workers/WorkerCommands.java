package dev.keyledger.engine.workers;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import java.util.List;
import org.slf4j.Logger;

/**
 * Submits a worker's commands. It never throws: a command that was not written or was refused is
 * logged, and the worker's next round decides again from the state.
 */
final class WorkerCommands {

  private final CommandSink sink;
  private final Logger log;

  WorkerCommands(CommandSink sink, Logger log) {
    this.sink = sink;
    this.log = log;
  }

  /** Whether the fold accepted the command. */
  boolean submit(String tenantId, Object payload, List<KeyMaterial> material) {
    String command = payload.getClass().getSimpleName();
    CommandOutcome outcome;
    try {
      outcome = sink.submit(tenantId, payload, material);
    } catch (CommandSinkException e) {
      log.warn(
          "tenant {}: {} not submitted, retried next round: {}", tenantId, command, e.getMessage());
      return false;
    }
    if (!outcome.getAccepted()) {
      log.warn(
          "tenant {}: {} refused ({}): {}",
          tenantId,
          command,
          outcome.getRefusal().getType(),
          outcome.getRefusal().getMessage());
    }
    return outcome.getAccepted();
  }
}
