package dev.keyledger.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake KeyLedger edge at the HTTP boundary: a real HTTP server on a free loopback port that
 * answers each path from a script and records every request, so tests run the real client over real
 * sockets.
 */
final class FakeEdge implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What the edge received. */
  record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {

    String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .map(entry -> entry.getValue().get(0))
          .findFirst()
          .orElse(null);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** What the edge answers. */
  record Reply(int status, Map<String, String> headers, String body) {

    static Reply json(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "application/json"), body);
    }

    static Reply ok(Object body) {
      try {
        return json(200, JSON.writeValueAsString(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Reply error(
        int status, String type, String code, String message, String hint, String requestId) {
      Map<String, String> error = new LinkedHashMap<>();
      error.put("type", type);
      error.put("code", code);
      error.put("message", message);
      error.put("hint", hint);
      error.put("request_id", requestId);
      error.values().removeIf(value -> value == null);
      try {
        return json(status, JSON.writeValueAsString(Map.of("error", error)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Reply withHeader(String name, String value) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put(name, value);
      return new Reply(status, all, body);
    }
  }

  /** Computes the answer to one request. */
  @FunctionalInterface
  interface Script {
    Reply answer(Received request) throws InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  private FakeEdge() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeEdge start() throws IOException {
    return new FakeEdge();
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers {@code path} with the replies in order; the last one repeats. */
  FakeEdge reply(String path, Reply... replies) {
    Deque<Reply> queue = new ArrayDeque<>(List.of(replies));
    return answer(path, request -> queue.size() > 1 ? queue.poll() : queue.peek());
  }

  FakeEdge answer(String path, Script script) {
    scripts.put(path, script);
    return this;
  }

  /**
   * Never answers {@code path} (until the edge closes), so the client's timeout has to end the
   * call.
   */
  FakeEdge hang(String path) {
    return answer(
        path,
        request -> {
          closing.await();
          return Reply.json(504, "{}");
        });
  }

  List<Received> requests() {
    return List.copyOf(received);
  }

  long count(String path) {
    return received.stream().filter(request -> request.path().equals(path)).count();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Received request =
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              Map.copyOf(exchange.getRequestHeaders()),
              exchange.getRequestBody().readAllBytes());
      received.add(request);
      Script script =
          scripts.getOrDefault(
              request.path(),
              unscripted ->
                  Reply.error(
                      404,
                      "not_found",
                      null,
                      "unscripted path " + unscripted.path(),
                      null,
                      "req_fake"));
      Reply reply = script.answer(request);
      reply.headers().forEach(exchange.getResponseHeaders()::add);
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
