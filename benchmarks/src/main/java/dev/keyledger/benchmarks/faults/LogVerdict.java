package dev.keyledger.benchmarks.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.application.KeyStatus;
import dev.keyledger.application.Outcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.event.CommandRefused;
import dev.keyledger.avro.event.KeysProvisioned;
import dev.keyledger.edge.api.KeyViews;
import dev.keyledger.edge.api.TenantKmsController;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.cli.log.EventLog;
import dev.keyledger.edge.cli.log.LogReplay;
import dev.keyledger.edge.cli.log.ReadProgress;
import dev.keyledger.edge.cli.log.RecordSink;
import dev.keyledger.edge.cli.log.ReplayedTenant;
import dev.keyledger.edge.cli.log.TenantChains;
import dev.keyledger.edge.http.Json;
import dev.keyledger.engine.domain.EncryptionReservations;
import dev.keyledger.engine.domain.Operations;
import dev.keyledger.engine.domain.TenantIds;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.schemas.Codecs;
import dev.keyledger.schemas.UndecodableRecordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The verdict on one run, from the event log alone (read as {@code keyledger replay} and {@code
 * audit verify} read it: committed records only, every partition) against what the node told the
 * harness ({@link Ledger}), once the load has stopped:
 *
 * <ul>
 *   <li><b>lost</b>: a command answered 2xx whose request id no event carries as its {@code
 *       correlation_id}, or a 202 whose command was then decided {@code accepted} but has no event;
 *   <li><b>duplicated</b>: an event id that appears twice, or one request id carried by the events
 *       of two commands;
 *   <li><b>chain breaks</b>: tenants whose chain (seq gap-free, each {@code prev_hash} the previous
 *       {@code hash}) breaks, as {@code keyledger audit verify} walks it;
 *   <li><b>state != replay</b>: tenants whose {@code GET /api/v1/byok/keys} or {@code GET
 *       /admin/tenant-kms} differs from the same view of the tenant rebuilt from the log by the
 *       engine's own evolver (compared again, up to a bound, while the node still folds a usage
 *       flush or a rewrap batch);
 *   <li><b>undecryptable</b>: ciphertexts the node made that no longer decrypt to their plaintext;
 *   <li><b>unresolved 202s</b>: commands answered 202 that {@code GET /api/v1/byok/commands/{id}}
 *       still does not decide within a minute;
 *   <li><b>DEKs under</b>: DEKs whose folded used + reserved encryptions (the DEK record's {@code
 *       encryptions} and the instances' reservations of it) are below the encryptions the node
 *       answered 200 with it. Usage is reserved before it is used, so this must be 0 after any
 *       kill.
 * </ul>
 */
final class LogVerdict {

  /** The figures of one run. */
  record Figures(
      long commands,
      long lost,
      long duplicated,
      long chainBreaks,
      long stateMismatches,
      long ciphertexts,
      long undecryptable,
      long pending,
      long unresolved,
      long encryptions,
      long encryptionsCounted,
      long deksUndercounted,
      long deks,
      long events,
      List<String> problems) {}

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The kind of every event of a command that provisions platform-managed keys. */
  private static final String PROVISION = "provision";

  private final NodeApi api;
  private final String bootstrapServers;
  private final Ledger ledger;
  private final List<String> problems = new ArrayList<>();

  LogVerdict(NodeApi api, String bootstrapServers, Ledger ledger) {
    this.api = api;
    this.bootstrapServers = bootstrapServers;
    this.ledger = ledger;
  }

