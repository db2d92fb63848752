package dev.keyledger.edge.api;

import dev.keyledger.avro.EventEnvelope;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.edge.service.KeyOnboarding;
import dev.keyledger.edge.service.TenantReader;
import dev.keyledger.projections.AuditEntries;
import dev.keyledger.projections.ChainReport;
import dev.keyledger.projections.query.AuditFilter;
import dev.keyledger.projections.query.AuditPage;
import dev.keyledger.projections.query.KeyLedgerQueries;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code GET /audit} (newest first, cursor) and {@code GET /audit/verify} (re-walks the hash chain). */
public final class AuditController {

  private static final Pattern OPERATION = Pattern.compile("[a-z_]{1,64}");

  private final Guard guard;
  private final KeyLedgerQueries queries;

  public AuditController(Guard guard, KeyLedgerQueries queries) {
    this.guard = guard;
    this.queries = queries;
  }

  public void list(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.AUDIT, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    AuditFilter filter = new AuditFilter(limit(ctx.queryParam("limit")), cursor(ctx.queryParam("cursor")),
        time(ctx.queryParam("start_date"), "start_date", false), time(ctx.queryParam("end_date"), "end_date", true),
        operation(ctx.queryParam("operation")));
    AuditPage page = TenantReader.value(queries.audit(caller.tenant(), filter)).orElseThrow();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("entries", page.entries().stream().map(AuditController::entry).toList());
    answer.put("next_cursor", page.nextCursor());
    ctx.json(answer);
  }

  public void verify(Context ctx) {
    KeyOnboarding.Caller caller = guard.caller(ctx, RateLimitConfig.AUDIT, Role.OWNER, Role.ADMIN, Role.AUDITOR);
    ChainReport report = TenantReader.value(queries.verifyChain(caller.tenant())).orElseThrow();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("intact", report.intact());
    answer.put("checked", report.checked());
    answer.put("head_seq", report.headSeq());
    answer.put("head_hash", report.headHash());
    answer.put("broken_at_seq", report.brokenAtSeq());
    answer.put("reason", report.reason());
    ctx.json(answer);
  }

  static Map<String, Object> entry(EventEnvelope event) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("seq", event.getSeq());
    entry.put("id", event.getEventId());
    entry.put("timestamp", event.getOccurredAt());
    entry.put("operation", AuditEntries.operation(event));
    entry.put("status", AuditEntries.status(event));
    entry.put("key_id", AuditEntries.keyId(event));
    entry.put("user", event.getActor().getSub());
    entry.put("ip_address", event.getActor().getIp());
    entry.put("latency_ms", event.getLatencyMs());
    entry.put("command_id", event.getCommandId());
    entry.put("request_id", event.getCorrelationId());
    entry.put("metadata", AuditEntries.metadata(event));
    entry.put("prev_hash", event.getPrevHash());
    entry.put("hash", event.getHash());
    return entry;
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
    throw ApiException.badRequest("invalid_request", "limit must be an integer from 1 to " + AuditFilter.MAX_LIMIT, "Default: " + AuditFilter.DEFAULT_LIMIT + ".");
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
    throw ApiException.badRequest("invalid_cursor", "cursor must be a next_cursor value from a previous page", null);
  }

  private static Instant time(String value, String name, boolean endOfDay) {
    if (value == null) {
      return null;
    }
    try {
      if (value.length() == 10) {
        LocalDate day = LocalDate.parse(value);
        return endOfDay ? day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1) : day.atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("invalid_request", name + " must be a date (2026-11-01) or an instant (2026-11-01T10:00:00Z)", null);
    }
  }

  private static String operation(String value) {
    if (value != null && !OPERATION.matcher(value).matches()) {
      throw ApiException.badRequest("invalid_request", "operation must be an operation name such as register or seal", null);
    }
    return value;
  }
}
