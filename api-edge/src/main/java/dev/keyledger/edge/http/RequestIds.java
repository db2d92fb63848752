package dev.keyledger.edge.http;

import io.javalin.http.Context;
import java.util.UUID;

/** Every request gets an id, returned in {@code X-Request-Id} and in error bodies, and logged. */
public final class RequestIds {

  public static final String HEADER = "X-Request-Id";
  private static final String ATTRIBUTE = "keyledger.request_id";

  private RequestIds() {}

  public static void assign(Context ctx) {
    String id = newId();
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
  }

  /** Keeps the id another instance gave the request it forwarded here (one id end to end). */
  public static void adopt(Context ctx, String id) {
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
  }

  /** A new request id, {@code req_} and 32 hex digits. */
  static String newId() {
    return "req_" + UUID.randomUUID().toString().replace("-", "");
  }

  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "req_unassigned" : id;
  }
}