  Figures judge() throws InterruptedException {
    Map<String, String> accepted202 = new ConcurrentHashMap<>();
    long unresolved = resolvePending(accepted202);
    List<String> tenants = ledger.tenants();
    long deadline = System.nanoTime() + WAIT.toNanos();
    Read read;
    long mismatches;
    do {
      read = read(tenants);
      mismatches = mismatches(read, tenants, false);
      if (mismatches > 0) {
        // The node may still be folding a usage flush or a rewrap batch: read again.
        Thread.sleep(2_000);
      }
    } while (mismatches > 0 && System.nanoTime() < deadline);
    if (mismatches > 0) {
      mismatches = mismatches(read, tenants, true);
    }
    long lost = 0;
    for (var ack : ledger.acknowledged().entrySet()) {
      if (!read.commandsByRequest.containsKey(ack.getKey())) {
        lost++;
        problems.add(
            "lost: "
                + ack.getValue().operation()
                + " of "
                + ack.getValue().tenant()
                + ", request "
                + ack.getKey());
      }
    }
    for (String commandId : accepted202.keySet()) {
      if (!read.commandIds.contains(commandId)) {
        lost++;
        problems.add("lost: command " + commandId + " (answered 202, then accepted)");
      }
    }
    long duplicated = read.repeatedEvents.get();
    for (var e : read.commandsByRequest.entrySet()) {
      // A registration of a tenant without keys provisions its platform-managed keys first, under
      // the same request; any other second command of a request is the request applied twice.
      Map<String, Set<String>> byCommand = e.getValue();
      long applied =
          byCommand.values().stream().filter(kinds -> !kinds.contains(PROVISION)).count();
      if (ledger.acknowledged().containsKey(e.getKey()) && applied > 1) {
        duplicated++;
        problems.add("duplicated: request " + e.getKey() + " made commands " + byCommand);
      }
    }
    long breaks = 0;
    for (var chain : read.chains.reports().entrySet()) {
      ChainReport report = chain.getValue();
      if (!report.intact()) {
        breaks++;
        problems.add(
            "chain of "
                + chain.getKey()
                + " breaks at seq "
                + report.brokenAtSeq()
                + ": "
                + report.reason());
      }
    }
    awaitUnsealed();
    long[] decrypts = decryptAll();
    long encryptions = 0;
    long counted = 0;
    long undercounted = 0;
    Map<String, Long> made = ledger.encryptionsByDek();
    for (var e : made.entrySet()) {
      long folded = foldedEncryptions(read, e.getKey());
      encryptions += e.getValue();
      counted += Math.min(folded, e.getValue());
      if (folded < e.getValue()) {
        undercounted++;
      }
    }
    return new Figures(
        ledger.acknowledged().size() + accepted202.size(),
        lost,
        duplicated,
        breaks,
        mismatches,
        decrypts[0],
        decrypts[1],
        ledger.pending().size(),
        unresolved,
        encryptions,
        counted,
        undercounted,
        made.size(),
        read.events.sum(),
        List.copyOf(problems));
  }

