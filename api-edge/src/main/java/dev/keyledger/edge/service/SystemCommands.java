package dev.keyledger.edge.service;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.gateway.CommandGateway;
import dev.keyledger.edge.gateway.GatewayUnavailableException;
import dev.keyledger.edge.gateway.Submission;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.CommandSinkException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/** The engine's own commands (workers, usage, automatic rotation): actor {@code keyledger-engine}. */
public final class SystemCommands implements CommandSink {

  /** The principal the audit trail shows for commands the engine sends by itself. */
  public static final String SUB = "keyledger-engine";

  private final CommandGateway gateway;
  private final CommandFactory commands;
  private final Duration wait;

  public SystemCommands(CommandGateway gateway, CommandFactory commands, Duration wait) {
    this.gateway = gateway;
    this.commands = commands;
    this.wait = wait;
  }

  /** The engine acting for one tenant. */
  public static KeyOnboarding.Caller caller(String tenantId) {
    return new KeyOnboarding.Caller(new Principal(SUB, tenantId, EnumSet.of(Role.PLATFORM)), null, null);
  }

  @Override
  public CommandOutcome submit(String tenantId, Object payload, List<KeyMaterial> material) throws CommandSinkException {
    KeyOnboarding.Caller caller = caller(tenantId);
    try {
      Submission submission = gateway.submit(commands.create(tenantId, caller.principal(), null, null, 0, payload), material, wait);
      if (submission instanceof Submission.Decided decided) {
        return decided.outcome();
      }
      throw new CommandSinkException("command " + ((Submission.Pending) submission).commandId() + " not decided within " + wait, null);
    } catch (GatewayUnavailableException e) {
      throw new CommandSinkException(e.getMessage(), e);
    }
  }
}
