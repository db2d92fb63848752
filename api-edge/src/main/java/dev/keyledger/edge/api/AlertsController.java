package dev.keyledger.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.keyledger.application.Caller;
import dev.keyledger.application.TenantAlerts;
import dev.keyledger.avro.alert.Alert;
import dev.keyledger.avro.alert.AlertState;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/byok/alerts} (SPEC §5): open alerts first (oldest first), then the last
 * resolved ones (newest first). Counted in the {@code health} rate limit.
 */
public final class AlertsController {

  /** One alert; {@code rule} is the seed's name, {@code rule_id} its stable id. */
  record AlertView(
      String id,
      String rule,
      String ruleId,
      String severity,
      String status,
      Instant openedAt,
      @JsonInclude(JsonInclude.Include.ALWAYS) Instant resolvedAt,
      String message) {
    static AlertView of(Alert a) {
      return new AlertView(
          a.getId(),
          a.getTitle(),
          a.getRule(),
          a.getSeverity(),
          a.getStatus(),
          a.getOpenedAt(),
          a.getResolvedAt(),
          a.getMessage());
    }
  }

  record AlertsView(List<AlertView> alerts) {
    static AlertsView of(AlertState state) {
      List<AlertView> all = new ArrayList<>();
      state.getOpen().forEach(a -> all.add(AlertView.of(a)));
      state.getResolved().forEach(a -> all.add(AlertView.of(a)));
      return new AlertsView(all);
    }
  }

  private final Guard guard;
  private final TenantAlerts alerts;

  public AlertsController(Guard guard, TenantAlerts alerts) {
    this.guard = guard;
    this.alerts = alerts;
  }

  public void list(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.HEALTH, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    Outcomes.respond(ctx, alerts.list(caller), AlertsView::of);
  }
}
