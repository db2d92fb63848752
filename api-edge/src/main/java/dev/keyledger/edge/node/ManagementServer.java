package dev.keyledger.edge.node;

import dev.keyledger.application.Readiness;
import dev.keyledger.edge.api.ProbesController;
import dev.keyledger.edge.http.Json;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * The management port ({@code management.port}; dev {@code --management-port}, default 9464), for
 * operators and their tools rather than tenants: no authentication, bound to the same address as
 * the edge.
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter of the node in the Prometheus text format (version
 *       0.0.4).
 *   <li>{@code GET /healthz}, {@code GET /readyz}: the same probes as on the edge's port ({@link
 *       ProbesController}), for orchestrators that probe a separate port.
 * </ul>
 */
public final class ManagementServer {

  /** The content type of {@link PrometheusMeterRegistry#scrape()}: Prometheus text 0.0.4. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private ManagementServer() {}

  /** A configured, not yet started, app on {@code host:port} (port 0 = ephemeral). */
  public static Javalin create(
      PrometheusMeterRegistry registry, Supplier<Readiness> readiness, String host, int port) {
    ProbesController probes = new ProbesController(readiness);
    return Javalin.create(
        config -> {
          config.jetty.host = host;
          config.jetty.port = port;
          config.startup.showJavalinBanner = false;
          config.jsonMapper(new JavalinJackson(Json.mapper(), false));
          config.routes.get(
              "/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
          config.routes.get("/healthz", probes::healthz);
          config.routes.get("/readyz", probes::readyz);
        });
  }
}
