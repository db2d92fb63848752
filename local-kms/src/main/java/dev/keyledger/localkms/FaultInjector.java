package dev.keyledger.localkms;

import dev.keyledger.localkms.internal.FaultGate;
import java.time.Duration;

/**
 * Programmatic control of the faults {@link LocalKms} injects; the same state as the admin endpoint
 * {@code /_localkms/faults} ({@code GET} shows, {@code POST} replaces with a {@link FaultSpec} JSON
 * body, {@code DELETE} clears). Each setter changes one fault and keeps the others. Thread-safe.
 */
public final class FaultInjector {
  private final FaultGate gate;

  FaultInjector(FaultGate gate) {
    this.gate = gate;
  }

  /** The faults in force now (a bounded throttle shows its remaining count). */
  public FaultSpec current() {
    return gate.current();
  }

  /** Replaces every fault at once. */
  public void set(FaultSpec spec) {
    gate.set(spec);
  }

  /** Removes every fault and releases held requests. */
  public void clear() {
    gate.set(FaultSpec.none());
  }

  /** Throttles every call until cleared. */
  public void throttle() {
    throttle(FaultSpec.Throttle.always());
  }

  /** Throttles the next {@code count} calls of {@code operation} (null = any operation). */
  public void throttle(int count, String operation) {
    throttle(new FaultSpec.Throttle(count, operation));
  }

  public void throttle(FaultSpec.Throttle throttle) {
    synchronized (gate) {
      FaultSpec s = gate.current();
      gate.set(new FaultSpec(throttle, s.latencyMs(), s.refuseConnections(), s.hang()));
    }
  }

  /** Adds {@code latency} before every answer; {@link Duration#ZERO} removes it. */
  public void latency(Duration latency) {
    synchronized (gate) {
      FaultSpec s = gate.current();
      gate.set(new FaultSpec(s.throttle(), latency.toMillis(), s.refuseConnections(), s.hang()));
    }
  }

  /** When on, connections are closed without an answer (the client sees an I/O error). */
  public void refuseConnections(boolean on) {
    synchronized (gate) {
      FaultSpec s = gate.current();
      gate.set(new FaultSpec(s.throttle(), s.latencyMs(), on, s.hang()));
    }
  }

  /**
   * When on, requests are held without an answer until this is switched off or faults are cleared.
   */
  public void hang(boolean on) {
    synchronized (gate) {
      FaultSpec s = gate.current();
      gate.set(new FaultSpec(s.throttle(), s.latencyMs(), s.refuseConnections(), on));
    }
  }
}
