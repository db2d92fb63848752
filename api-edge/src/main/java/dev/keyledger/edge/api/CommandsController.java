package dev.keyledger.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.keyledger.application.AuditTrail;
import dev.keyledger.application.Caller;
import dev.keyledger.application.Outcome;
import dev.keyledger.avro.CommandOutcome;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code GET /api/v1/byok/commands/{id}}: the outcome of a command that was answered 202. */
public final class CommandsController {

  private static final Pattern ID = Pattern.compile("cmd_[0-9a-f]{32}");

  record Pending(String commandId, String status) {}

  record Decided(
      String commandId,
      String status,
      Instant decidedAt,
      long firstSeq,
      long lastSeq,
      @JsonInclude(JsonInclude.Include.NON_NULL) Error error) {

    record Error(String type, String message) {}

    static Decided of(CommandOutcome o) {
      return new Decided(
          o.getCommandId(),
          o.getAccepted() ? "accepted" : "refused",
          o.getDecidedAt(),
          o.getFirstSeq(),
          o.getLastSeq(),
          o.getRefusal() == null
              ? null
              : new Error(o.getRefusal().getType(), o.getRefusal().getMessage()));
    }
  }

  private final Guard guard;
  private final AuditTrail audit;

  public CommandsController(Guard guard, AuditTrail audit) {
    this.guard = guard;
    this.audit = audit;
  }

  public void get(Context ctx) {
    Caller caller = guard.caller(ctx, null, Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.PLATFORM);
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      throw ApiException.badRequest(
          "invalid_request", "Not a command id: expected cmd_ followed by 32 hex digits", null);
    }
    Outcome<Optional<CommandOutcome>> outcome = audit.outcome(caller, id);
    if (outcome instanceof Outcome.Done<Optional<CommandOutcome>> done && done.value().isEmpty()) {
      ctx.status(202).json(new Pending(id, "pending"));
      return;
    }
    Outcomes.respond(ctx, outcome, decided -> Decided.of(decided.orElseThrow()));
  }
}
