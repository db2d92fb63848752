package dev.keyledger.edge.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.application.Commands;
import dev.keyledger.application.CountedRefusals;
import dev.keyledger.application.PlatformIdentity;
import dev.keyledger.application.QueryResult;
import dev.keyledger.application.Readiness;
import dev.keyledger.application.SystemCommands;
import dev.keyledger.application.TenantOwnership;
import dev.keyledger.application.UsageMeter;
import dev.keyledger.application.runtime.UseCases;
import dev.keyledger.application.testing.InMemoryLog;
import dev.keyledger.avro.DekUsage;
import dev.keyledger.avro.KeyMaterial;
import dev.keyledger.avro.command.RecordUsage;
import dev.keyledger.avro.command.ReportUnwrapFailed;
import dev.keyledger.edge.auth.AccessControl;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import dev.keyledger.edge.node.EdgeServer;
import dev.keyledger.edge.node.ManagementServer;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import dev.keyledger.engine.crypto.Keys;
import dev.keyledger.engine.crypto.PlatformKeyWrapper;
import dev.keyledger.engine.keys.KeyStateSource;
import dev.keyledger.engine.keys.KeyringSettings;
import dev.keyledger.engine.keys.TenantKeyring;
import dev.keyledger.engine.kms.AwsCustomerKms;
import dev.keyledger.engine.kms.AwsKmsSettings;
import dev.keyledger.engine.kms.CmkProbe;
import dev.keyledger.engine.testing.CustomerAccount;
import dev.keyledger.engine.testing.MutableClock;
import dev.keyledger.engine.workers.CommandSinkException;
import dev.keyledger.engine.workers.RewrapWorker;
import dev.keyledger.engine.workers.UnwrapReporter;
import dev.keyledger.envelope.SecretBytes;
import dev.keyledger.localkms.LocalKms;
import dev.keyledger.localkms.LocalKmsConfig;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Request;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The real edge ({@link EdgeServer}) on the real use cases ({@link UseCases#create}) over an {@link
 * InMemoryLog} instead of Kafka, with the project's local KMS emulator in-process and the
 * customer's account of the seed pages ({@link CustomerAccount}). One per test class; every test
 * gets a fresh app (and so fresh rate-limit buckets) started by {@link JavalinTest}.
 */
final class EdgeFixture implements AutoCloseable {

  static final Instant START = Instant.parse("2026-11-02T09:00:00Z");

  /** No rate limit at all, for tests that send many requests as one sub. */
  static final RateLimitConfig UNLIMITED = new RateLimitConfig(Map.of(), 1000);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock(START);
  final InMemoryLog log = new InMemoryLog();
  final LocalKms localKms;
  final CustomerAccount customer;
  final JwtKeys jwtKeys;
  final TokenIssuer issuer;
  final UsageMeter usage;
  final CountedRefusals refusals = new CountedRefusals();
  final SystemCommands system;

  /** The registry every part of the fixture records in, as a node's. */
  final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** What {@code /readyz} answers: the in-memory log is always ready. */
  final Readiness readiness = new Readiness(Map.of("log", Readiness.Part.up("in memory")));

  /** The platform's identity to customers, its external id secret fresh for each fixture. */
  final PlatformIdentity platformIdentity;

  private final AwsCustomerKms kms;
  private final SecretBytes platformSecret = Keys.newAes256();
  private final UnwrapReporter unwrapReporter;
  private final UseCases useCases;
  private final RewrapWorker rewrap;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final java.net.http.HttpClient httpClient =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  EdgeFixture() throws IOException {
    LocalKmsConfig kmsConfig = LocalKmsConfig.defaults().withPort(0);
    localKms = LocalKms.start(kmsConfig);
    customer = new CustomerAccount(localKms.endpoint());
    platformIdentity = new PlatformIdentity(Keys.newAes256(), kmsConfig.platformPrincipalArn());
    kms =
        new AwsCustomerKms(
            AwsKmsSettings.defaults()
                .withEndpointOverride(localKms.endpoint())
                .withPlatformCredentials(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(
                            kmsConfig.platformAccessKeyId(), kmsConfig.platformSecretAccessKey())),
                    kmsConfig.platformPrincipalArn())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4), 2),
            metrics);
    CmkProbe probe =
        new CmkProbe(
            kms,
            () -> {
              byte[] bytes = new byte[32];
              RANDOM.nextBytes(bytes);
              return bytes;
            });
    PlatformKeyWrapper platformKey = PlatformKeyWrapper.create(platformSecret);
    Commands commands = new Commands(log, clock, Duration.ofMillis(200));
    system = new SystemCommands(commands);
    unwrapReporter = new UnwrapReporter(system, "edge-fixture");
    KeyStateSource material =
        key ->
            log.keyMaterial(key) instanceof QueryResult.Found<KeyMaterial> found
                ? Optional.of(found.value())
                : Optional.empty();
    TenantKeyring keyring =
        new TenantKeyring(
            kms, platformKey, material, KeyringSettings.defaults(), clock, unwrapReporter);
    keyring.bindTo(metrics);
    usage = new UsageMeter(clock, "edge-fixture", system, Runnable::run, Duration.ofSeconds(2));
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    jwtKeys = JwtKeys.of(secret);
    issuer = new TokenIssuer(jwtKeys, clock);
    rewrap = new RewrapWorker(keyring, log, system, RewrapWorker.DEFAULT_BATCH_SIZE, metrics);
    useCases =
        UseCases.create(
            commands,
            log,
            kms,
            probe,
            platformKey,
            keyring,
            usage,
            refusals,
            clock,
            EdgeServer.sessionTokens(jwtKeys, clock),
            closeables::push);
  }

  /** A fresh, not started, app with the SPEC's rate limits. */
  Javalin app() {
    return app(RateLimitConfig.defaults());
  }

  Javalin app(RateLimitConfig limits) {
    return app(limits, EdgeServer.accessControl(jwtKeys, Optional.empty(), clock));
  }

  /** A fresh, not started, app authenticating requests with {@code access}. */
  Javalin app(RateLimitConfig limits, AccessControl access) {
    return EdgeServer.create(
        useCases,
        platformIdentity,
        () -> readiness,
        metrics,
        access,
        limits,
        clock,
        "127.0.0.1",
        0);
  }

  /**
   * A fresh, not started, app that sends each tenant-scoped request to the instance {@code
   * ownership} names (as a node of a cluster does).
   */
  Javalin routedApp(RateLimitConfig limits, TenantOwnership ownership) {
    AccessControl access = EdgeServer.accessControl(jwtKeys, Optional.empty(), clock);
    return EdgeServer.create(
        useCases,
        platformIdentity,
        () -> readiness,
        metrics,
        access,
        limits,
        clock,
        EdgeServer.router(ownership, access, jwtKeys, Duration.ofSeconds(5), metrics),
        "127.0.0.1",
        0);
  }

  /** A fresh, not started, management app on the fixture's registry. */
  Javalin management() {
    return ManagementServer.create(metrics, () -> readiness, "127.0.0.1", 0);
  }

  /** Runs {@code test} against a fresh app with the SPEC's rate limits. */
  void http(ThrowingConsumer<Client> test) {
    http(RateLimitConfig.defaults(), test);
  }

  void http(RateLimitConfig limits, ThrowingConsumer<Client> test) {
    http(app(limits), test);
  }

  /** Runs {@code test} against {@code app}. */
  void http(Javalin app, ThrowingConsumer<Client> test) {
    JavalinTest.test(
        app,
        new TestConfig(false, false, httpClient),
        (javalin, client) -> test.accept(new Client(client)));
  }

  @FunctionalInterface
  interface ThrowingConsumer<T> {
    void accept(T value) throws Exception;
  }

  static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  String token(String org, String sub, Role first, Role... more) {
    return issuer.issueAccess(new Principal(sub, org, EnumSet.of(first, more)));
  }

  String stepUp(String org, String sub, Role first, Role... more) {
    return issuer.issueStepUp(new Principal(sub, org, EnumSet.of(first, more)));
  }

  /** An owner of {@code tenant} named {@code owner@tenant}. */
  String owner(String tenant) {
    return token(tenant, "owner@" + tenant, Role.OWNER);
  }

  String ownerStepUp(String tenant) {
    return stepUp(tenant, "owner@" + tenant, Role.OWNER);
  }

  /** Reports the data plane's counts now, as the node's usage flush does every few seconds. */
  void flushUsage() {
    usage.flush();
  }

  /**
   * Folds {@code n} encryptions of a DEK as another instance's usage report does (a DEK near its
   * limit without making that many encryptions).
   */
  void foldEncryptions(String tenant, String dekId, int version, long n)
      throws CommandSinkException {
    system.submit(
        tenant,
        RecordUsage.newBuilder()
            .setEncryptions(n)
            .setDecryptions(0)
            .setLastUsed(clock.instant())
            .setPerDek(
                List.of(
                    DekUsage.newBuilder()
                        .setDekId(dekId)
                        .setVersion(version)
                        .setEncryptions(n)
                        .build()))
            .setReporter("another-instance")
            .build(),
        List.of());
  }

  /** Audits the counted refusals now, as the node does every minute. */
  void flushRefusals() {
    refusals.flush(system);
  }

  /** Seals the tenant as the engine does after a failed unwrap (the unwrap reporter's command). */
  void seal(String tenant) throws CommandSinkException {
    assertThat(
            system
                .submit(
                    tenant,
                    ReportUnwrapFailed.newBuilder()
                        .setTmkVersion(1)
                        .setFailure("disabled")
                        .setMessage("Cannot access CMK: key is disabled")
                        .setReporter("edge-fixture")
                        .build(),
                    List.of())
                .getAccepted())
        .isTrue();
  }

  /** Registers a key granting the platform (seed 000) through the tenant API; returns its ARN. */
  String registered(Client http, String token) {
    String keyArn = customer.keyGrantingPlatform();
    Reply reply = http.post("/api/v1/byok/keys", token, "{\"key_arn\":\"" + keyArn + "\"}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(201);
    return keyArn;
  }

  /**
   * Registers a key, acknowledges the waiver and lets the rewrap move every DEK under it: BYOK
   * active, the tenant's data under the customer's key. Returns the key ARN.
   */
  String active(Client http, String token) {
    String keyArn = registered(http, token);
    Reply ack =
        http.post(
            "/api/v1/byok/legal-waiver",
            token,
            "{\"acknowledged\":true,\"acknowledged_by\":\"cto@example.com\"}");
    assertThat(ack.status()).as(ack.text()).isEqualTo(200);
    rewrapAll(tenantOf(token));
    return keyArn;
  }

  /** Runs the background rewrap (as a node does every 5 s) until the tenant has none pending. */
  void rewrapAll(String tenant) {
    for (int round = 0; round < 10 && pendingRewrap(tenant); round++) {
      rewrap.runOnce();
    }
    assertThat(pendingRewrap(tenant)).as("the tenant's rewrap completed").isFalse();
  }

  private boolean pendingRewrap(String tenant) {
    return log.state(tenant).map(state -> state.getRewrap() != null).orElse(false);
  }

  /** The {@code org} claim of a token the fixture issued. */
  private static String tenantOf(String token) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]))
          .path("org")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String unb64(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /**
   * The operations and statuses of the tenant's audit trail, newest first ({@code
   * operation:status}).
   */
  static List<String> auditTrail(Client http, String token) {
    Reply audit = http.get("/api/v1/byok/audit?limit=500", token);
    assertThat(audit.status()).as(audit.text()).isEqualTo(200);
    return audit
        .json()
        .path("entries")
        .valueStream()
        .map(e -> e.path("operation").asText() + ":" + e.path("status").asText())
        .toList();
  }

  /** After each test: every switch of the log and of local-kms off. */
  void reset() {
    log.reset();
    localKms.faults().clear();
  }

  @Override
  public void close() {
    while (!closeables.isEmpty()) {
      try {
        closeables.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    unwrapReporter.close();
    kms.close();
    customer.close();
    localKms.close();
    platformSecret.destroy();
  }

  /** An HTTP answer: status, headers and body (parsed when it is JSON). */
  record Reply(int status, Map<String, List<String>> headers, String text) {

    JsonNode json() {
      try {
        return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text, e);
      }
    }

    JsonNode error() {
      return json().path("error");
    }

    String errorType() {
      return error().path("type").asText();
    }

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst()
          .orElse(null);
    }

    /**
     * Asserts the SPEC error body: type, status, a request id, a message; returns the error object.
     */
    JsonNode assertError(int expectedStatus, String expectedType) {
      assertThat(status).as(text).isEqualTo(expectedStatus);
      JsonNode error = error();
      assertThat(error.path("type").asText()).as(text).isEqualTo(expectedType);
      assertThat(error.path("message").asText()).as(text).isNotBlank();
      assertThat(error.path("request_id").asText())
          .as(text)
          .startsWith("req_")
          .isEqualTo(header("X-Request-Id"));
      assertThat(json().size()).as("only the error object: " + text).isEqualTo(1);
      return error;
    }

    /** {@link #assertError} and the error code. */
    JsonNode assertError(int expectedStatus, String expectedType, String expectedCode) {
      JsonNode error = assertError(expectedStatus, expectedType);
      assertThat(error.path("code").asText()).as(text).isEqualTo(expectedCode);
      return error;
    }

    /** The value of Retry-After, which must be there and positive. */
    int retryAfter() {
      String value = header("Retry-After");
      assertThat(value).as("Retry-After of " + text).isNotNull();
      int seconds = Integer.parseInt(value);
      assertThat(seconds).isPositive();
      return seconds;
    }
  }

  /**
   * JSON calls through javalin-testtools' client, with the bearer and step-up headers of the API.
   */
  static final class Client {

    private final io.javalin.testtools.HttpClient client;

    Client(io.javalin.testtools.HttpClient client) {
      this.client = client;
    }

    /**
     * A request that declares a body of {@code contentLength} bytes with {@code Expect:
     * 100-continue} and then waits for the answer before sending any of it, as a careful client
     * does with a large upload. Written on a socket of its own: the JDK 17 client waits forever
     * when the answer to an expectation is final (JDK-8286171).
     */
    Reply declareUpload(String method, String path, String token, String stepUp, long contentLength)
        throws IOException {
      URI origin = URI.create(client.getOrigin());
      try (Socket socket = new Socket(origin.getHost(), origin.getPort())) {
        socket.setSoTimeout(10_000);
        StringBuilder head =
            new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(origin.getHost())
                .append(':')
                .append(origin.getPort())
                .append("\r\n")
                .append("Authorization: Bearer ")
                .append(token)
                .append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ")
                .append(contentLength)
                .append("\r\n")
                .append("Expect: 100-continue\r\n");
        if (stepUp != null) {
          head.append(AccessControl.STEP_UP_HEADER).append(": ").append(stepUp).append("\r\n");
        }
        socket
            .getOutputStream()
            .write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return parse(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    }

    /** Status of a {@link #rawBytes} request the server closed on while it was being sent. */
    static final int CLOSED_WHILE_SENDING = 0;

    /**
     * Sends {@code request} as given, byte for byte, on a socket of its own, closes the sending
     * side (so a body shorter than declared ends there) and reads the whole answer: for what the
     * JDK client refuses to send (any request line, header or framing). The request should say
     * {@code Connection: close} unless the server is expected to close anyway. Interim {@code 1xx}
     * answers are skipped. When the server closes while the request is still being sent (it answers
     * a bad request line without reading a large body) and the reset takes its answer along, the
     * reply has status {@link #CLOSED_WHILE_SENDING}.
     */
    Reply rawBytes(byte[] request) throws IOException {
      URI origin = URI.create(client.getOrigin());
      try (Socket socket = new Socket(origin.getHost(), origin.getPort())) {
        socket.setSoTimeout(10_000);
        try {
          socket.getOutputStream().write(request);
          socket.getOutputStream().flush();
          socket.shutdownOutput();
        } catch (IOException closed) {
          try {
            String early = new String(socket.getInputStream().readAllBytes(), UTF_8);
            if (early.contains("\r\n\r\n")) {
              return parse(withoutInterim(early));
            }
          } catch (IOException reset) {
            // the answer, if any, went with the reset
          }
          return new Reply(CLOSED_WHILE_SENDING, Map.of(), closed.toString());
        }
        return parse(withoutInterim(new String(socket.getInputStream().readAllBytes(), UTF_8)));
      }
    }

    private static String withoutInterim(String raw) {
      String rest = raw;
      while (rest.startsWith("HTTP/1.1 1") && rest.contains("\r\n\r\n")) {
        rest = rest.substring(rest.indexOf("\r\n\r\n") + 4);
      }
      return rest;
    }

    /** The {@code Host} header of a raw request to this server. */
    String host() {
      return URI.create(client.getOrigin()).getAuthority();
    }

    /** A whole HTTP/1.1 answer (the server closed the connection after it). */
    private static Reply parse(String raw) {
      int split = raw.indexOf("\r\n\r\n");
      assertThat(split).as("a complete answer: " + raw).isPositive();
      String[] lines = raw.substring(0, split).split("\r\n");
      assertThat(lines[0]).as("a final answer, not 100 Continue").doesNotContain(" 100 ");
      Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers
            .computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
      return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, raw.substring(split + 4));
    }

    Reply get(String path, String token) {
      return send(path, token, null, b -> b.get());
    }

    Reply post(String path, String token, String json) {
      return send(path, token, null, b -> b.post(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply postStepUp(String path, String token, String stepUp, String json) {
      return send(path, token, stepUp, b -> b.post(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply put(String path, String token, String json) {
      return send(path, token, null, b -> b.put(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply delete(String path, String token, String stepUp) {
      return send(path, token, stepUp, b -> b.delete(HttpRequest.BodyPublishers.noBody()));
    }

    Reply patch(String path, String token, String json) {
      return send(path, token, null, b -> b.patch(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Any request: {@code headers} as given (no defaults), then {@code method}. */
    Reply raw(String path, Map<String, String> headers, Consumer<Request.Builder> method) {
      return reply(
          client.request(
              path,
              b -> {
                headers.forEach(b::header);
                method.accept(b);
              }));
    }

    private Reply send(String path, String token, String stepUp, Consumer<Request.Builder> method) {
      return reply(
          client.request(
              path,
              b -> {
                b.header("Content-Type", "application/json");
                if (token != null) {
                  b.header("Authorization", "Bearer " + token);
                }
                if (stepUp != null) {
                  b.header(AccessControl.STEP_UP_HEADER, stepUp);
                }
                method.accept(b);
              }));
    }

    private static Reply reply(Response response) {
      Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String name :
          List.of(
              "Retry-After",
              "X-Request-Id",
              "Content-Type",
              "Allow",
              "Cache-Control",
              "Location",
              "Content-Security-Policy",
              "X-Content-Type-Options",
              "Referrer-Policy")) {
        List<String> values = response.headers().get(name);
        if (values != null && !values.isEmpty()) {
          headers.put(name, values);
        }
      }
      return new Reply(response.code(), headers, response.body().string());
    }
  }
}
