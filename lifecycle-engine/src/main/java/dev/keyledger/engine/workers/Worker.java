package dev.keyledger.engine.workers;

/**
 * A background task of the engine that reads the tenants this instance owns, talks to KMS and
 * submits commands; the fold decides, a worker never changes state itself. {@link WorkerScheduler}
 * calls {@link #runOnce()} periodically, never concurrently with itself.
 */
@FunctionalInterface
public interface Worker {

  /**
   * One round over the owned tenants. A failure that concerns one tenant is logged and the round
   * goes on with the next tenant; a round never retries within itself, the next round starts again
   * from the state.
   */
  void runOnce();
}
