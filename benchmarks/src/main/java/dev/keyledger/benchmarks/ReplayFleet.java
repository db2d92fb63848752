package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.engine.testing.TestCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * The tenants of a replay benchmark and their histories, from the engine's own command builders
 * ({@link TestCommands}). Every tenant has the same shape of history, {@code length} commands:
 *
 * <ol>
 *   <li>{@code RegisterKey} with DEK v1 under TMK v1, then {@code AcknowledgeWaiver} (the tenant is
 *       active);
 *   <li>then, step {@code i = 2 .. length-1}: a {@code RotateDek} (next version, under TMK v1)
 *       every 25th step, a {@code LeaseDataKey} of 1,000 encryptions of the active DEK every 10th
 *       step (offset 5), and otherwise a {@code RecordUsage} against the active DEK (what the
 *       edge's usage flush sends every few seconds per tenant in use).
 * </ol>
 *
 * <p>So a 197-command history has 7 rotations (8 DEKs), 16 leases and 172 usage reports. The
 * commands are folded once in memory with the real {@link Fold} (untimed) to check that every one
 * is accepted and to count the events the fold will write.
 */
final class ReplayFleet {

  private static final int TMK_VERSION = 1;
  private static final int ROTATE_EVERY = 25;
  private static final int LEASE_EVERY = 10;

  private final List<List<CommandEnvelope>> histories = new ArrayList<>();
  private final long events;

  private ReplayFleet(List<List<CommandEnvelope>> histories, long events) {
    this.histories.addAll(histories);
    this.events = events;
  }

  /** {@code tenants} tenants with {@code length} commands each, folded in memory to check them. */
  static ReplayFleet of(int tenants, int length) {
    List<List<CommandEnvelope>> histories = new ArrayList<>();
    TenantMemory memory = new TenantMemory();
    long events = 0;
    for (int t = 0; t < tenants; t++) {
      List<CommandEnvelope> history = history(String.format("tenant-%05d", t), length);
      for (CommandEnvelope command : history) {
        events += fold(memory, command);
      }
      memory.clear();
      histories.add(history);
    }
    return new ReplayFleet(histories, events);
  }

  /**
   * The history length whose events per tenant first reach {@code eventsPerTenant}, found by
   * folding a trial tenant command by command.
   */
  static int lengthFor(long eventsPerTenant) {
    TenantMemory memory = new TenantMemory();
    TestCommands commands = new TestCommands("trial");
    long events = 0;
    int length = 0;
    int dek = 1;
    while (events < eventsPerTenant || length < 2) {
      CommandEnvelope command = next(commands, length, dek);
      if (length >= 2 && length % ROTATE_EVERY == 0) {
        dek++;
      }
      events += fold(memory, command);
      length++;
    }
    return length;
  }

  private static List<CommandEnvelope> history(String tenant, int length) {
    TestCommands commands = new TestCommands(tenant);
    List<CommandEnvelope> history = new ArrayList<>(length);
    int dek = 1;
    for (int step = 0; step < length; step++) {
      history.add(next(commands, step, dek));
      if (step >= 2 && step % ROTATE_EVERY == 0) {
        dek++;
      }
    }
    return history;
  }

  /** The command of step {@code step}; {@code dek} is the active DEK version before it. */
  private static CommandEnvelope next(TestCommands commands, int step, int dek) {
    if (step == 0) {
      return commands.registerWithDek(TestCommands.KEY_ARN, TMK_VERSION, 1);
    }
    if (step == 1) {
      return commands.acknowledge("1.0");
    }
    if (step % ROTATE_EVERY == 0) {
      return commands.rotateDek(dek + 1, TMK_VERSION);
    }
    if (step % LEASE_EVERY == 5) {
      return commands.lease(dek, TMK_VERSION, 1000);
    }
    return commands.usage(3, 1, dek);
  }

  private static int fold(TenantMemory memory, CommandEnvelope command) {
    Fold.Result result = memory.fold(command);
    if (!result.outcome().getAccepted()) {
      throw new IllegalStateException("refused while building the history: " + result.outcome());
    }
    return result.events().size();
  }

  int tenants() {
    return histories.size();
  }

  /** Commands in all histories. */
  long commands() {
    return histories.stream().mapToLong(List::size).sum();
  }

  /** Events the fold writes for them (from the in-memory fold). */
  long events() {
    return events;
  }

  /**
   * Every history interleaved step by step (step 0 of every tenant, then step 1, ...): each
   * tenant's commands stay in order while every partition gets work from the start.
   */
  List<CommandEnvelope> interleaved() {
    List<CommandEnvelope> all = new ArrayList<>((int) commands());
    int longest = histories.stream().mapToInt(List::size).max().orElse(0);
    for (int step = 0; step < longest; step++) {
      for (List<CommandEnvelope> history : histories) {
        if (step < history.size()) {
          all.add(history.get(step));
        }
      }
    }
    return all;
  }
}
