package dev.keyledger.edge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client for the edge: every call returns the status, headers and parsed body. */
final class Http {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Response(int status, HttpResponse<String> raw, JsonNode body) {
    String error() {
      return body.path("error").path("type").asText();
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  Response get(String path, String token) {
    return send(request(path, token, null).GET().build());
  }

  Response post(String path, String token, String json) {
    return send(request(path, token, null).POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Response postWithStepUp(String path, String token, String stepUp, String json) {
    return send(
        request(path, token, stepUp).POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Response put(String path, String token, String json) {
    return send(request(path, token, null).PUT(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Response delete(String path, String token, String stepUp) {
    return send(request(path, token, stepUp).DELETE().build());
  }

  private HttpRequest.Builder request(String path, String token, String stepUp) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (stepUp != null) {
      b.header("X-Step-Up", stepUp);
    }
    return b;
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
      return new Response(response.statusCode(), response, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
