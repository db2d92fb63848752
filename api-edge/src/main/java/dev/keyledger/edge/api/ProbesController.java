package dev.keyledger.edge.api;

import dev.keyledger.application.Readiness;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The probes of an orchestrator or load balancer, without authentication, on the edge's port and on
 * the management port.
 *
 * <ul>
 *   <li>{@code GET /healthz} (liveness): 200 {@code {"status":"ok"}} while the process serves HTTP.
 *   <li>{@code GET /readyz} (readiness): 200 when every part of the instance is ready, else 503
 *       with {@code Retry-After}; the body names each part either way: {@code {"ready": false,
 *       "parts": {"streams": {"ready": true, "detail": "RUNNING"}, "outcome_reader": {"ready":
 *       false, "detail": "stopped: ..."}, ...}}}.
 * </ul>
 */
public final class ProbesController {

  private static final String RETRY_AFTER_SECONDS = "5";

  record ReadyBody(boolean ready, Map<String, Readiness.Part> parts) {}

  private final Supplier<Readiness> readiness;

  /**
   * @param readiness asked on every {@code /readyz}; must be cheap
   */
  public ProbesController(Supplier<Readiness> readiness) {
    this.readiness = Objects.requireNonNull(readiness, "readiness");
  }

  public void healthz(Context ctx) {
    ctx.json(Map.of("status", "ok"));
  }

  public void readyz(Context ctx) {
    Readiness now = readiness.get();
    if (!now.ready()) {
      ctx.status(503).header("Retry-After", RETRY_AFTER_SECONDS);
    }
    ctx.json(new ReadyBody(now.ready(), now.parts()));
  }
}
