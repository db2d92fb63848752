package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.testing.TenantMemory;
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
   * The state and DEK records after registering a key (with DEK v1 under TMK v1), acknowledging the
   * waiver and {@code deks - 1} DEK rotations (v2..v{@code deks}, each under the active TMK v1):
   * {@code deks} DEK records, v{@code deks} active, the others retired.
   */
  TenantMemory foldedWithDeks(int deks) {
    TenantMemory memory = new TenantMemory();
    fold(memory, commands.registerWithDek(TestCommands.KEY_ARN, TMK_VERSION, 1));
    fold(memory, commands.acknowledge("1.0"));
    for (int version = 2; version <= deks; version++) {
      fold(memory, commands.rotateDek(version, TMK_VERSION));
    }
    int kept = memory.deks(tenant).all().size();
    if (kept != deks) {
      throw new IllegalStateException("expected " + deks + " DEK records, the fold kept " + kept);
    }
    return memory;
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