  /** Polls every 202's command until it is decided; the accepted ones go into {@code accepted}. */
  private long resolvePending(Map<String, String> accepted) throws InterruptedException {
    Set<String> open = new HashSet<>(ledger.pending().keySet());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      for (String id : List.copyOf(open)) {
        String tenant = ledger.pending().get(id);
        NodeApi.Answer a = api.get("/api/v1/byok/commands/" + id, api.token(tenant, Role.AUDITOR));
        if (a != null && a.status() == 200) {
          open.remove(id);
          if ("accepted".equals(a.body().path("status").asText())) {
            accepted.put(id, tenant);
          }
        }
      }
      if (!open.isEmpty()) {
        Thread.sleep(1_000);
      }
    }
    open.forEach(id -> problems.add("unresolved 202: command " + id));
    return open.size();
  }

  /** The log as read once: chains, replayed tenants, and which request made which command. */
  private static final class Read implements RecordSink {
    final TenantChains chains = new TenantChains(t -> true);
    final LogReplay replay = new LogReplay(t -> true, null);

    /**
     * Request id -> command id -> the kinds of event it made ({@link #PROVISION} for provisioning).
     */
    final Map<String, Map<String, Set<String>>> commandsByRequest = new ConcurrentHashMap<>();

    final Set<String> commandIds = ConcurrentHashMap.newKeySet();
    final Set<String> eventIds = ConcurrentHashMap.newKeySet();
    final AtomicLong repeatedEvents = new AtomicLong();
    final LongAdder events = new LongAdder();

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
      chains.accept(record);
      replay.accept(record);
      EventEnvelope event;
      try {
        event = Codecs.EVENTS.decode(record.value());
      } catch (UndecodableRecordException e) {
        return; // the chain check reports it
      }
      events.increment();
      if (!eventIds.add(event.getEventId())) {
        repeatedEvents.incrementAndGet();
      }
      commandIds.add(event.getCommandId());
      if (event.getCorrelationId() != null) {
        commandsByRequest
            .computeIfAbsent(event.getCorrelationId(), r -> new ConcurrentHashMap<>())
            .computeIfAbsent(event.getCommandId(), c -> ConcurrentHashMap.newKeySet())
            .add(
                event.getPayload() instanceof KeysProvisioned
                        || event.getPayload() instanceof CommandRefused refused
                            && Operations.PROVISION.equals(refused.getOperation())
                    ? PROVISION
                    : event.getPayload().getClass().getSimpleName());
      }
    }
  }

  private Read read(List<String> tenants) {
    Read read = new Read();
    try (EventLog log =
        EventLog.open(
            Map.of("bootstrap.servers", bootstrapServers, "client.id", "fault-trials"),
            "keyledger.events",
            Duration.ofSeconds(30))) {
      log.read(log.allPartitions(), read, ReadProgress.NONE);
    }
    return read;
  }

  /** Tenants whose live views differ from their replay; with {@code report}, each is named. */
  private long mismatches(Read read, List<String> tenants, boolean report) {
    ReplayedTenant platform = read.replay.tenant(TenantIds.PLATFORM).orElse(null);
    long mismatched = 0;
    for (String tenant : tenants) {
      ReplayedTenant replayed = read.replay.tenant(tenant).orElse(null);
      NodeApi.Answer keys = api.get("/api/v1/byok/keys", api.token(tenant, Role.AUDITOR));
      NodeApi.Answer kms = api.get("/admin/tenant-kms", api.token(tenant, Role.AUDITOR));
      JsonNode replayKeys = null;
      JsonNode replayKms = null;
      if (replayed != null && replayed.state().getSeq() > 0) {
        Outcome<KeyStatus.BoundKey> view =
            KeyStatus.byokKey(
                replayed.state(),
                platform == null ? null : platform.state(),
                KeyStatus.DekPage.FIRST,
                replayed);
        if (view instanceof Outcome.Done<KeyStatus.BoundKey> done) {
          replayKeys = asServed(KeyViews.Key.of(done.value()));
          replayKms = asServed(TenantKmsController.KmsConfig.of(replayed.state()));
        }
      }
      boolean same =
          keys != null
              && kms != null
              && (replayKeys == null
                  ? keys.status() == 404
                  : keys.status() == 200
                      && replayKeys.equals(keys.body())
                      && kms.status() == 200
                      && replayKms.equals(kms.body()));
      if (!same) {
        mismatched++;
        if (report) {
          problems.add(
              "state != replay for "
                  + tenant
                  + ": keys "
                  + differences(keys, replayKeys)
                  + "; tenant-kms "
                  + differences(kms, replayKms));
        }
      }
    }
    return mismatched;
  }

  /** Where a live answer differs from the replay's view: the differing fields, live vs replay. */
  private static String differences(NodeApi.Answer live, JsonNode replay) {
    if (live == null) {
      return "unanswered";
    }
    if (live.body() == null || replay == null || live.status() != 200) {
      return "live " + live.status() + " " + live.body() + " vs replay " + replay;
    }
    List<String> fields = new ArrayList<>();
    differences("", live.body(), replay, fields);
    return fields.isEmpty() ? "same" : String.join(", ", fields);
  }

  private static void differences(String path, JsonNode live, JsonNode replay, List<String> out) {
    if (live.isObject() && replay != null && replay.isObject()) {
      Set<String> names = new java.util.TreeSet<>();
      live.fieldNames().forEachRemaining(names::add);
      replay.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        differences(
            path + "." + name, live.path(name), replay.has(name) ? replay.get(name) : null, out);
      }
    } else if (live.isArray()
        && replay != null
        && replay.isArray()
        && live.size() == replay.size()) {
      for (int i = 0; i < live.size(); i++) {
        differences(path + "[" + i + "]", live.get(i), replay.get(i), out);
      }
    } else if (!live.equals(replay)) {
      out.add(path + " " + live + " vs " + replay);
    }
  }

  /** A view as the edge serves it: its JSON text, parsed as the harness parses an answer. */
  private static JsonNode asServed(Object view) {
    try {
      return JSON.readTree(Json.mapper().writeValueAsString(view));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Waits until no tenant of the load is sealed: a KMS call that timed out under load seals its
   * tenant until the node's seal watcher reaches the CMK again (every {@link
   * FaultTrials#SEAL_RETRY}). A tenant still sealed after a few retries is a problem of its own,
   * reported with the node's reason, not as undecryptable data.
   */
  private void awaitUnsealed() throws InterruptedException {
    long deadline = System.nanoTime() + FaultTrials.SEAL_RETRY.multipliedBy(4).toNanos();
    Set<String> sealed = new HashSet<>(ledger.tenants());
    Map<String, String> reasons = new ConcurrentHashMap<>();
    int waitedFor = -1;
    while (true) {
      sealed.removeIf(tenant -> !stillSealed(tenant, reasons));
      if (waitedFor < 0) {
        waitedFor = sealed.size();
      }
      if (sealed.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      // The node tells no one when it unseals a tenant, so its API is polled (bounded above).
      Thread.sleep(250);
    }
    if (waitedFor > 0) {
      System.out.printf(
          "[verdict] %d tenant(s) sealed by a KMS failure during the load, %d still sealed%n",
          waitedFor, sealed.size());
    }
    for (String tenant : sealed) {
      problems.add("still sealed: " + tenant + ": " + reasons.get(tenant));
    }
  }

  private boolean stillSealed(String tenant, Map<String, String> reasons) {
    NodeApi.Answer keys = api.get("/api/v1/byok/keys", api.token(tenant, Role.AUDITOR));
    if (keys == null || keys.status() != 200) {
      return keys == null; // 404: platform-managed keys only, which nothing seals
    }
    if (!keys.body().path("sealed").asBoolean(false)) {
      return false;
    }
    reasons.put(tenant, keys.body().path("last_verify_error").asText("?"));
    return true;
  }

  /** Decrypts every ciphertext the node made; returns {ciphertexts, undecryptable}. */
  private long[] decryptAll() throws InterruptedException {
    List<Ledger.Sealed> all = ledger.sealed();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    LongAdder bad = new LongAdder();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Ledger.Sealed s : all) {
        done.add(
            pool.submit(
                () -> {
                  NodeApi.Answer a = MixedLoad.decryptOnce(api, s);
                  if (a == null
                      || a.status() != 200
                      || !MixedLoad.plaintextOf(a).equals(s.plaintext())) {
                    bad.increment();
                    synchronized (problems) {
                      if (problems.size() < 200) {
                        problems.add(
                            "undecryptable: a ciphertext of "
                                + s.tenant()
                                + ": "
                                + (a == null ? "unanswered" : a.status() + " " + a.body()));
                      }
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          bad.increment();
        }
      }
    } finally {
      pool.shutdown();
    }
    return new long[] {all.size(), bad.sum()};
  }

  /** The DEK's folded used + reserved encryptions, as a replay of the log rebuilds them. */
  private long foldedEncryptions(Read read, String dekId) {
    String tenant = ledger.tenantOfDek(dekId);
    return read.replay.tenant(tenant).stream()
        .flatMap(
            t ->
                t.all().stream()
                    .filter(d -> d.getDek().getDekId().equals(dekId))
                    .map(d -> EncryptionReservations.committed(t.state(), d)))
        .findFirst()
        .orElse(0L);
  }
}
