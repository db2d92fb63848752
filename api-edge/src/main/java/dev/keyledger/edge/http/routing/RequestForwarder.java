package dev.keyledger.edge.http.routing;

import dev.keyledger.edge.http.ApiException;
import dev.keyledger.edge.http.ClientAddress;
import dev.keyledger.edge.http.RequestIds;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * Forwards one request to the instance that owns its tenant and relays the answer (JDK {@link
 * HttpClient}, HTTP/1.1): the same method, path, query and body; the headers that carry identity
 * and meaning ({@value #AUTHORIZATION}, {@code X-Step-Up}, {@code Content-Type}, {@code Accept}),
 * the request id, the caller's IP as {@code X-Forwarded-For} and the {@link HopMarker}. The
 * answer's status, body and the headers a client acts on are relayed as they are.
 *
 * <p>Bounded: connecting takes at most {@link #CONNECT_TIMEOUT}, the whole exchange at most the
 * timeout given (longer than the owner's own wait for the fold). An owner that cannot be reached or
 * does not answer in time gives {@code 503 state_unavailable} with {@code Retry-After}.
 *
 * <p>Metric {@value #METRIC}: forwarded requests by {@code outcome} ({@code relayed}, {@code
 * unreachable}, {@code timeout}); never a tenant or a host in a label.
 */
public final class RequestForwarder {

  /** Timer of forwarded requests, by outcome. */
  public static final String METRIC = "keyledger.http.forwarded";

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private static final String AUTHORIZATION = "Authorization";

  private static final List<String> FORWARDED_HEADERS =
      List.of(AUTHORIZATION, "X-Step-Up", "Content-Type", "Accept");

  private static final List<String> RELAYED_HEADERS =
      List.of("Content-Type", "Retry-After", "Location", "WWW-Authenticate", "Cache-Control");

  private static final int RETRY_AFTER_SECONDS = 1;

  private final HttpClient client;
  private final HopMarker hop;
  private final Duration timeout;
  private final MeterRegistry metrics;

  /**
   * @param timeout the longest a forwarded exchange may take
   */
  public RequestForwarder(HopMarker hop, Duration timeout, MeterRegistry metrics) {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.hop = hop;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  /**
   * Sends the request to {@code host:port} and writes its answer into {@code ctx}.
   *
   * @throws ApiException 503 {@code state_unavailable} when the owner cannot be reached in time
   */
  public void forward(Context ctx, String host, int port) {
    String pathAndQuery = pathAndQuery(ctx);
    String requestId = RequestIds.of(ctx);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + pathAndQuery))
            .timeout(timeout)
            .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
    for (String name : FORWARDED_HEADERS) {
      String value = ctx.header(name);
      if (value != null) {
        request.header(name, value);
      }
    }
    request.header(RequestIds.HEADER, requestId);
    request.header("X-Forwarded-For", ClientAddress.of(ctx));
    request.header(HopMarker.HEADER, hop.mark(requestId, ctx.method().name(), pathAndQuery));
    Timer.Sample sample = Timer.start(metrics);
    String outcome = "relayed";
    try {
      HttpResponse<byte[]> answer =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      ctx.status(answer.statusCode());
      for (String name : RELAYED_HEADERS) {
        answer.headers().firstValue(name).ifPresent(value -> ctx.header(name, value));
      }
      ctx.result(answer.body());
    } catch (HttpTimeoutException e) {
      outcome = "timeout";
      throw unavailable(
          "The instance that owns this tenant did not answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      outcome = "unreachable";
      throw unavailable("The instance that owns this tenant cannot be reached now");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "unreachable";
      throw unavailable("Forwarding was interrupted (this instance is stopping)");
    } finally {
      sample.stop(
          Timer.builder(METRIC)
              .description("Requests forwarded to the instance that owns their tenant")
              .tag("outcome", outcome)
              .register(metrics));
    }
  }

  /** The path and query as the client sent them (still encoded). */
  static String pathAndQuery(Context ctx) {
    String query = ctx.queryString();
    return ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  private static ApiException unavailable(String message) {
    return ApiException.unavailable(
        "state_unavailable",
        message + " (it may be moving to another instance)",
        RETRY_AFTER_SECONDS);
  }
}
