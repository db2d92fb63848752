package dev.keyledger.benchmarks.http;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request, encoded once into the bytes sent on the wire (keep-alive, no compression),
 * so the load generator does no per-request formatting.
 */
public final class HttpRequest {

  private final String label;
  private final byte[] bytes;

  private HttpRequest(String label, byte[] bytes) {
    this.label = label;
    this.bytes = bytes;
  }

  /** {@code GET path}, with {@code Authorization: Bearer token} unless {@code token} is null. */
  public static HttpRequest get(String hostPort, String path, String token) {
    return encode("GET", hostPort, path, token, null);
  }

  /** {@code POST path} with a JSON body, with a bearer token unless {@code token} is null. */
  public static HttpRequest postJson(String hostPort, String path, String token, String json) {
    return encode("POST", hostPort, path, token, json);
  }

  private static HttpRequest encode(
      String method, String hostPort, String path, String token, String json) {
    StringBuilder head = new StringBuilder(256);
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(hostPort).append("\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    if (json != null) {
      head.append("Content-Type: application/json\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return new HttpRequest(method + " " + path, all);
  }

  /** The encoded request: head and body. */
  byte[] bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return label;
  }
}
