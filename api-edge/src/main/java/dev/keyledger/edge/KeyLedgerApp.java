package dev.keyledger.edge;

import dev.keyledger.edge.api.AgentController;
import dev.keyledger.edge.api.AlertsController;
import dev.keyledger.edge.api.AuditController;
import dev.keyledger.edge.api.ByokKeysController;
import dev.keyledger.edge.api.CommandsController;
import dev.keyledger.edge.api.ConsoleController;
import dev.keyledger.edge.api.DataKeysController;
import dev.keyledger.edge.api.DataPlaneController;
import dev.keyledger.edge.api.ProbesController;
import dev.keyledger.edge.api.RotationController;
import dev.keyledger.edge.api.TenantKmsController;
import dev.keyledger.edge.api.WaiverController;
import dev.keyledger.edge.http.ErrorHandlers;
import dev.keyledger.edge.http.HttpMetrics;
import dev.keyledger.edge.http.JettyErrors;
import dev.keyledger.edge.http.Json;
import dev.keyledger.edge.http.RequestBodies;
import dev.keyledger.edge.http.RequestIds;
import dev.keyledger.edge.http.RequestLimits;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.json.JavalinJackson;

/** The HTTP edge: one app factory, every route in one block, handlers on thin controllers. */
public final class KeyLedgerApp {

  /** The controllers the routes call. */
  public record Controllers(
      ProbesController probes,
      ByokKeysController keys,
      WaiverController waiver,
      AuditController audit,
      CommandsController commands,
      TenantKmsController tenantKms,
      DataPlaneController dataPlane,
      DataKeysController dataKeys,
      RotationController rotation,
      AgentController agent,
      AlertsController alerts,
      ConsoleController console) {}

  private KeyLedgerApp() {}

  /**
   * A configured, not yet started, app listening on {@code host:port} (port 0 = ephemeral), whose
   * every request is recorded by {@code metrics}.
   */
  public static Javalin create(Controllers c, HttpMetrics metrics, String host, int port) {
    return create(c, ctx -> {}, metrics, host, port);
  }

  /**
   * As {@link #create(Controllers, HttpMetrics, String, int)}, with {@code tenantRouting} run
   * before every handler (after the request id and the body limit): it may answer the request
   * itself, forwarded to the instance that owns the tenant.
   */
  public static Javalin create(
      Controllers c, Handler tenantRouting, HttpMetrics metrics, String host, int port) {
    return Javalin.create(
        config -> {
          metrics.install(config);
          config.jetty.host = host;
          config.jetty.port = port;
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = RequestLimits.MAX_REQUEST_BYTES;
          config.http.prefer405over404 = true;
          config.jetty.modifyHttpConfiguration(
              http -> http.setRequestHeaderSize(RequestLimits.MAX_HEADER_BYTES));
          // What Jetty refuses before a request reaches the routes gets the SPEC error body too.
          JettyErrors jettyErrors = new JettyErrors();
          config.jetty.modifyServer(server -> server.setErrorHandler(jettyErrors));
          config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(jettyErrors));
          config.jsonMapper(new JavalinJackson(Json.mapper(), false));
          config.routes.before(
              ctx -> {
                RequestIds.assign(ctx);
                RequestBodies.readWithin(ctx, RequestLimits.MAX_REQUEST_BYTES);
                tenantRouting.handle(ctx);
              });
          ErrorHandlers.register(config.routes);

          config.routes.get("/healthz", c.probes()::healthz);
          config.routes.get("/readyz", c.probes()::readyz);

          config.routes.post("/api/v1/byok/keys", c.keys()::register);
          config.routes.get("/api/v1/byok/keys", c.keys()::get);
          config.routes.delete("/api/v1/byok/keys", c.keys()::delete);
          config.routes.post("/api/v1/byok/keys/rotate", c.rotation()::rotateByok);
          config.routes.get("/api/v1/byok/health", c.keys()::health);
          config.routes.post("/api/v1/byok/encrypt", c.dataPlane()::encrypt);
          config.routes.post("/api/v1/byok/decrypt", c.dataPlane()::decrypt);
          config.routes.post("/api/v1/byok/data-keys", c.dataKeys()::lease);
          config.routes.get("/api/v1/byok/legal-waiver", c.waiver()::get);
          config.routes.post("/api/v1/byok/legal-waiver", c.waiver()::acknowledge);
          config.routes.get("/api/v1/byok/legal-waiver/status", c.waiver()::status);
          config.routes.get("/api/v1/byok/alerts", c.alerts()::list);
          config.routes.get("/api/v1/byok/audit", c.audit()::list);
          config.routes.get("/api/v1/byok/audit/verify", c.audit()::verify);
          config.routes.get("/api/v1/byok/commands/{id}", c.commands()::get);

          config.routes.post("/admin/tenant-kms", c.tenantKms()::onboard);
          config.routes.get("/admin/tenant-kms", c.tenantKms()::get);
          config.routes.get("/admin/tenant-kms/external-id", c.tenantKms()::externalId);
          config.routes.post("/admin/tenant-kms/rotate", c.rotation()::rotateAdmin);
          config.routes.post("/admin/tenant-kms/unseal", c.rotation()::unseal);
          config.routes.post("/admin/tenant-kms/revoke", c.rotation()::revoke);
          config.routes.post("/agent/v1/session", c.agent()::session);
          config.routes.put("/admin/legal-waiver", c.waiver()::publish);

          config.routes.get("/console", c.console()::index);
          config.routes.get("/console/{asset}", c.console()::asset);
        });
  }
}
