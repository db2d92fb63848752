package dev.keyledger.engine.workers;

import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.engine.keys.UnwrapListener;
import dev.keyledger.engine.kms.KmsException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals a tenant when the key ring fails to unwrap its TMK through the CMK (SPEC §2: "an unwrap
 * that fails reports unwrap-failed, once per transition per instance, not per request").
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Once per transition.</b> The first failure that {@link
 *       dev.keyledger.engine.kms.KmsFailure#sealsTenant() seals} since the tenant's last successful
 *       unwrap on this instance submits one {@code ReportUnwrapFailed}; further failures submit
 *       nothing until an unwrap succeeds again, however many requests fail concurrently. Failures
 *       that say nothing about the customer's key (throttling, the platform's own credentials)
 *       submit nothing.
 *   <li><b>Never blocks the caller.</b> The data-plane thread that hit the failure only enqueues
 *       the report; one thread owned by this reporter submits it. A report that could not be
 *       submitted is logged and forgotten, so the next failure reports again.
 *   <li>Other instances may report the same failure; the fold seals once.
 * </ul>
 *
 * {@link #close()} submits what is already enqueued (bounded) and stops the thread; failures after
 * that are logged only.
 */
public final class UnwrapReporter implements UnwrapListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UnwrapReporter.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 10;

  private final CommandSink sink;
  private final String instanceId;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "keyledger-unwrap-reporter");
            thread.setDaemon(true);
            return thread;
          });

  /** Tenants reported since their last success, each with the token of its report. */
  private final Map<String, Object> reported = new ConcurrentHashMap<>();

  public UnwrapReporter(CommandSink sink, String instanceId) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
  }

  @Override
  public void unwrapFailed(String tenantId, int tmkVersion, KmsException cause) {
    if (!cause.failure().sealsTenant()) {
      return;
    }
    Object token = new Object();
    if (reported.putIfAbsent(tenantId, token) != null) {
      return;
    }
    ReportUnwrapFailed report =
        ReportUnwrapFailed.newBuilder()
            .setTmkVersion(tmkVersion)
            .setFailure(cause.failure().wireName())
            .setMessage(cause.getMessage())
            .setReporter(instanceId)
            .build();
    try {
      executor.execute(() -> submit(tenantId, report, token));
    } catch (RejectedExecutionException e) {
      reported.remove(tenantId, token);
      LOG.warn(
          "tenant {}: unwrap of TMK v{} failed ({}) but the reporter is closed, not reported",
          tenantId,
          tmkVersion,
          report.getFailure());
    }
  }

  @Override
  public void unwrapSucceeded(String tenantId, int tmkVersion) {
    reported.remove(tenantId);
  }

  private void submit(String tenantId, ReportUnwrapFailed report, Object token) {
    LOG.warn(
        "tenant {}: unwrap of TMK v{} failed ({}), reporting",
        tenantId,
        report.getTmkVersion(),
        report.getFailure());
    try {
      sink.submit(tenantId, report, List.of());
    } catch (CommandSinkException e) {
      // Forgetting the report lets the next failing unwrap report again.
      reported.remove(tenantId, token);
      LOG.warn(
          "tenant {}: unwrap failure not reported, the next failure retries: {}",
          tenantId,
          e.getMessage());
    }
  }

  /** Submits the reports already enqueued (waiting at most 10 s), then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("unwrap reports still pending after {} s, abandoned", CLOSE_TIMEOUT_SECONDS);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
