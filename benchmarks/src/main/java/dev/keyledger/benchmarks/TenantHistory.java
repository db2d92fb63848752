package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.TenantStates;
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
   * The state after registering a key (with DEK v1 under TMK v1), acknowledging the waiver and
   * {@code deks - 1} DEK rotations (v2..v{@code deks}, each under the active TMK v1): {@code deks}
   * DEK records, v{@code deks} active, the others retired. Folds {@link #commandsWithDeks}.
   */
  TenantState foldedWithDeks(int deks) {
    TenantState state = TenantStates.empty(tenant);
    for (CommandEnvelope command : commandsWithDeks(deks)) {
      state = fold(state, command);
    }
    if (state.getDeks().size() != deks) {
      throw new IllegalStateException(
          "expected " + deks + " DEK records, the fold kept " + state.getDeks().size());
    }
    return state;
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

  private static TenantState fold(TenantState state, CommandEnvelope command) {
    Fold.Result result = Fold.apply(state, command);
    if (!result.outcome().getAccepted()) {
      throw new IllegalStateException("refused while building the history: " + result.outcome());
    }
    return result.state();
  }
}
