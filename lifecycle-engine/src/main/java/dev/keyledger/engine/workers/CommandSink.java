package dev.keyledger.engine.workers;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import java.util.List;

/**
 * Where workers send the commands they decide to send, as the engine's own actor. The fold decides;
 * a worker never changes state itself. Implemented at the edge by the command gateway.
 */
public interface CommandSink {

  /**
   * Writes the command (and the key material it introduces, in the same transaction) and waits for
   * its outcome.
   *
   * @param tenantId the tenant (the record key)
   * @param payload a command payload of {@code dev.keyledger.avro.command}
   * @throws CommandSinkException when the command could not be written or was not decided in time
   */
  CommandOutcome submit(String tenantId, Object payload, List<KeyMaterial> material)
      throws CommandSinkException;
}
