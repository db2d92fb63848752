package dev.keyledger.application;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.KeyMaterial;
import java.time.Duration;
import java.util.List;

/**
 * Port: the commands log and the fold's answers. A command and the wrapped key material it
 * introduces are written atomically, so the fold never sees one without the other.
 */
public interface CommandLog {

  /**
   * Writes the command (and its key material) and waits up to {@code wait} for the fold's outcome.
   *
   * @throws LogUnavailableException when the log did not take the command; nothing was written
   */
  Submission submit(CommandEnvelope command, List<KeyMaterial> material, Duration wait)
      throws LogUnavailableException;
}
