package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import java.util.ArrayList;
import java.util.List;

/**
 * The tenants of a throughput run, each with its own {@link TenantHistory} (so command ids stay
 * unique per tenant and the builders' clock moves forward): the seed commands that give every
 * tenant {@code deks} DEKs, and usage reports spread round-robin over the tenants.
 */
final class TenantFleet {

  private final List<TenantHistory> histories = new ArrayList<>();
  private final int deks;
  private int nextTenant;

  TenantFleet(int tenants, int deks) {
    for (int i = 0; i < tenants; i++) {
      histories.add(new TenantHistory(String.format("tenant-%05d", i)));
    }
    this.deks = deks;
  }

  int tenants() {
    return histories.size();
  }

  /** How many commands {@link #seedCommands} returns: register, acknowledge, {@code deks - 1}. */
  long seedCount() {
    return (long) histories.size() * (deks + 1);
  }

  /**
   * Every tenant's history ({@link TenantHistory#commandsWithDeks}) interleaved step by step: all
   * registrations, then all acknowledgements, then rotation v2 of every tenant, and so on. Each
   * tenant's own commands stay in order (the commands topic is partitioned by tenant) while every
   * partition gets work from the start. Call once.
   */
  List<CommandEnvelope> seedCommands() {
    List<List<CommandEnvelope>> perTenant = new ArrayList<>();
    for (TenantHistory history : histories) {
      perTenant.add(history.commandsWithDeks(deks));
    }
    List<CommandEnvelope> interleaved = new ArrayList<>();
    for (int step = 0; step <= deks; step++) {
      for (List<CommandEnvelope> commands : perTenant) {
        interleaved.add(commands.get(step));
      }
    }
    return interleaved;
  }

  /** {@code count} usage reports against each tenant's active DEK (v{@code deks}), round-robin. */
  List<CommandEnvelope> usage(int count) {
    List<CommandEnvelope> commands = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      commands.add(histories.get(nextTenant).usage(3, 1, deks));
      nextTenant = (nextTenant + 1) % histories.size();
    }
    return commands;
  }
}
