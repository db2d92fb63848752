package dev.keyledger.localkms;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests each operation received (answered or refused), like a minimal CloudTrail: lets
 * a test check how often the engine really called KMS.
 */
public final class CallLog {

  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  /** Called by the emulator for every request it receives. */
  public void record(String service, String operation) {
    calls.computeIfAbsent(service + ":" + operation, k -> new LongAdder()).increment();
  }

  /**
   * Requests received for {@code operation} of {@code service} (e.g. {@code kms}, {@code Decrypt}).
   */
  public long count(String service, String operation) {
    LongAdder n = calls.get(service + ":" + operation);
    return n == null ? 0 : n.sum();
  }

  /** Every count, keyed {@code service:Operation}, sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public void reset() {
    calls.clear();
  }
}
