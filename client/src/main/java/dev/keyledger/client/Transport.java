package dev.keyledger.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Sends one JSON POST with a fresh bearer token per attempt, retries what the {@link RetryPolicy}
 * allows, and returns the parsed 2xx body or throws the call's {@link KeyLedgerException}.
 */
final class Transport {

  private final HttpClient http;
  private final String baseUri;
  private final Supplier<String> token;
  private final Duration timeout;
  private final RetryPolicy retries;
  private final ObjectMapper json;
  private final ErrorResponses errors;

  Transport(
      HttpClient http,
      URI baseUri,
      Supplier<String> token,
      Duration timeout,
      RetryPolicy retries,
      ObjectMapper json) {
    this.http = http;
    this.baseUri = baseUri.toString().replaceAll("/+$", "");
    this.token = token;
    this.timeout = timeout;
    this.retries = retries;
    this.json = json;
    this.errors = new ErrorResponses(json);
  }

  <T> T post(String path, Object body, Class<T> responseType) {
    return post(path, body, responseType, false);
  }

  /**
   * Like {@link #post(String, Object, Class)} for a response that carries key material: the raw
   * response body is zeroed once parsed (the parsed record is the caller's to wipe).
   */
  <T> T postForSecret(String path, Object body, Class<T> responseType) {
    return post(path, body, responseType, true);
  }

  private <T> T post(String path, Object body, Class<T> responseType, boolean wipeBody) {
    byte[] requestBody = serialize(body);
    URI uri = URI.create(baseUri + path);
    for (int retry = 0; ; retry++) {
      KeyLedgerException failure;
      try {
        HttpResponse<byte[]> response =
            http.send(request(uri, requestBody), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 == 2) {
          try {
            return parse(response, responseType);
          } finally {
            if (wipeBody) {
              Arrays.fill(response.body(), (byte) 0);
            }
          }
        }
        failure = errors.toException(response.statusCode(), response.headers(), response.body());
      } catch (IOException e) {
        failure = unreachable(uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(e);
      }
      if (!retries.shouldRetry(failure, retry)) {
        throw failure;
      }
      pause(retries.delayBefore(retry + 1, failure.retryAfter()));
    }
  }

  private HttpRequest request(URI uri, byte[] body) {
    String bearer = token.get();
    if (bearer == null || bearer.isBlank()) {
      throw new IllegalStateException("The token supplier returned no token");
    }
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private byte[] serialize(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // Only the client's own request records are serialized here, so this is a bug, not bad input.
      throw new IllegalStateException("Cannot serialize " + body.getClass().getSimpleName(), e);
    }
  }

  private <T> T parse(HttpResponse<byte[]> response, Class<T> type) {
    try {
      return json.readValue(response.body(), type);
    } catch (IOException e) {
      // No cause attached: Jackson's messages quote the offending input, which may be key material
      // or plaintext from a misbehaving intermediary.
      String requestId = response.headers().firstValue("X-Request-Id").orElse(null);
      throw new KeyLedgerException(
          new ErrorInfo(
              response.statusCode(),
              "invalid_response",
              null,
              "HTTP "
                  + response.statusCode()
                  + " with a body that is not a valid "
                  + type.getSimpleName(),
              null,
              requestId,
              null),
          null);
    }
  }

  private KeyLedgerException unreachable(URI uri, IOException cause) {
    String what =
        cause instanceof HttpTimeoutException
            ? "timed out after " + timeout.toMillis() + " ms"
            : "failed (" + cause.getClass().getSimpleName() + ")";
    String host = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    return new KeyLedgerException(
        ErrorInfo.local("unreachable", "POST " + uri.getPath() + " to " + host + " " + what),
        cause);
  }

  private static KeyLedgerException interrupted(InterruptedException cause) {
    return new KeyLedgerException(
        ErrorInfo.local("interrupted", "Interrupted while calling KeyLedger"), cause);
  }

  /**
   * Waits on the caller's thread. The API is blocking and the caller is already parked on the HTTP
   * exchange, so there is no need for a scheduler thread that the client would have to own and shut
   * down; parkNanos may return early, hence the loop to the deadline.
   */
  private static void pause(Duration delay) {
    long deadline = System.nanoTime() + delay.toNanos();
    for (long left = delay.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(new InterruptedException("interrupted during retry backoff"));
      }
    }
  }
}
