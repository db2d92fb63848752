package dev.keyledger.application;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.CommandSinkException;
import java.util.List;

/** The engine's own commands (workers, usage, unwrap reports), as actor {@value Caller#ENGINE}. */
public final class SystemCommands implements CommandSink {

  private final Commands commands;

  public SystemCommands(Commands commands) {
    this.commands = commands;
  }

  @Override
  public CommandOutcome submit(String tenantId, Object payload, List<KeyMaterial> material)
      throws CommandSinkException {
    try {
      Submission submission = commands.submitAsEngine(tenantId, payload, material);
      if (submission instanceof Submission.Decided decided) {
        return decided.outcome();
      }
      throw CommandSinkException.undecided(
          "command "
              + ((Submission.Pending) submission).commandId()
              + " not decided within "
              + commands.waitTime());
    } catch (LogUnavailableException e) {
      throw new CommandSinkException(e.getMessage(), e);
    }
  }
}
