package dev.keyledger.engine.testing;

import dev.keyledger.avro.Actor;
import dev.keyledger.avro.CommandEnvelope;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.state.DekState;
import dev.keyledger.avro.state.TenantState;
import dev.keyledger.engine.domain.Fold;
import dev.keyledger.engine.domain.MaterialKeys;
import dev.keyledger.engine.keys.KeyStateSource;
import dev.keyledger.engine.workers.CommandSink;
import dev.keyledger.engine.workers.LocalTenants;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's fold in memory, for tests of code that submits commands: every submitted command is
 * decided and evolved with the real {@link Fold}, its key material stored under its {@link
 * MaterialKeys} record key and the material the fold erases removed, as the topology does with the
 * key-material topic. It is also the tenant-state store ({@link LocalTenants}) and the key-material
 * store ({@link KeyStateSource}) the workers and the key ring read. Thread-safe.
 */
public final class InMemoryEngine implements CommandSink, LocalTenants, KeyStateSource {

  /** A command as submitted and what the fold made of it. */
  public record Submitted(
      String tenantId, Object payload, CommandOutcome outcome, List<EventEnvelope> events) {}

  private record Pending(Object payload, List<KeyMaterial> material) {}

  private static final Actor ENGINE =
      Actor.newBuilder().setSub("keyledger-engine").setRoles(List.of("platform")).build();

  private final TenantMemory tenants = new TenantMemory();
  private final Map<String, KeyMaterial> material = new HashMap<>();
  private final List<Submitted> submitted = new ArrayList<>();
  private final Map<String, Deque<Pending>> interleaved = new HashMap<>();
  private Instant clock = Instant.parse("2026-11-01T10:00:00Z");
  private long ids;

  @Override
  public synchronized CommandOutcome submit(
      String tenantId, Object payload, List<KeyMaterial> newMaterial) {
    Deque<Pending> first = interleaved.getOrDefault(tenantId, new ArrayDeque<>());
    while (!first.isEmpty()) {
      Pending other = first.poll();
      apply(tenantId, other.payload(), other.material());
    }
    return apply(tenantId, payload, newMaterial);
  }

  /**
   * Makes another writer's command reach the tenant just before the next command submitted for it.
   */
  public synchronized void beforeNextSubmit(
      String tenantId, Object payload, List<KeyMaterial> newMaterial) {
    interleaved
        .computeIfAbsent(tenantId, t -> new ArrayDeque<>())
        .add(new Pending(payload, List.copyOf(newMaterial)));
  }

  private CommandOutcome apply(String tenantId, Object payload, List<KeyMaterial> newMaterial) {
    newMaterial.forEach(m -> material.put(MaterialKeys.of(m), m));
    clock = clock.plusSeconds(1);
    CommandEnvelope command =
        CommandEnvelope.newBuilder()
            .setCommandId("cmd-" + ++ids)
            .setTenantId(tenantId)
            .setIssuedAt(clock)
            .setActor(ENGINE)
            .setPayload(payload)
            .build();
    Fold.Result result = tenants.fold(command);
    result.erasedMaterial().forEach(material::remove);
    submitted.add(new Submitted(tenantId, payload, result.outcome(), result.events()));
    notifyAll();
    return result.outcome();
  }

  /** Calls {@code action} on a snapshot of every tenant, so it may submit commands meanwhile. */
  @Override
  public void forEach(Consumer<TenantState> action) {
    List<TenantState> snapshot;
    synchronized (this) {
      snapshot = tenants.states();
    }
    snapshot.forEach(action);
  }

  @Override
  public synchronized Optional<KeyMaterial> material(String materialKey) {
    return Optional.ofNullable(material.get(materialKey));
  }

  public synchronized TenantState state(String tenantId) {
    return tenants.state(tenantId);
  }

  @Override
  public synchronized List<DekState> deks(String tenant, int fromVersion, int limit) {
    return tenants.deks(tenant, fromVersion, limit);
  }

  /** Every DEK record of the tenant, oldest version first. */
  public synchronized List<DekState> deks(String tenantId) {
    return tenants.deks(tenantId).all();
  }

  /** Every command submitted so far, in order. */
  public synchronized List<Submitted> submitted() {
    return List.copyOf(submitted);
  }

  /** The payloads of type {@code type} submitted for {@code tenantId}, in order. */
  public synchronized <T> List<T> payloads(String tenantId, Class<T> type) {
    return submitted.stream()
        .filter(s -> s.tenantId().equals(tenantId))
        .map(Submitted::payload)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  /**
   * Waits until at least {@code count} payloads of type {@code type} were submitted for {@code
   * tenantId} (by other threads), at most {@code timeout}; returns them all.
   */
  public synchronized <T> List<T> awaitPayloads(
      String tenantId, Class<T> type, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<T> found = payloads(tenantId, type);
    while (found.size() < count && System.nanoTime() < deadline) {
      TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
      found = payloads(tenantId, type);
    }
    return found;
  }

  /** The event payloads of type {@code type} the fold appended for {@code tenantId}, in order. */
  public synchronized <T> List<T> events(String tenantId, Class<T> type) {
    return submitted.stream()
        .filter(s -> s.tenantId().equals(tenantId))
        .flatMap(s -> s.events().stream())
        .map(EventEnvelope::getPayload)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}
