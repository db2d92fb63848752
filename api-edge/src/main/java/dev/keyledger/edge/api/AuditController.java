package dev.keyledger.edge.api;

import dev.keyledger.application.AuditTrail;
import dev.keyledger.application.Caller;
import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.Outcomes;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.projections.AuditEntries;
import dev.keyledger.projections.query.AuditFilter;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /audit} (newest first, cursor) and {@code GET /audit/verify} (re-walks the hash
 * chain).
 */
public final class AuditController {

  private static final Pattern OPERATION = Pattern.compile("[a-z_]{1,64}");

  record Page(List<Entry> entries, String nextCursor) {}

  record ChainCheck(
      boolean intact,
      long checked,
      long headSeq,
      String headHash,
      Long brokenAtSeq,
      String reason) {}

  private final Guard guard;
  private final AuditTrail audit;

  public AuditController(Guard guard, AuditTrail audit) {
    this.guard = guard;
    this.audit = audit;
  }

  public void list(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.AUDIT, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    AuditFilter filter =
        new AuditFilter(
            limit(ctx.queryParam("limit")),
            cursor(ctx.queryParam("cursor")),
            time(ctx.queryParam("start_date"), "start_date", false),
            time(ctx.queryParam("end_date"), "end_date", true),
            operation(ctx.queryParam("operation")));
    Outcomes.respond(
        ctx,
        audit.page(caller, filter),
        page -> new Page(page.entries().stream().map(Entry::of).toList(), page.nextCursor()));
  }

  public void verify(Context ctx) {
    Caller caller = guard.caller(ctx, RateLimitConfig.AUDIT, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    Outcomes.respond(
        ctx,
        audit.verify(caller),
        r ->
            new ChainCheck(
                r.intact(), r.checked(), r.headSeq(), r.headHash(), r.brokenAtSeq(), r.reason()));
  }

  record Entry(
      long seq,
      String id,
      Instant timestamp,
      String operation,
      String status,
      String keyId,
      String user,
      String ipAddress,
      long latencyMs,
      String commandId,
      String requestId,
      Map<String, Object> metadata,
      String prevHash,
      String hash) {

    static Entry of(EventEnvelope e) {
      return new Entry(
          e.getSeq(),
          e.getEventId(),
          e.getOccurredAt(),
          AuditEntries.operation(e),
          AuditEntries.status(e),
          AuditEntries.keyId(e),
          e.getActor().getSub(),
          e.getActor().getIp(),
          e.getLatencyMs(),
          e.getCommandId(),
          e.getCorrelationId(),
          AuditEntries.metadata(e),
          e.getPrevHash(),
          e.getHash());
    }
  }

  private static int limit(String value) {
    if (value == null) {
      return AuditFilter.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= AuditFilter.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.badRequest(
        "invalid_request",
        "limit must be an integer from 1 to " + AuditFilter.MAX_LIMIT,
        "Default: " + AuditFilter.DEFAULT_LIMIT + ".");
  }

  private static long cursor(String value) {
    if (value == null) {
      return Long.MAX_VALUE;
    }
    try {
      long cursor = Long.parseLong(value);
      if (cursor > 0) {
        return cursor;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.badRequest(
        "invalid_cursor", "cursor must be a next_cursor value from a previous page", null);
  }

  private static Instant time(String value, String name, boolean endOfDay) {
    if (value == null) {
      return null;
    }
    try {
      if (value.length() == 10) {
        LocalDate day = LocalDate.parse(value);
        return endOfDay
            ? day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)
            : day.atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "invalid_request",
          name + " must be a date (2026-11-01) or an instant (2026-11-01T10:00:00Z)",
          null);
    }
  }

  private static String operation(String value) {
    if (value != null && !OPERATION.matcher(value).matches()) {
      throw ApiException.badRequest(
          "invalid_request", "operation must be an operation name such as register or seal", null);
    }
    return value;
  }
}
