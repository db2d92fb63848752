package dev.keyledger.localkms.internal;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as received, before any interpretation.
 *
 * @param rawPath the path exactly as sent (still percent-encoded)
 * @param rawQuery the query exactly as sent (still percent-encoded), or null
 * @param headers header values by lower-case name, in arrival order
 */
public record IncomingRequest(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body) {

  /** The first value of a header (name in lower case), or null. */
  public String header(String lowerCaseName) {
    List<String> values = headers.get(lowerCaseName);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
