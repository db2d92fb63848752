package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.TenantStates;
import dev.keyledger.engine.testing.TestCommands;

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
   * DEK records, v{@code deks} active, the others retired.
   */
  TenantState foldedWithDeks(int deks) {
    TenantState state =
        fold(
            TenantStates.empty(tenant),
            commands.registerWithDek(TestCommands.KEY_ARN, TMK_VERSION, 1));
    state = fold(state, commands.acknowledge("1.0"));
    for (int version = 2; version <= deks; version++) {
      state = fold(state, commands.rotateDek(version, TMK_VERSION));
    }
    if (state.getDeks().size() != deks) {
      throw new IllegalStateException(
          "expected " + deks + " DEK records, the fold kept " + state.getDeks().size());
    }
    return state;
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
