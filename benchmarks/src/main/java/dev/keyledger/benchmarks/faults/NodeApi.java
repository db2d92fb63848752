package dev.keyledger.benchmarks.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's public HTTP API as the harness calls it, with tokens minted from the node's JWT secret
 * (as {@code keyledger token} does). Every call has a fresh {@code sub}, so the per-caller rate
 * limits never answer for the node's state. A call the node does not answer (it was killed, or is
 * starting) returns null.
 */
final class NodeApi {

  /** An answer: its status, its JSON body (null if none) and its {@code X-Request-Id}. */
  record Answer(int status, JsonNode body, String requestId) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final TokenIssuer issuer;
  private final HttpClient http;
  private final AtomicLong subs = new AtomicLong();

  NodeApi(String host, int port, JwtKeys keys) {
    this.base = URI.create("http://" + host + ":" + port);
    this.issuer = new TokenIssuer(keys, Clock.systemUTC());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /** An access token of a new {@code sub} of {@code tenant}. */
  String token(String tenant, Role role) {
    String sub = "trial-" + subs.incrementAndGet() + "@" + tenant;
    return issuer.issueAccess(new Principal(sub, tenant, EnumSet.of(role)), Duration.ofHours(2));
  }

  Answer get(String path, String token) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET(), token);
  }

  Answer post(String path, String token, String json) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)),
        token);
  }

  /** Whether {@code GET /healthz} answers 200: the node serves. */
  boolean healthy() {
    Answer a = get("/healthz", null);
    return a != null && a.status() == 200;
  }

  private Answer send(HttpRequest.Builder request, String token) {
    request.timeout(TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
      return new Answer(
          response.statusCode(), json, response.headers().firstValue("X-Request-Id").orElse(null));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
