package dev.keyledger.edge.http;

import dev.keyledger.application.Outcome;
import dev.keyledger.avro.Refusal;
import dev.keyledger.engine.domain.RefusalKind;
import io.javalin.http.Context;
import java.util.function.Function;

/**
 * The one place that turns a use case's {@link Outcome} into an HTTP answer: done is the given
 * status and body, pending is 202 with the outcome URL, a refusal is the SPEC error body with the
 * status of its {@link RefusalKind}, unavailable is 503 with {@code Retry-After}.
 */
public final class Outcomes {

  /** Retry advice of a 503 whose use case gave none: every 503 says when to try again. */
  static final int DEFAULT_RETRY_SECONDS = 5;

  private Outcomes() {}

  /** Pending: where to look the outcome up. */
  public record PendingBody(String commandId, String status, String outcomeUrl, String message) {}

  /** Answers 200 with {@code body(value)} when done. */
  public static <T> void respond(Context ctx, Outcome<T> outcome, Function<T, ?> body) {
    respond(ctx, outcome, 200, body);
  }

  public static <T> void respond(Context ctx, Outcome<T> outcome, int status, Function<T, ?> body) {
    if (outcome instanceof Outcome.Done<T> done) {
      ctx.status(status).json(body.apply(done.value()));
    } else if (outcome instanceof Outcome.Pending<T> pending) {
      ctx.status(202)
          .json(
              new PendingBody(
                  pending.commandId(),
                  "pending",
                  "/api/v1/byok/commands/" + pending.commandId(),
                  "The command is on the log and will be decided shortly; poll outcome_url."));
    } else if (outcome instanceof Outcome.Refused<T> refused) {
      RefusalKind kind = RefusalKind.fromWire(refused.refusal().getKind());
      if (kind == RefusalKind.UNAVAILABLE) {
        ctx.header("Retry-After", Integer.toString(DEFAULT_RETRY_SECONDS));
      }
      refusal(ctx, refused.refusal(), status(kind));
    } else {
      Outcome.Unavailable<T> unavailable = (Outcome.Unavailable<T>) outcome;
      ctx.header("Retry-After", Integer.toString(unavailable.retryAfterSeconds()));
      refusal(ctx, unavailable.reason(), 503);
    }
  }

  /** The status of a refusal's kind: the one place a domain refusal becomes an HTTP status. */
  static int status(RefusalKind kind) {
    return switch (kind) {
      case INVALID_REQUEST -> 400;
      case TOO_LARGE -> 413;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case UNAVAILABLE -> 503;
      case UPSTREAM_FAILED -> 502;
    };
  }

  private static void refusal(Context ctx, Refusal refusal, int status) {
    ctx.status(status)
        .json(
            ErrorBody.of(
                refusal.getType(),
                refusal.getCode(),
                refusal.getMessage(),
                refusal.getHint(),
                refusal.getReason(),
                RequestIds.of(ctx)));
  }
}
