package dev.keyledger.engine.keys;

import dev.keyledger.avro.KeyMaterial;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Key material that may still be on its way: a lookup that misses waits, up to a bound, for the
 * key-material table to receive the record. The gateway writes a command and its key material in
 * one transaction, but the fold and the table read two topics, whose records become readable
 * independently (each partition's transaction marker lands on its own), so the fold may answer a
 * rotation before the table holds the new DEK's wrapped bytes. Waiting here keeps a request right
 * after a rotation from failing with "key material missing".
 *
 * <p>The table tells {@link #arrived} of each record it stores (wire it as the topology's key
 * material arrivals); a waiter re-reads the source after it registered, so an arrival just before
 * the registration is not missed. A record that never comes (it was erased) costs the waiting
 * caller the bound once.
 */
public final class AwaitedKeyMaterial implements KeyStateSource {

  private final KeyStateSource source;
  private final Duration maxWait;
  private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

  /**
   * @param source the key-material table
   * @param maxWait how long a miss waits for the record to arrive
   */
  public AwaitedKeyMaterial(KeyStateSource source, Duration maxWait) {
    this.source = source;
    this.maxWait = maxWait;
  }

  @Override
  public Optional<KeyMaterial> material(String materialKey) {
    Optional<KeyMaterial> found = source.material(materialKey);
    if (found.isPresent() || maxWait.isZero()) {
      return found;
    }
    CompletableFuture<Void> arrival =
        waiting.computeIfAbsent(materialKey, k -> new CompletableFuture<>());
    try {
      found = source.material(materialKey);
      if (found.isPresent()) {
        return found;
      }
      arrival.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // not arrived within the bound: the caller learns it is missing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("an arrival is never completed exceptionally", e);
    } finally {
      waiting.remove(materialKey, arrival);
    }
    return source.material(materialKey);
  }

  /** The table now holds what was last written under {@code materialKey}: wakes its waiters. */
  public void arrived(String materialKey) {
    CompletableFuture<Void> arrival = waiting.remove(materialKey);
    if (arrival != null) {
      arrival.complete(null);
    }
  }

  /** Lookups waiting now (for tests and metrics). */
  int waiting() {
    return waiting.size();
  }
}
