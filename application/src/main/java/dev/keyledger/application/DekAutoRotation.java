package dev.keyledger.application;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retires a tenant's active DEK when it reaches its usage limit (2^30 encryptions or 90 days): asks
 * for an automatic DEK rotation off the request thread, at most one in flight per tenant.
 */
public final class DekAutoRotation implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DekAutoRotation.class);

  private final KeyRotations rotations;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "keyledger-dek-rotation");
            t.setDaemon(true);
            return t;
          });

  public DekAutoRotation(KeyRotations rotations) {
    this.rotations = rotations;
  }

  /**
   * Requests a rotation of the tenant's active DEK; a request while one is in flight is dropped.
   */
  public void request(String tenantId) {
    if (!inFlight.add(tenantId)) {
      return;
    }
    executor.execute(
        () -> {
          try {
            Outcome<KeyRotations.Rotated> outcome =
                rotations.rotate(
                    Caller.engine(tenantId),
                    KeyRotations.Type.DEK,
                    "automatic: DEK usage limit reached",
                    true);
            if (outcome instanceof Outcome.Done<KeyRotations.Rotated>) {
              LOG.info("tenant {}: active DEK retired by automatic rotation", tenantId);
            } else {
              LOG.warn(
                  "tenant {}: automatic DEK rotation not done now ({}); the next encryption asks again",
                  tenantId,
                  outcome);
            }
          } finally {
            inFlight.remove(tenantId);
          }
        });
  }

  @Override
  public void close() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
