package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's history folded with the real {@link Fold}, from the engine's own command builders
 * ({@link TestCommands}): the state a benchmark starts from.
 */
final class TenantHistory {

  private static final int TMK_VERSION = 1;

  private final String tenant;
  private final TestCommands commands;

  TenantHistory(String tenant) {
    this.tenant = tenant;
    this.commands = new TestCommands(tenant);
  }

  /**
   * The state and DEK records after registering a key (with DEK v1 under TMK v1), acknowledging the
   * waiver and {@code deks - 1} DEK rotations (v2..v{@code deks}, each under the active TMK v1):
   * {@code deks} DEK records, v{@code deks} active, the others retired. Folds {@link
   * #commandsWithDeks}.
   */
  TenantMemory foldedWithDeks(int deks) {
    TenantMemory memory = new TenantMemory();
    for (CommandEnvelope command : commandsWithDeks(deks)) {
      fold(memory, command);
    }
    int kept = memory.deks(tenant).all().size();
    if (kept != deks) {
      throw new IllegalStateException("expected " + deks + " DEK records, the fold kept " + kept);
    }
    return memory;
  }

  /**
   * The commands of that history, in order: register with DEK v1, acknowledge the waiver, {@code
   * deks - 1} DEK rotations. Call once per history: the builders' ids and clock move on.
   */
  List<CommandEnvelope> commandsWithDeks(int deks) {
    List<CommandEnvelope> history = new ArrayList<>(deks + 1);
    history.add(commands.registerWithDek(TestCommands.KEY_ARN, TMK_VERSION, 1));
    history.add(commands.acknowledge("1.0"));
    for (int version = 2; version <= deks; version++) {
      history.add(commands.rotateDek(version, TMK_VERSION));
    }
    return history;
  }

  /** A usage report against DEK v{@code dekVersion} (the active one, in a benchmark). */
  CommandEnvelope usage(long encryptions, long decryptions, int dekVersion) {
    return commands.usage(encryptions, decryptions, dekVersion);
  }

  private static void fold(TenantMemory memory, CommandEnvelope command) {
    Fold.Result result = memory.fold(command);
    if (!result.outcome().getAccepted()) {
      throw new IllegalStateException("refused while building the history: " + result.outcome());
    }
  }
}
