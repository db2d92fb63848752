package dev.keyledger.benchmarks.http;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A blocking HTTP/1.1 client on one keep-alive socket: one request, then its whole response, then
 * the next. Exactly one connection per instance, so N instances are N connections (unlike the JDK
 * client's pool). Understands {@code Content-Length} and chunked bodies and reconnects when the
 * server answers {@code Connection: close}. Not thread-safe: one per load thread.
 */
public final class HttpConnection implements Closeable {

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final String host;
  private final int port;
  private final int readTimeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private byte[] body = new byte[16 * 1024];
  private int bodyLength;
  private int reconnects;

  /**
   * @param readTimeoutMs how long one response may take before the exchange fails
   */
  public HttpConnection(String host, int port, int readTimeoutMs) {
    this.host = host;
    this.port = port;
    this.readTimeoutMs = readTimeoutMs;
  }

  /**
   * Sends {@code request} and reads the whole response.
   *
   * @return the response status
   * @throws IOException if the connection fails; the next call reconnects
   */
  public int exchange(HttpRequest request) throws IOException {
    if (socket == null) {
      connect();
    }
    try {
      out.write(request.bytes());
      out.flush();
      return readResponse();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** The body of the last response, as UTF-8. */
  public String body() {
    return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
  }

  /** How many times this client opened a new socket after its first. */
  public int reconnects() {
    return reconnects;
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a socket that failed
      }
      socket = null;
    }
  }

  private void connect() throws IOException {
    if (in != null) {
      reconnects++;
    }
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(readTimeoutMs);
    s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
    socket = s;
    in = s.getInputStream();
    out = s.getOutputStream();
    pos = 0;
    limit = 0;
  }

  private int readResponse() throws IOException {
    String statusLine = readLine();
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine, 9, 12, 10);
    long contentLength = -1;
    boolean chunked = false;
    boolean close = statusLine.startsWith("HTTP/1.0");
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        close = value.equalsIgnoreCase("close");
      }
    }
    bodyLength = 0;
    if (chunked) {
      readChunked();
    } else if (contentLength >= 0) {
      readBody((int) contentLength);
    } else {
      throw new IOException("response without Content-Length or chunked encoding");
    }
    if (close) {
      close();
    }
    return status;
  }

  private void readChunked() throws IOException {
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(semicolon < 0 ? sizeLine.trim() : sizeLine.substring(0, semicolon), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return;
      }
      readBody(size);
      readLine();
    }
  }

  private void readBody(int n) throws IOException {
    if (bodyLength + n > body.length) {
      body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
    }
    int remaining = n;
    while (remaining > 0) {
      if (pos == limit) {
        fill();
      }
      int take = Math.min(remaining, limit - pos);
      System.arraycopy(buf, pos, body, bodyLength, take);
      pos += take;
      bodyLength += take;
      remaining -= take;
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = null;
    while (true) {
      if (pos == limit) {
        fill();
      }
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
          String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          if (line == null) {
            return part;
          }
          line.append(part);
          int n = line.length();
          return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
        }
      }
      if (line == null) {
        line = new StringBuilder();
      }
      line.append(new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1));
      pos = limit;
    }
  }

  private void fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      throw new EOFException("connection closed by the server");
    }
    pos = 0;
    limit = n;
  }
}
