package dev.keyledger.edge.http;

import io.javalin.config.JavalinConfig;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Metrics of every HTTP request the edge answers, recorded when the answer is complete:
 *
 * <ul>
 *   <li>{@value #REQUESTS} (a timer with histogram buckets; {@code http_server_requests_seconds} in
 *       Prometheus), tagged {@code method} (an HTTP method of RFC 9110, or {@value #OTHER}), {@code
 *       route} and {@code status}. The route is the declared template ({@code
 *       /api/v1/byok/commands/{id}}), never the path a client sent, so no id reaches a label, also
 *       for a request refused before routing (a 413); a request no route matches is {@value
 *       #UNMATCHED}.
 *   <li>{@value #PENDING} ({@code keyledger_http_pending_total}), tagged {@code route}: the answers
 *       202 "pending", commands the fold did not decide within the wait.
 * </ul>
 *
 * Tenants, subjects and tokens are never tags.
 */
public final class HttpMetrics {

  /** The request timer. */
  public static final String REQUESTS = "http.server.requests";

  /** The counter of 202 answers. */
  public static final String PENDING = "keyledger.http.pending";

  /** The route tag of a request that matched no route (404, 405). */
  public static final String UNMATCHED = "unmatched";

  /** The method tag of a request whose method is none of {@link #METHODS}. */
  public static final String OTHER = "other";

  /** Methods kept as tags; any other name a client sends would be a new series. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Records every request of the app being configured (as its request logger). */
  public void install(JavalinConfig config) {
    JavalinState app = config.unsafe;
    config.requestLogger.http((ctx, executionMillis) -> record(ctx, executionMillis, app));
  }

  private static String route(Context ctx, JavalinState app) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    if (matched != null) {
      return matched.path;
    }
    // Refused by a before handler (a body over the limit): the route the request was meant for.
    return app.internalRouter.findHttpHandlerEntries(ctx.method(), ctx.path()).stream()
        .findFirst()
        .map((ParsedEndpoint parsed) -> parsed.endpoint.path)
        .orElse(UNMATCHED);
  }

  private void record(Context ctx, Float executionMillis, JavalinState app) {
    String route = route(ctx, app);
    int status = ctx.statusCode();
    Timer.builder(REQUESTS)
        .description("HTTP requests by method, route template and status")
        .tag("method", METHODS.contains(ctx.method().name()) ? ctx.method().name() : OTHER)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(Duration.ofNanos((long) (executionMillis * 1_000_000.0)));
    if (status == 202) {
      Counter.builder(PENDING)
          .description("Answers 202: commands the fold did not decide within the wait")
          .tag("route", route)
          .register(registry)
          .increment();
    }
  }
}
