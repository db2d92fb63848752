package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-memory share of what {@code CommandFoldProcessor} does per command, against the size of
 * the tenant's history: the {@code tenant-state} store hands the fold a decoded {@link TenantState}
 * holding every DEK the tenant ever had, {@link Fold#apply} decides, chains and evolves it (a deep
 * copy per event), and the store and the sinks encode the new state, the events and the outcome. No
 * broker, no RocksDB, no changelog.
 *
 * <p>The state is built by folding a real history (register with DEK v1, acknowledge the waiver,
 * {@code deks - 1} DEK rotations) and every invocation folds one {@code RecordUsage} onto that same
 * state, with a fresh command id, so each costs the same. {@link #passThrough} is the baseline: a
 * topology that only decodes and re-encodes the command record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FoldBenchmark {
  private static final String TENANT = "tenant-7c1e2f";
  private static final int COMMAND_ID =
      CommandEnvelope.getClassSchema().getField("command_id").pos();

  @Param({"1", "100", "1000"})
  public int deks;

  /** The tenant's state as the store holds it. */
  private byte[] stateBytes;

  /** The same state, decoded once (for {@link #foldOnly}). */
  private TenantState state;

  /** The command of every invocation; only its id changes. */
  private CommandEnvelope usage;

  /** The command as the commands topic holds it (for {@link #passThrough}). */
  private byte[] usageBytes;

  private long invocations;

  @Setup
  public void setUp() throws UndecodableRecordException {
    TenantHistory history = new TenantHistory(TENANT);
    TenantState built = history.foldedWithDeks(deks);
    stateBytes = Codecs.TENANT_STATE.encode(built);
    state = Codecs.TENANT_STATE.decode(stateBytes);
    usage = history.usage(3, 1, deks);
    usageBytes = Codecs.COMMANDS.encode(usage);

    Fold.Result check = Fold.apply(state, usage);
    if (!check.outcome().getAccepted() || check.events().size() != 1) {
      throw new IllegalStateException("the usage command is not accepted: " + check.outcome());
    }
    int eventBytes = Codecs.EVENTS.encode(check.events().get(0)).length;
    int outcomeBytes = Codecs.OUTCOMES.encode(check.outcome()).length;
    System.err.printf(
        "# FoldBenchmark deks=%d: state %d bytes (%.1f bytes/DEK), seq %d; command %d bytes,"
            + " event %d bytes, outcome %d bytes%n",
        deks,
        stateBytes.length,
        (double) stateBytes.length / deks,
        state.getSeq(),
        usageBytes.length,
        eventBytes,
        outcomeBytes);
  }

  /**
   * Gives the command the next id, as each record on the commands topic has its own. In place (the
   * generated classes have no setters): a builder copy per invocation would add its own cost.
   */
  private CommandEnvelope nextUsage() {
    usage.put(COMMAND_ID, TENANT + "-usage-" + ++invocations);
    return usage;
  }

  /**
   * Per command, end to end in memory: store get (decode), fold, store put (encode) and the two
   * sinks (event and outcome encoded). Returns the bytes written.
   */
  @Benchmark
  public int foldUsage() throws UndecodableRecordException {
    TenantState current = Codecs.TENANT_STATE.decode(stateBytes);
    Fold.Result result = Fold.apply(current, nextUsage());
    int written = Codecs.TENANT_STATE.encode(result.state()).length;
    for (EventEnvelope event : result.events()) {
      written += Codecs.EVENTS.encode(event).length;
    }
    return written + Codecs.OUTCOMES.encode(result.outcome()).length;
  }

  /** The store's share: the state decoded and encoded, no fold. */
  @Benchmark
  public byte[] decodeEncodeOnly() throws UndecodableRecordException {
    return Codecs.TENANT_STATE.encode(Codecs.TENANT_STATE.decode(stateBytes));
  }

  /** The fold's share: {@link Fold#apply} on the decoded state, no codec. */
  @Benchmark
  public Fold.Result foldOnly() {
    return Fold.apply(state, nextUsage());
  }

  /**
   * Baseline: a topology that only moves the record, decoding and re-encoding the command envelope.
   * Does not depend on {@code deks}.
   */
  @Benchmark
  public byte[] passThrough() throws UndecodableRecordException {
    return Codecs.COMMANDS.encode(Codecs.COMMANDS.decode(usageBytes));
  }
}
