package dev.keyledger.benchmarks.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request sent byte for byte on a socket of its own, whose sending side is then closed (so a
 * body shorter than declared ends there), and the whole answer read until the server closes: for
 * requests no HTTP client library would send. Interim {@code 1xx} answers are skipped.
 */
public final class RawExchange {

  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int MAX_ANSWER_BYTES = 1024 * 1024;

  /** Status of an answer that never came: the server closed without a complete one. */
  public static final int NO_ANSWER = -1;

  /**
   * Status of a request the server closed the connection on while it was still being sent, and
   * whose answer (if it sent one) was lost with the reset: the server refused to read the rest,
   * which it may (it answers a bad request line or header without reading the body).
   */
  public static final int CLOSED_WHILE_SENDING = 0;

  /**
   * An answer: status, headers (case-insensitive names) and body as UTF-8.
   *
   * @param status the final status, {@link #NO_ANSWER} or {@link #CLOSED_WHILE_SENDING}
   */
  public record Answer(int status, Map<String, String> headers, String body) {

    /** The value of a header, or null. */
    public String header(String name) {
      return headers.get(name);
    }
  }

  private RawExchange() {}

  /**
   * Sends {@code request} to {@code host:port} and reads the answer.
   *
   * @param readTimeoutMs how long to wait for the server to answer and close
   * @throws IOException if the connection cannot be made or breaks before an answer
   */
  public static Answer send(String host, int port, byte[] request, int readTimeoutMs)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
      socket.setSoTimeout(readTimeoutMs);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        socket.shutdownOutput();
      } catch (IOException closed) {
        try {
          Answer early = parse(readAll(socket.getInputStream()));
          if (early.status() > 0) {
            return early;
          }
        } catch (IOException reset) {
          // the answer, if any, went with the reset
        }
        return new Answer(CLOSED_WHILE_SENDING, Map.of(), closed.toString());
      }
      return parse(readAll(socket.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      if (out.size() < MAX_ANSWER_BYTES) {
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    while (true) {
      int split = text.indexOf("\r\n\r\n");
      if (split < 0 || !text.startsWith("HTTP/1.")) {
        return new Answer(NO_ANSWER, Map.of(), text);
      }
      String[] lines = text.substring(0, split).split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      int status;
      try {
        status = Integer.parseInt(statusLine[1]);
      } catch (RuntimeException e) {
        return new Answer(NO_ANSWER, Map.of(), text);
      }
      if (status >= 100 && status < 200) {
        text = text.substring(split + 4);
        continue;
      }
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.putIfAbsent(
              lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
        }
      }
      byte[] body = text.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1);
      return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }
  }
}
