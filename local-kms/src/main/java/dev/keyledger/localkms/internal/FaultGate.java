package dev.keyledger.localkms.internal;

import dev.keyledger.localkms.FaultSpec;

/**
 * The live fault state, consulted by the request pipeline on every AWS-facing request. All methods
 * are thread-safe; waiting requests are released as soon as the fault is cleared or the emulator
 * closes.
 */
public final class FaultGate {
  private FaultSpec spec;
  private boolean closed;

  public FaultGate(FaultSpec initial) {
    this.spec = initial == null ? FaultSpec.none() : initial;
  }

  public synchronized FaultSpec current() {
    return spec;
  }

  public synchronized void set(FaultSpec newSpec) {
    spec = newSpec == null ? FaultSpec.none() : newSpec;
    notifyAll();
  }

  public synchronized boolean refuseConnections() {
    return spec.refuseConnections() && !closed;
  }

  /**
   * Blocks while {@code hang} is set, then for {@code latency_ms}; both end early when cleared or
   * closed.
   */
  public synchronized void holdIfNeeded() throws InterruptedException {
    while (spec.hang() && !closed) {
      wait();
    }
    long deadline = System.nanoTime() + spec.latencyMs() * 1_000_000L;
    long remainingMs;
    while (!closed
        && spec.latencyMs() > 0
        && (remainingMs = (deadline - System.nanoTime()) / 1_000_000L) > 0) {
      wait(remainingMs);
    }
  }

  /**
   * True when this call of {@code operation} must be throttled; counts it against a bounded
   * throttle.
   */
  public synchronized boolean takeThrottle(String operation) {
    FaultSpec.Throttle throttle = spec.throttle();
    if (throttle == null || closed) {
      return false;
    }
    if (throttle.operation() != null && !throttle.operation().equalsIgnoreCase(operation)) {
      return false;
    }
    if (throttle.count() != null) {
      int left = throttle.count() - 1;
      FaultSpec.Throttle next =
          left == 0 ? null : new FaultSpec.Throttle(left, throttle.operation());
      spec = new FaultSpec(next, spec.latencyMs(), spec.refuseConnections(), spec.hang());
    }
    return true;
  }

  /** Releases every held request for good. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
