package dev.keyledger.edge.api;

import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.projections.query.KeyLedgerQueries;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code GET /api/v1/byok/commands/{id}}: the outcome of a command that was answered 202. */
public final class CommandsController {

  private static final Pattern ID = Pattern.compile("cmd_[0-9a-f]{32}");

  private final Guard guard;
  private final KeyLedgerQueries queries;

  public CommandsController(Guard guard, KeyLedgerQueries queries) {
    this.guard = guard;
    this.queries = queries;
  }

  public void get(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.PLATFORM);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest("invalid_request", "Not a command id: expected cmd_ followed by 32 hex digits", null);
    }
    CommandOutcome outcome = TenantReader.value(queries.outcome(caller.tenant(), id)).orElse(null);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("command_id", id);
    if (outcome == null) {
      answer.put("status", "pending");
      ctx.status(202).json(answer);
      return;
    }
    answer.put("status", outcome.getAccepted() ? "accepted" : "refused");
    answer.put("decided_at", outcome.getDecidedAt());
    answer.put("first_seq", outcome.getFirstSeq());
    answer.put("last_seq", outcome.getLastSeq());
    if (outcome.getRefusal() != null) {
      answer.put("error", Map.of("type", outcome.getRefusal().getType(), "message", outcome.getRefusal().getMessage()));
    }
    ctx.json(answer);
  }
}
