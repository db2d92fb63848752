package dev.keyledger.application.testing;

import dev.keyledger.application.CommandLog;
import dev.keyledger.application.LogUnavailableException;
import dev.keyledger.application.QueryResult;
import dev.keyledger.application.StateQueries;
import dev.keyledger.application.Submission;
import dev.keyledger.application.TenantView;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.ResourceClaim;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.domain.ResourceClaims;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.engine.testing.TenantMemory;
import dev.keyledger.projections.AlertRules;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.ChainVerifier;
import dev.keyledger.projections.query.AuditFilter;
import dev.keyledger.projections.query.AuditPage;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The commands log, the fold and its stores in memory, for tests of the use cases and the edge with
 * no broker: the {@link CommandLog} and {@link StateQueries} ports as the Kafka adapters implement
 * them. Every submitted command goes through its Avro codec (as on the wire), is decided and
 * evolved with the real {@link Fold}, its events are kept per tenant for the audit queries, its
 * outcome by tenant and command id, its key material under {@link MaterialKeys#of} (and the
 * material the fold erases removed, as the compacted topic's tombstones do). Registrations pass
 * through the claims rule ({@link ResourceClaims}) first, as on the claims topic, and what each
 * folded command settles is applied to the claims, as the fold's claims sink does.
 *
 * <p>Switches for the unhappy paths: {@link #logUnavailable} (nothing is written, {@code submit}
 * throws), {@link #pendNext} (the next commands are written but not decided within the wait, until
 * {@link #decidePending}), {@link #queriesUnavailable} (every query answers {@link
 * QueryResult.Unavailable}). Thread-safe.
 */
public final class InMemoryLog implements CommandLog, StateQueries {

  private final Map<String, TenantState> states = new LinkedHashMap<>();
  private final TenantMemory deks = new TenantMemory();
  private final Map<String, List<EventEnvelope>> events = new HashMap<>();
  private final Map<String, CommandOutcome> outcomes = new HashMap<>();
  private final Map<String, KeyMaterial> material = new HashMap<>();
  private final List<CommandEnvelope> written = new ArrayList<>();
  private final Map<String, ResourceClaim> claimed = new HashMap<>();
  private final ClaimsDesk claims = new ClaimsDesk();

  /** Commands written to the log and not decided yet, in order. */
  private final Deque<CommandEnvelope> held = new ArrayDeque<>();

  private boolean logUnavailable;
  private int pendNext;
  private QueryResult.Unavailable<?> queriesUnavailable;

  // --- switches -----------------------------------------------------------------------------

  /** While on, {@link #submit} throws {@link LogUnavailableException} and writes nothing. */
  public synchronized void logUnavailable(boolean on) {
    logUnavailable = on;
  }

  /**
   * The next {@code count} submitted commands are written to the log but not decided within the
   * caller's wait: {@link #submit} answers {@link Submission.Pending}. They are decided, in order,
   * by {@link #decidePending} or before the next decided command of the same tenant.
   */
  public synchronized void pendNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
    pendNext = count;
  }

  /** Decides every command still waiting (the fold catches up); returns their outcomes in order. */
  public synchronized List<CommandOutcome> decidePending() {
    List<CommandOutcome> decided = new ArrayList<>();
    while (!held.isEmpty()) {
      decided.add(decide(held.poll()));
    }
    return decided;
  }

  /**
   * While on, every query answers {@link QueryResult.Unavailable} with {@code retryAfterSeconds}.
   */
  public synchronized void queriesUnavailable(boolean on, int retryAfterSeconds) {
    queriesUnavailable =
        on
            ? new QueryResult.Unavailable<>(
                "the in-memory stores are switched off", retryAfterSeconds)
            : null;
  }

  /** Every switch off; what was written stays. */
  public synchronized void reset() {
    logUnavailable = false;
    pendNext = 0;
    queriesUnavailable = null;
  }

  // --- CommandLog -----------------------------------------------------------------------------

  @Override
  public synchronized Submission submit(
      CommandEnvelope command, List<KeyMaterial> newMaterial, Duration wait)
      throws LogUnavailableException {
    if (logUnavailable) {
      throw new LogUnavailableException("the in-memory log is switched off", null);
    }
    // As the gateway does: the records go through their codecs; the material is written with the
    // command.
    CommandEnvelope onTheLog = roundTrip(command);
    for (KeyMaterial m : newMaterial) {
      KeyMaterial stored = roundTripMaterial(m);
      material.put(MaterialKeys.of(stored), stored);
    }
    written.add(onTheLog);
    // As the claims processor does, before the fold: a registration naming a resource another
    // tenant holds becomes the claimer's refusal and a note in each holder's fold.
    List<CommandEnvelope> toFolds = claims.process(onTheLog).toFolds();
    CommandEnvelope callers =
        toFolds.stream()
            .filter(c -> c.getCommandId().equals(onTheLog.getCommandId()))
            .findFirst()
            .orElseThrow();
    toFolds.stream().filter(c -> c != callers).forEach(this::decide);
    return submitToFold(callers);
  }

  private Submission submitToFold(CommandEnvelope onTheLog) {
    if (pendNext > 0) {
      pendNext--;
      held.add(onTheLog);
      return new Submission.Pending(onTheLog.getCommandId());
    }
    // The fold reads a tenant's commands in order: earlier, undecided ones of the same tenant
    // first.
    for (Iterator<CommandEnvelope> it = held.iterator(); it.hasNext(); ) {
      CommandEnvelope earlier = it.next();
      if (earlier.getTenantId().equals(onTheLog.getTenantId())) {
        it.remove();
        decide(earlier);
      }
    }
    CommandOutcome outcome = decide(onTheLog);
    return outcome == null
        ? new Submission.Pending(onTheLog.getCommandId())
        : new Submission.Decided(outcome);
  }

  /**
   * Folds one command as the topology does; null when it would be dead-lettered (no outcome ever).
   */
  private CommandOutcome decide(CommandEnvelope command) {
    String tenant = command.getTenantId();
    if (!(TenantIds.isValid(tenant) || TenantIds.PLATFORM.equals(tenant))) {
      return null;
    }
    Fold.Result result = deks.fold(command);
    states.put(tenant, result.state());
    events.computeIfAbsent(tenant, t -> new ArrayList<>()).addAll(result.events());
    outcomes.put(tenant + "/" + command.getCommandId(), result.outcome());
    result.erasedMaterial().forEach(material::remove);
    if (result.claims() != null) {
      claims.process(result.claims());
    }
    return result.outcome();
  }

  // --- StateQueries ---------------------------------------------------------------------------

  @Override
  public synchronized QueryResult<TenantState> tenantState(String tenantId) {
    return unavailableOr(() -> QueryResult.ofNullable(states.get(tenantId)));
  }

  @Override
  public synchronized QueryResult<TenantState> platformState() {
    return tenantState(TenantIds.PLATFORM);
  }

  @Override
  public synchronized QueryResult<TenantView> tenantView(String tenantId) {
    return unavailableOr(
        () -> {
          TenantState state = states.get(tenantId);
          if (state == null) {
            return new QueryResult.NotFound<>();
          }
          Map<Integer, DekState> records = new HashMap<>();
          deks.deks(tenantId).all().forEach(d -> records.put(d.getDek().getVersion(), d));
          return new QueryResult.Found<>(
              new TenantView() {
                @Override
                public TenantState state() {
                  return state;
                }

                @Override
                public QueryResult<DekState> dek(int version) {
                  return QueryResult.ofNullable(records.get(version));
                }
              });
        });
  }

  @Override
  public synchronized QueryResult<List<DekState>> deksNewestFirst(
      String tenantId, int beforeVersion, int limit) {
    return unavailableOr(
        () -> new QueryResult.Found<>(deks.deksNewestFirst(tenantId, beforeVersion, limit)));
  }

  @Override
  public synchronized List<DekState> deks(String tenant, int fromVersion, int limit) {
    return queriesUnavailable != null ? List.of() : deks.deks(tenant, fromVersion, limit);
  }

  @Override
  public synchronized QueryResult<CommandOutcome> outcome(String tenantId, String commandId) {
    return unavailableOr(() -> QueryResult.ofNullable(outcomes.get(tenantId + "/" + commandId)));
  }

  @Override
  public synchronized QueryResult<KeyMaterial> keyMaterial(String key) {
    return unavailableOr(() -> QueryResult.ofNullable(material.get(key)));
  }

  /**
   * As the audit store is read: newest first, from before the cursor, at most a limit, scanning a
   * bounded number.
   */
  @Override
  public synchronized QueryResult<AuditPage> audit(String tenantId, AuditFilter filter) {
    return unavailableOr(
        () -> {
          List<EventEnvelope> page = new ArrayList<>();
          long start =
              filter.beforeSeq() == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : filter.beforeSeq() - 1;
          if (start < 1) {
            return new QueryResult.Found<>(new AuditPage(page, null));
          }
          List<EventEnvelope> chain = events.getOrDefault(tenantId, List.of());
          int i = chain.size() - 1;
          while (i >= 0 && chain.get(i).getSeq() > start) {
            i--;
          }
          long lastSeq = 0;
          int scanned = 0;
          while (i >= 0 && page.size() < filter.limit() && scanned < AuditFilter.MAX_SCANNED) {
            EventEnvelope event = chain.get(i--);
            scanned++;
            lastSeq = event.getSeq();
            if (filter.matches(event)) {
              page.add(event);
            }
          }
          boolean more = i >= 0 && lastSeq > 1;
          return new QueryResult.Found<>(new AuditPage(page, more ? Long.toString(lastSeq) : null));
        });
  }

  /** As the alerts projection folds them: {@link AlertRules} over the tenant's events. */
  @Override
  public synchronized QueryResult<AlertState> alerts(String tenantId) {
    return unavailableOr(
        () -> {
          List<EventEnvelope> chain = events.getOrDefault(tenantId, List.of());
          if (chain.isEmpty()) {
            return new QueryResult.NotFound<>();
          }
          AlertState state = AlertRules.empty(tenantId);
          for (EventEnvelope event : chain) {
            state = AlertRules.apply(state, event).state();
          }
          return new QueryResult.Found<>(state);
        });
  }

  @Override
  public synchronized QueryResult<ChainReport> verifyChain(String tenantId) {
    return unavailableOr(
        () ->
            new QueryResult.Found<>(
                ChainVerifier.verify(List.copyOf(events.getOrDefault(tenantId, List.of())))));
  }

  /**
   * Calls {@code action} on a snapshot of every tenant but the platform's, so it may submit
   * meanwhile.
   */
  @Override
  public void forEach(Consumer<TenantState> action) {
    List<TenantState> snapshot;
    synchronized (this) {
      if (queriesUnavailable != null) {
        return;
      }
      snapshot =
          states.entrySet().stream()
              .filter(e -> !TenantIds.PLATFORM.equals(e.getKey()))
              .map(Map.Entry::getValue)
              .toList();
    }
    snapshot.forEach(action);
  }

  // --- for assertions
  // -----------------------------------------------------------------------------

  /** The tenant's DEK records, oldest version first. */
  public synchronized List<DekState> dekRecords(String tenantId) {
    return deks.deks(tenantId).all();
  }

  /** The tenant's folded state, if it has any. */
  public synchronized Optional<TenantState> state(String tenantId) {
    return Optional.ofNullable(states.get(tenantId));
  }

  /** The tenant's events, oldest first. */
  public synchronized List<EventEnvelope> events(String tenantId) {
    return List.copyOf(events.getOrDefault(tenantId, List.of()));
  }

  /** Every command written so far (decided or not), in order. */
  public synchronized List<CommandEnvelope> written() {
    return List.copyOf(written);
  }

  /** How many written commands are not decided yet. */
  public synchronized int pendingCount() {
    return held.size();
  }

  /** The key-material record under {@code materialKey}, whatever the query switch says. */
  public synchronized Optional<KeyMaterial> material(String materialKey) {
    return Optional.ofNullable(material.get(materialKey));
  }

  /** The tenant holding {@code resource} ({@link ResourceClaims#resources}), if any. */
  public synchronized Optional<String> holderOf(String resource) {
    return Optional.ofNullable(claimed.get(resource)).map(ResourceClaim::getHolder);
  }

  /** The claims store in a map, with {@link ResourceClaims}' rule, as the claims processor. */
  private final class ClaimsDesk implements ResourceClaims.Book {
    ResourceClaims.Routed process(CommandEnvelope command) {
      return ResourceClaims.process(this, command);
    }

    @Override
    public Optional<ResourceClaim> get(String resource) {
      return Optional.ofNullable(claimed.get(resource));
    }

    @Override
    public void put(String resource, ResourceClaim claim) {
      claimed.put(resource, claim);
    }

    @Override
    public void delete(String resource) {
      claimed.remove(resource);
    }
  }

  private <T> QueryResult<T> unavailableOr(Supplier<QueryResult<T>> read) {
    if (queriesUnavailable != null) {
      return new QueryResult.Unavailable<>(
          queriesUnavailable.reason(), queriesUnavailable.retryAfterSeconds());
    }
    return read.get();
  }

  private static CommandEnvelope roundTrip(CommandEnvelope command) {
    try {
      return Codecs.COMMANDS.decode(Codecs.COMMANDS.encode(command));
    } catch (UndecodableRecordException e) {
      throw new IllegalStateException("a command that does not decode: " + e.getMessage(), e);
    }
  }

  private static KeyMaterial roundTripMaterial(KeyMaterial m) {
    try {
      return Codecs.KEY_MATERIAL.decode(Codecs.KEY_MATERIAL.encode(m));
    } catch (UndecodableRecordException e) {
      throw new IllegalStateException("key material that does not decode: " + e.getMessage(), e);
    }
  }
}
