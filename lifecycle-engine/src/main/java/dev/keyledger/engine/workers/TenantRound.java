package dev.keyledger.engine.workers;

import dev.keyledger.avro.state.TenantState;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * One worker round over the owned tenants, in which one tenant's failure never stops the others.
 */
final class TenantRound {

  private TenantRound() {}

  /**
   * Runs {@code step} for each owned tenant that {@code due} selects; a step that throws is logged
   * at WARN.
   */
  static void forEach(
      LocalTenants tenants, Predicate<TenantState> due, Consumer<TenantState> step, Logger log) {
    tenants.forEach(
        state -> {
          try {
            if (due.test(state)) {
              step.accept(state);
            }
          } catch (RuntimeException e) {
            log.warn("tenant {}: round failed, retried next round", state.getTenantId(), e);
          }
        });
  }
}
