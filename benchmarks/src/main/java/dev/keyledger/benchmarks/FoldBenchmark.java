package dev.keyledger.benchmarks;

import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.DekRecords;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * the tenant's history: the {@code tenant-state} store hands the fold the decoded {@link
 * TenantState} (which no longer holds the DEK records), {@link Fold#apply} decides, chains and
 * evolves it, reading the DEK records it names from the {@code tenant-deks} store (decoded on each
 * read, as the store does), and the stores and the sinks encode the new state, the DEK records it
 * wrote, the events and the outcome. No broker, no RocksDB, no changelog.
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

  /** The DEK records as their store holds them, decoded on each read. */
  private DekRecords storedDeks;

  /** The DEK records decoded once (for {@link #foldOnly}). */
  private DekRecords decodedDeks;

  /** The command of every invocation; only its id changes. */
  private CommandEnvelope usage;

  /** The command as the commands topic holds it (for {@link #passThrough}). */
  private byte[] usageBytes;

  private long invocations;

  @Setup
  public void setUp() throws UndecodableRecordException {
    TenantHistory history = new TenantHistory(TENANT);
    TenantMemory built = history.foldedWithDeks(deks);
    stateBytes = Codecs.TENANT_STATE.encode(built.state(TENANT));
    state = Codecs.TENANT_STATE.decode(stateBytes);
    decodedDeks = built.deks(TENANT);
    Map<Integer, byte[]> encoded = new HashMap<>();
    decodedDeks
        .all()
        .forEach(d -> encoded.put(d.getDek().getVersion(), Codecs.DEK_STATE.encode(d)));
    storedDeks = new EncodedDeks(encoded);
    usage = history.usage(3, 1, deks);
    usageBytes = Codecs.COMMANDS.encode(usage);

    Fold.Result check = Fold.apply(state, storedDeks, usage);
    if (!check.outcome().getAccepted() || check.events().size() != 1) {
      throw new IllegalStateException("the usage command is not accepted: " + check.outcome());
    }
    int eventBytes = Codecs.EVENTS.encode(check.events().get(0)).length;
    int outcomeBytes = Codecs.OUTCOMES.encode(check.outcome()).length;
    System.err.printf(
        "# FoldBenchmark deks=%d: state %d bytes, seq %d; %d DEK record(s) written per command;"
            + " command %d bytes, event %d bytes, outcome %d bytes%n",
        deks,
        stateBytes.length,
        state.getSeq(),
        check.dekWrites().size(),
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
   * Per command, end to end in memory: state get (decode), fold (reading the DEK records it names,
   * decoded), state and DEK records put (encoded) and the two sinks (event and outcome encoded).
   * Returns the bytes written.
   */
  @Benchmark
  public int foldUsage() throws UndecodableRecordException {
    TenantState current = Codecs.TENANT_STATE.decode(stateBytes);
    Fold.Result result = Fold.apply(current, storedDeks, nextUsage());
    int written = Codecs.TENANT_STATE.encode(result.state()).length;
    for (DekState dek : result.dekWrites()) {
      written += Codecs.DEK_STATE.encode(dek).length;
    }
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

  /** The fold's share: {@link Fold#apply} on the decoded state and records, no codec. */
  @Benchmark
  public Fold.Result foldOnly() {
    return Fold.apply(state, decodedDeks, nextUsage());
  }

  /**
   * Baseline: a topology that only moves the record, decoding and re-encoding the command envelope.
   * Does not depend on {@code deks}.
   */
  @Benchmark
  public byte[] passThrough() throws UndecodableRecordException {
    return Codecs.COMMANDS.encode(Codecs.COMMANDS.decode(usageBytes));
  }

  /** DEK records as a store holds them: encoded, decoded on each read. */
  private record EncodedDeks(Map<Integer, byte[]> records) implements DekRecords {
    @Override
    public Optional<DekState> version(int version) {
      byte[] bytes = records.get(version);
      return Optional.ofNullable(bytes == null ? null : decode(bytes));
    }

    @Override
    public List<DekState> all() {
      return records.values().stream().map(EncodedDeks::decode).toList();
    }

    private static DekState decode(byte[] bytes) {
      try {
        return Codecs.DEK_STATE.decode(bytes);
      } catch (UndecodableRecordException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
