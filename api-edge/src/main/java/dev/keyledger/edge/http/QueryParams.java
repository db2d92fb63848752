package dev.keyledger.edge.http;

import io.javalin.http.Context;

/** Query parameters parsed strictly: a bad value is a 400 {@code invalid_request} naming it. */
public final class QueryParams {

  private QueryParams() {}

  /**
   * An integer parameter from {@code min} to {@code max}, or {@code absent} when the request has
   * none.
   */
  public static int intIn(Context ctx, String name, int min, int max, int absent) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.badRequest(
        "invalid_request",
        name + " must be an integer from " + min + " to " + max,
        "Leave it out for the default.");
  }
}
