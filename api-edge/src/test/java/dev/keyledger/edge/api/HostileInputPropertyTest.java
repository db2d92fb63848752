package dev.keyledger.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyledger.edge.api.EdgeFixture.Reply;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.ratelimit.RateLimitConfig;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * No input is answered with a 5xx, on any route: every route of the real app ({@code KeyLedgerApp}
 * as {@link EdgeFixture} builds it, routes read from the app itself, so a new route is covered
 * without a change here) gets generated requests, sent as raw bytes so that nothing is off limits:
 * any method, target, query, HTTP version, header, framing and body, with valid and invalid tokens
 * and step-up tokens. Every answer is below 500; every error is the SPEC error body with the
 * request's id; every 429 and 503 says when to retry. After each session the app still answers
 * known-good requests and the tenant's audit chain is intact.
 */
class HostileInputPropertyTest {

  private static final Pattern ERROR_TYPE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final String NO_HEADER = "(no header)";
  private static final String ISSUER = "keyledger-dev";

  private static EdgeFixture edge;
  private static List<Route> routes;

  /** One route of the app: method and path, path parameters as {@code {name}}. */
  record Route(String method, String path) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  @BeforeContainer
  static void start() throws IOException {
    edge = new EdgeFixture();
    Javalin app = edge.app();
    routes =
        app.unsafe.internalRouter.allHttpHandlers().stream()
            .map(parsed -> parsed.endpoint)
            .filter(e -> e.method.isHttpMethod())
            .map(e -> new Route(e.method.name(), e.path))
            .distinct()
            .toList();
  }

  @AfterContainer
  static void stop() {
    edge.close();
  }

  @Property(tries = 15, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.BOUNDED)
  void noInputIsAnsweredWithA5xxAndTheAppStillAnswers(
      @ForAll("sessions") List<Hostile> session, @ForAll boolean specRateLimits) {
    assertThat(routes).as("routes read from the app").hasSizeGreaterThan(20);
    Tokens tokens = new Tokens(EdgeFixture.tenant());
    edge.http(
        specRateLimits ? RateLimitConfig.defaults() : EdgeFixture.UNLIMITED,
        http -> {
          edge.active(http, tokens.owner);
          for (Hostile request : session) {
            Reply reply = http.rawBytes(request.bytes(http.host(), tokens));
            Statistics.label("status").collect(reply.status() / 100 + "xx");
            assertAnswer(request, reply);
          }
          assertThat(http.get("/healthz", null).status()).isEqualTo(200);
          String reader = edge.token(tokens.tenant, "reader@" + tokens.tenant, Role.AUDITOR);
          Reply waiver = http.get("/api/v1/byok/legal-waiver", reader);
          assertThat(waiver.status()).as(waiver.text()).isEqualTo(200);
          Reply chain = http.get("/api/v1/byok/audit/verify", reader);
          assertThat(chain.json().path("intact").asBoolean()).as(chain.text()).isTrue();
        });
  }

  /**
   * Below 500; an error is the SPEC body with the request's id; 429 and 503 say when to retry. The
   * one 5xx a session can earn is {@code 503 dek_rotating} for a second after a valid revoke with
   * {@code allow_data_loss} erased the active DEK (a new one is being made): the state the session
   * asked for, not a failure on its input. A request the server cut off while it was being sent (a
   * bad request line or header before a large body) may lose its answer to the reset: that is the
   * server refusing to read on, and passes.
   */
  private static void assertAnswer(Hostile request, Reply reply) {
    String what = request + " -> " + reply.status() + " " + abbreviate(reply.text());
    if (reply.status() == EdgeFixture.Client.CLOSED_WHILE_SENDING) {
      return; // refused before its body was read; the app must still answer the next request
    }
    if (reply.status() == 503 && reply.errorType().equals("dek_rotating")) {
      assertThat(reply.header("Retry-After")).as(what).isEqualTo("1");
    } else {
      assertThat(reply.status()).as(what).isBetween(200, 499);
    }
    if (reply.status() == 429 || reply.status() == 503) {
      assertThat(reply.header("Retry-After")).as(what).matches("[1-9][0-9]*");
    }
    if (request.method.equals("HEAD") || reply.status() < 400) {
      return;
    }
    assertThat(reply.header("Content-Type")).as(what).startsWith("application/json");
    JsonNode body = reply.json();
    assertThat(body.size()).as("only the error object: " + what).isEqualTo(1);
    JsonNode error = body.path("error");
    assertThat(error.path("type").asText()).as(what).matches(ERROR_TYPE);
    assertThat(error.path("message").asText()).as(what).isNotBlank();
    assertThat(error.path("request_id").asText())
        .as(what)
        .startsWith("req_")
        .isEqualTo(reply.header("X-Request-Id"));
    error
        .fieldNames()
        .forEachRemaining(
            f ->
                assertThat(f)
                    .as(what)
                    .isIn("type", "code", "message", "hint", "reason", "request_id"));
    for (String optional : new String[] {"code", "hint"}) {
      if (error.has(optional)) {
        assertThat(error.get(optional).isTextual()).as(what).isTrue();
      }
    }
  }

  // ---- generators ------------------------------------------------------------------------------

  /** Every route once, then up to 50 more requests of any route. */
  @Provide
  Arbitrary<List<Hostile>> sessions() {
    List<Arbitrary<Hostile>> eachRoute = routes.stream().map(this::request).toList();
    Arbitrary<List<Hostile>> more =
        Arbitraries.of(routes).flatMap(this::request).list().ofMinSize(30).ofMaxSize(50);
    return Combinators.combine(Combinators.combine(eachRoute).as(List::copyOf), more)
        .as(
            (first, rest) -> {
              List<Hostile> all = new ArrayList<>(first);
              all.addAll(rest);
              return all;
            });
  }

  /**
   * What a generated request twists: mostly one part at a time (the rest of the request valid, so
   * the twist reaches deep into its handler), sometimes nothing, sometimes everything at once.
   */
  enum Twist {
    NOTHING,
    METHOD,
    TARGET,
    VERSION,
    AUTH,
    STEP_UP,
    CONTENT_TYPE,
    HEADERS,
    FRAMING,
    BODY,
    EVERYTHING
  }

  private Arbitrary<Hostile> request(Route route) {
    return Arbitraries.frequencyOf(
            freq(2, Arbitraries.just(Twist.NOTHING)),
            freq(1, Arbitraries.just(Twist.METHOD)),
            freq(2, Arbitraries.just(Twist.TARGET)),
            freq(1, Arbitraries.just(Twist.VERSION)),
            freq(2, Arbitraries.just(Twist.AUTH)),
            freq(1, Arbitraries.just(Twist.STEP_UP)),
            freq(1, Arbitraries.just(Twist.CONTENT_TYPE)),
            freq(1, Arbitraries.just(Twist.HEADERS)),
            freq(1, Arbitraries.just(Twist.FRAMING)),
            freq(8, Arbitraries.just(Twist.BODY)),
            freq(2, Arbitraries.just(Twist.EVERYTHING)))
        .flatMap(twist -> request(route, twist));
  }

  private Arbitrary<Hostile> request(Route route, Twist twist) {
    Arbitrary<String> method =
        twisted(
            twist,
            Twist.METHOD,
            Arbitraries.just(route.method),
            Arbitraries.of(
                "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO"));
    Arbitrary<String> version =
        twisted(
            twist,
            Twist.VERSION,
            Arbitraries.just("HTTP/1.1"),
            Arbitraries.of("HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/9", "FOO/1.1", ""));
    Arbitrary<Auth> auth =
        twisted(twist, Twist.AUTH, Arbitraries.just(Auth.ALL_ROLES), Arbitraries.of(Auth.class));
    Arbitrary<StepUp> stepUp =
        twisted(twist, Twist.STEP_UP, Arbitraries.just(StepUp.VALID), Arbitraries.of(StepUp.class));
    Arbitrary<Tuple2<Auth, StepUp>> credentials = Combinators.combine(auth, stepUp).as(Tuple::of);
    return Combinators.combine(
            method,
            twisted(twist, Twist.TARGET, validTarget(route), target(route)),
            version,
            credentials,
            twisted(twist, Twist.CONTENT_TYPE, Arbitraries.just("application/json"), contentType()),
            twisted(twist, Twist.HEADERS, Arbitraries.just(List.<String>of()), extraHeaders()),
            twisted(twist, Twist.BODY, validBody(route), hostileBody(route)),
            twisted(
                twist,
                Twist.FRAMING,
                Arbitraries.just(Framing.EXACT),
                Arbitraries.of(Framing.class)))
        .as(
            (m, t, v, who, ct, extra, b, f) ->
                new Hostile(route, m, t, v, who.get1(), who.get2(), ct, extra, b, f));
  }

  /** {@code hostile} when the request twists {@code part} (or everything), else {@code valid}. */
  private static <T> Arbitrary<T> twisted(
      Twist twist, Twist part, Arbitrary<T> valid, Arbitrary<T> hostile) {
    return twist == part || twist == Twist.EVERYTHING ? hostile : valid;
  }

  private static <T> Tuple2<Integer, Arbitrary<? extends T>> freq(
      int weight, Arbitrary<? extends T> arbitrary) {
    return Tuple.of(weight, arbitrary);
  }

  /** The route's path with a valid parameter. */
  private static Arbitrary<String> validTarget(Route route) {
    return Arbitraries.just(route.path.replaceAll("\\{[^}]+}", "cmd_" + "0".repeat(32)));
  }

  /** The route's path (parameters filled in) or a twisted one, and a query. */
  private static Arbitrary<String> target(Route route) {
    Arbitrary<String> param =
        Arbitraries.oneOf(
            Arbitraries.just("cmd_" + "0".repeat(32)),
            Arbitraries.strings()
                .withCharRange('a', 'f')
                .numeric()
                .ofLength(32)
                .map(h -> "cmd_" + h),
            Arbitraries.of(
                "x", "%00", "%2F", "..", "%zz", "cmd_", "%F0%9F%94%91", "a".repeat(3000)));
    Arbitrary<String> path =
        param.map(p -> route.path.replaceAll("\\{[^}]+}", p.replace("$", "\\$")));
    Arbitrary<String> twisted =
        Arbitraries.frequencyOf(
            freq(12, path),
            freq(1, path.map(p -> p + "/")),
            freq(1, path.map(p -> "/" + p)),
            freq(1, path.map(p -> p.replace("/byok/", "/byok/./"))),
            freq(1, path.map(p -> p.replace("/v1/", "/v1/x/../"))),
            freq(1, path.map(p -> p.toUpperCase(Locale.ROOT))),
            freq(1, path.map(p -> p + "/unknown")),
            freq(1, path.map(p -> p.replace("/", "%2F"))),
            freq(1, path.map(p -> p + ";jsessionid=1")),
            freq(1, path.map(p -> p + "\u00ff")),
            freq(1, path.map(p -> p + "/" + "a".repeat(40_000))),
            freq(1, Arbitraries.of("*", "", "http://evil.example/healthz", "/%", "/\u0000")));
    Arbitrary<String> query =
        Arbitraries.frequencyOf(
            freq(4, Arbitraries.just("")),
            freq(
                6,
                Combinators.combine(
                        Arbitraries.of(
                            "limit",
                            "cursor",
                            "start_date",
                            "end_date",
                            "operation",
                            "dek_limit",
                            "dek_before",
                            "reason",
                            "",
                            "%zz"),
                        Arbitraries.of(
                            "",
                            "1",
                            "0",
                            "-1",
                            "500",
                            "501",
                            "99999999999999999999",
                            "1.5",
                            "2026-11-01",
                            "2026-13-45",
                            "2026-11-01T10:00:00Z",
                            "+1000000000-01-01T00:00:00Z",
                            "register",
                            "%zz",
                            "%00",
                            "a%20b",
                            "x".repeat(5000)))
                    .as((k, v) -> k + "=" + v)
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(4)
                    .map(kv -> "?" + String.join("&", kv))));
    return Combinators.combine(twisted, query).as((p, q) -> p + q);
  }

  private static Arbitrary<String> contentType() {
    return Arbitraries.frequencyOf(
        freq(12, Arbitraries.just("application/json")),
        freq(
            4,
            Arbitraries.of(
                NO_HEADER,
                "application/json; charset=utf-8",
                "application/json; charset=UTF-16",
                "application/json; charset=ISO-8859-1",
                "application/json; charset=foo",
                "application/json; charset=@@",
                "application/json; charset=",
                "application/json; charset=\"utf-8\"",
                "text/plain",
                "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded",
                ";;;",
                "")));
  }

  private static Arbitrary<List<String>> extraHeaders() {
    Arbitrary<String> header =
        Arbitraries.of(
            "Accept: application/xml",
            "Accept-Encoding: gzip",
            "Content-Encoding: gzip",
            "X-Request-Id: req_forged",
            "Range: bytes=0-1",
            "Upgrade: h2c",
            "Expect: nothing",
            "X-Forwarded-For: 10.0.0.1, ::1, x",
            "X-Big: " + "a".repeat(40_000),
            "Bad Header",
            "X-Ctl: a\u0001b",
            "X-Latin: caf\u00e9",
            " folded: x");
    return Arbitraries.frequencyOf(
        freq(7, Arbitraries.just(List.<String>of())),
        freq(3, header.injectDuplicates(0.2).list().ofMinSize(1).ofMaxSize(2)));
  }

  /** A valid body of the route, when this test knows one (else empty or {@code {}}). */
  private static Arbitrary<byte[]> validBody(Route route) {
    return Arbitraries.of(validBodies(route.path)).map(m -> utf8(m.isEmpty() ? "" : render(m)));
  }

  /**
   * A valid body of the route with one field set to a hostile value, or a field twice, a generated
   * JSON object, or raw bytes.
   */
  private static Arbitrary<byte[]> hostileBody(Route route) {
    Arbitrary<Map<String, String>> base = Arbitraries.of(validBodies(route.path));
    Arbitrary<String> oneFieldHostile =
        base.flatMap(
            members -> {
              List<String> own = List.copyOf(members.keySet());
              Arbitrary<String> field =
                  own.isEmpty()
                      ? Arbitraries.of(FIELDS)
                      : Arbitraries.frequencyOf(
                          freq(3, Arbitraries.of(own)), freq(1, Arbitraries.of(FIELDS)));
              return field.flatMap(
                  f ->
                      hostileValue(f)
                          .map(
                              v -> {
                                Map<String, String> changed = new LinkedHashMap<>(members);
                                changed.put(f, v);
                                return render(changed);
                              }));
            });
    Arbitrary<String> duplicated = base.map(HostileInputPropertyTest::withDuplicate);
    return Arbitraries.frequencyOf(
        freq(6, oneFieldHostile.map(HostileInputPropertyTest::utf8)),
        freq(1, duplicated.map(HostileInputPropertyTest::utf8)),
        freq(2, jsonObject(2).map(HostileInputPropertyTest::utf8)),
        freq(2, rawBodies()));
  }

  /** The body with its first field twice (the first time null), or a duplicate of its own. */
  private static String withDuplicate(Map<String, String> members) {
    if (members.isEmpty()) {
      return "{\"a\":1,\"a\":2}";
    }
    String first = members.keySet().iterator().next();
    return "{\"" + first + "\":null," + render(members).substring(1);
  }

  private static String render(Map<String, String> members) {
    StringBuilder json = new StringBuilder("{");
    members.forEach(
        (k, v) ->
            json.append(json.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":")
                .append(v));
    return json.append('}').toString();
  }

  /** A value for {@code field}: one aimed at what the field holds, or any JSON value. */
  private static Arbitrary<String> hostileValue(String field) {
    List<String> aimed =
        switch (field) {
          case "context" -> CONTEXTS;
          case "plaintext", "ciphertext" ->
              List.of("\"\"", "\"eA\"", "\"e A=\"", "\"eA==\\n\"", "\"-_-_\"", "\"S0wBAAAA\"");
          case "acknowledged_terms", "terms" ->
              List.of(
                  "[null]",
                  "[1,{}]",
                  "\"a\"",
                  "[" + "\"t\",".repeat(32) + "\"t\"]",
                  "[\"\\ud800\"]");
          case "version", "encryptions" ->
              List.of("0", "-1", "1.5", "\"1\"", "2147483648", "1e3", "true", "1048577");
          default -> List.of();
        };
    return aimed.isEmpty()
        ? jsonValue(2)
        : Arbitraries.frequencyOf(freq(2, Arbitraries.of(aimed)), freq(1, jsonValue(2)));
  }

  /** Contexts the envelope must refuse (and one it must take). */
  private static final List<String> CONTEXTS =
      List.of(
          "{\"\":\"v\"}",
          "{\"k\":\"" + "\u00e9".repeat(700) + "\"}",
          "{\"" + "\u00e9".repeat(700) + "\":\"v\"}",
          "{\"k\":\"\\ud800\"}",
          "{\"k\":null}",
          "{\"k\":1}",
          "{\"k\":{\"a\":\"b\"}}",
          "{\"k\":\"a\",\"k\":\"b\"}",
          IntStream.range(0, 33)
              .mapToObj(i -> "\"k" + i + "\":\"v\"")
              .collect(Collectors.joining(",", "{", "}")),
          "{\"t\":\"\"}");

  /** Valid bodies of the routes this test knows, as members (field to JSON value). */
  private static List<Map<String, String>> validBodies(String path) {
    String keyArn = "\"arn:aws:kms:us-east-1:111122223333:key/" + UUID.randomUUID() + "\"";
    return switch (path) {
      case "/api/v1/byok/keys" -> List.of(Map.of("key_arn", keyArn), Map.of());
      case "/api/v1/byok/keys/rotate" ->
          List.of(
              Map.of(),
              Map.of("rotation_type", "\"dek\""),
              ordered("rotation_type", "\"full\"", "reason", "\"r\""));
      case "/api/v1/byok/encrypt" ->
          List.of(ordered("plaintext", "\"eA==\"", "context", "{\"t\":\"p\"}"));
      case "/api/v1/byok/decrypt" ->
          List.of(ordered("ciphertext", "\"S0wBAAAAAQ==\"", "context", "{\"t\":\"p\"}"));
      case "/api/v1/byok/data-keys" -> List.of(Map.of(), Map.of("encryptions", "10"));
      case "/api/v1/byok/legal-waiver" ->
          List.of(ordered("acknowledged", "true", "acknowledged_by", "\"a@b.c\""));
      case "/admin/tenant-kms" ->
          List.of(
              ordered(
                  "provider",
                  "\"aws\"",
                  "kms_key_ref",
                  keyArn,
                  "config",
                  "{\"region\":\"us-east-1\",\"role_arn\":\"arn:aws:iam::111122223333:role/R\","
                      + "\"external_id\":\"ext-1\"}"));
      case "/admin/tenant-kms/revoke" ->
          List.of(Map.of("version", "1"), ordered("version", "2", "allow_data_loss", "true"));
      case "/admin/legal-waiver" ->
          List.of(
              ordered(
                  "waiver_version",
                  "\"9." + UUID.randomUUID() + "\"",
                  "effective_date",
                  "\"2027-01-01\"",
                  "title",
                  "\"t\"",
                  "content",
                  "\"c\"",
                  "terms",
                  "[\"a\"]"));
      default -> List.of(Map.of());
    };
  }

  private static Map<String, String> ordered(String... fieldsAndValues) {
    Map<String, String> members = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      members.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return members;
  }

  private static final List<String> FIELDS =
      List.of(
          "key_arn",
          "key_alias",
          "description",
          "role_arn",
          "external_id",
          "rotation_type",
          "reason",
          "plaintext",
          "ciphertext",
          "context",
          "encryptions",
          "acknowledged",
          "acknowledged_by",
          "acknowledged_terms",
          "version",
          "allow_data_loss",
          "provider",
          "kms_key_ref",
          "config",
          "region",
          "waiver_version",
          "effective_date",
          "title",
          "content",
          "terms",
          "aws_secret_access_key",
          "",
          "\\ud800",
          "__proto__");

  private static final List<String> STRINGS =
      List.of(
          "\"\"",
          "\"x\"",
          "\"dek\"",
          "\"master\"",
          "\"full\"",
          "\"aws\"",
          "\"aws_kms\"",
          "\"us-east-1\"",
          "\"arn:aws:kms:us-east-1:111122223333:key/" + UUID.randomUUID() + "\"",
          "\"arn:aws:kms:us-east-1:111122223333:alias/prod\"",
          "\"arn:aws:kms:us-east-1:111122223333:key/mrk-" + "a".repeat(32) + "\"",
          "\"arn:aws:iam::111122223333:role/R\"",
          "\"arn:aws:kms:us-east-1:111122223333:key/" + "a".repeat(2100) + "\"",
          "\"AKIAIOSFODNN7EXAMPLE\"",
          "\"eA==\"",
          "\"***\"",
          "\"" + "\u00e9".repeat(700) + "\"", // within 1,024 characters, over 1,024 bytes
          "\"" + "\u00e9".repeat(1500) + "\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"\\udfff\\ud800\"",
          "\"\uD83D\uDD11\"",
          "\"" + "x".repeat(70 * 1024) + "\"");

  private static final List<String> SCALARS =
      List.of(
          "0",
          "1",
          "-1",
          "2",
          "1.5",
          "-0",
          "1e400",
          "1e-400",
          "9223372036854775808",
          "9".repeat(100),
          "9".repeat(101),
          "true",
          "false",
          "null",
          "NaN",
          "Infinity");

  private static Arbitrary<String> jsonValue(int depth) {
    Arbitrary<String> leaf =
        Arbitraries.frequencyOf(freq(3, Arbitraries.of(STRINGS)), freq(2, Arbitraries.of(SCALARS)));
    if (depth == 0) {
      return leaf;
    }
    return Arbitraries.frequencyOf(
        freq(6, leaf),
        freq(1, jsonValue(depth - 1).list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]")),
        freq(1, jsonObject(depth - 1)));
  }

  private static Arbitrary<String> jsonObject(int depth) {
    return Combinators.combine(Arbitraries.of(FIELDS), jsonValue(depth))
        .as((k, v) -> "\"" + k + "\":" + v)
        .injectDuplicates(0.2)
        .list()
        .ofMaxSize(4)
        .map(members -> "{" + String.join(",", members) + "}");
  }

  private static Arbitrary<byte[]> rawBodies() {
    List<byte[]> raw = new ArrayList<>();
    for (String text :
        List.of(
            "",
            "{not json",
            "[]",
            "\"text\"",
            "42",
            "null",
            "{} {}",
            "/*c*/{}",
            "{'a':1}",
            "\ufeff{}",
            "[".repeat(33) + "]".repeat(33),
            "{\"a\":" + "[".repeat(3000),
            "{\"version\":1,\"version\":2}",
            "{\"a\":NaN}",
            "{\"context\":{\"k\":\"v\",\"k\":\"w\"}}")) {
      raw.add(utf8(text));
    }
    raw.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
    raw.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'});
    raw.add(new byte[] {0, 0, 0, '{'});
    return Arbitraries.of(raw);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  // ---- the request and its parts --------------------------------------------------------------

  /** Who the request says it is. */
  enum Auth {
    NONE,
    ALL_ROLES,
    OWNER,
    AUDITOR,
    AGENT,
    PLATFORM,
    OTHER_TENANT,
    ORG_WITH_SPACE,
    ORG_PLATFORM_KEY,
    ORG_PATH,
    ORG_TOO_LONG,
    EXPIRED,
    NOT_YET_ISSUED,
    ROLES_AS_STRING,
    UNKNOWN_ROLE,
    WRONG_SIGNATURE,
    ALG_NONE,
    GARBAGE,
    BASIC,
    EMPTY_BEARER,
    LOWERCASE_SCHEME,
    TOO_LONG
  }

  /** What the {@code X-Step-Up} header holds. */
  enum StepUp {
    NONE,
    VALID,
    OTHER_SUB,
    ACCESS_TOKEN,
    TOO_OLD,
    GARBAGE,
    TOO_LONG
  }

  /** How the body is framed on the wire. */
  enum Framing {
    /** {@code Content-Length} of the body. */
    EXACT,
    /** Valid chunked encoding. */
    CHUNKED,
    /** {@code Content-Length} 7 bytes longer than the body, which then ends. */
    SHORT,
    /** A chunk size that is not hex. */
    BROKEN_CHUNKS,
    /** Declares 9 MiB with {@code Expect: 100-continue} and sends none of it. */
    DECLARED_HUGE
  }

  /** One generated request; its tokens are made for the session's tenant when it is sent. */
  record Hostile(
      Route route,
      String method,
      String target,
      String version,
      Auth auth,
      StepUp stepUp,
      String contentType,
      List<String> extraHeaders,
      byte[] body,
      Framing framing) {

    byte[] bytes(String host, Tokens tokens) {
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target);
      if (!version.isEmpty()) {
        head.append(' ').append(version);
      }
      head.append("\r\nHost: ").append(host).append("\r\nConnection: close\r\n");
      String authorization = tokens.authorization(auth);
      if (authorization != null) {
        head.append("Authorization: ").append(authorization).append("\r\n");
      }
      String stepUpToken = tokens.stepUp(stepUp);
      if (stepUpToken != null) {
        head.append("X-Step-Up: ").append(stepUpToken).append("\r\n");
      }
      if (!contentType.equals(NO_HEADER)) {
        head.append("Content-Type: ").append(contentType).append("\r\n");
      }
      extraHeaders.forEach(h -> head.append(h).append("\r\n"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      switch (framing) {
        case EXACT -> head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        case SHORT -> head.append("Content-Length: ").append(body.length + 7).append("\r\n\r\n");
        case CHUNKED, BROKEN_CHUNKS -> head.append("Transfer-Encoding: chunked\r\n\r\n");
        case DECLARED_HUGE ->
            head.append("Content-Length: 9437184\r\nExpect: 100-continue\r\n\r\n");
      }
      out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      switch (framing) {
        case EXACT, SHORT -> out.writeBytes(body);
        case CHUNKED -> {
          if (body.length > 0) {
            out.writeBytes(
                (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        case BROKEN_CHUNKS -> {
          out.writeBytes("zz\r\n".getBytes(StandardCharsets.US_ASCII));
          out.writeBytes(body);
        }
        case DECLARED_HUGE -> {
          // nothing: the answer must come before the body
        }
      }
      return out.toByteArray();
    }

    @Override
    public String toString() {
      String text = new String(body, StandardCharsets.UTF_8);
      return method
          + " "
          + abbreviate(target)
          + " "
          + version
          + " (route "
          + route
          + ", auth "
          + auth
          + ", step-up "
          + stepUp
          + ", "
          + contentType
          + ", "
          + extraHeaders.stream().map(HostileInputPropertyTest::abbreviate).toList()
          + ", "
          + framing
          + ", body "
          + abbreviate(text)
          + ")";
    }
  }

  /** The tokens of one session, for its tenant, as the real issuer and key make them. */
  static final class Tokens {
    final String tenant;
    final String sub;
    final String owner;

    Tokens(String tenant) {
      this.tenant = tenant;
      this.sub = "owner@" + tenant;
      this.owner = edge.token(tenant, sub, Role.OWNER, Role.ADMIN, Role.AGENT);
    }

    String authorization(Auth auth) {
      return switch (auth) {
        case NONE -> null;
        case ALL_ROLES -> bearer(allRoles(tenant));
        case OWNER -> bearer(owner);
        case AUDITOR -> bearer(edge.token(tenant, sub, Role.AUDITOR));
        case AGENT -> bearer(edge.token(tenant, sub, Role.AGENT));
        case PLATFORM -> bearer(edge.token(tenant, sub, Role.PLATFORM));
        case OTHER_TENANT -> bearer(allRoles(EdgeFixture.tenant()));
        case ORG_WITH_SPACE -> bearer(allRoles("acme corp"));
        case ORG_PLATFORM_KEY -> bearer(allRoles("_platform"));
        case ORG_PATH -> bearer(allRoles("../" + tenant));
        case ORG_TOO_LONG -> bearer(allRoles("a".repeat(65)));
        case EXPIRED ->
            bearer(signed(claims(now().minus(Duration.ofHours(2)), Duration.ofHours(1))));
        case NOT_YET_ISSUED ->
            bearer(signed(claims(now().plus(Duration.ofHours(1)), Duration.ofHours(1))));
        case ROLES_AS_STRING ->
            bearer(signed(claims(now(), Duration.ofHours(1)).claim("roles", "owner").build()));
        case UNKNOWN_ROLE ->
            bearer(
                signed(claims(now(), Duration.ofHours(1)).claim("roles", List.of("root")).build()));
        case WRONG_SIGNATURE -> bearer(owner.substring(0, owner.length() - 2) + "AA");
        case ALG_NONE -> bearer(b64url("{\"alg\":\"none\"}") + "." + owner.split("\\.")[1] + ".");
        case GARBAGE -> bearer("a.b.c");
        case BASIC -> "Basic YTpi";
        case EMPTY_BEARER -> "Bearer ";
        case LOWERCASE_SCHEME -> "bearer " + owner;
        case TOO_LONG -> bearer("e" + "x".repeat(9000));
      };
    }

    String stepUp(StepUp stepUp) {
      return switch (stepUp) {
        case NONE -> null;
        case VALID -> edge.issuer.issueStepUp(principal(sub));
        case OTHER_SUB -> edge.issuer.issueStepUp(principal("someone-else"));
        case ACCESS_TOKEN -> owner;
        case TOO_OLD ->
            signed(
                claims(now().minus(Duration.ofMinutes(10)), Duration.ofHours(1))
                    .claim("step_up", true)
                    .build());
        case GARBAGE -> "Bearer " + owner;
        case TOO_LONG -> "y".repeat(9000);
      };
    }

    private Principal principal(String who) {
      return new Principal(who, tenant, EnumSet.of(Role.OWNER, Role.ADMIN));
    }

    private String allRoles(String org) {
      return edge.token(org, sub, Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.AGENT, Role.PLATFORM);
    }

    private JWTClaimsSet.Builder claims(Instant issuedAt, Duration ttl) {
      return new JWTClaimsSet.Builder()
          .issuer(ISSUER)
          .subject(sub)
          .claim("org", tenant)
          .claim("roles", List.of("owner"))
          .issueTime(Date.from(issuedAt))
          .expirationTime(Date.from(issuedAt.plus(ttl)));
    }

    private static String signed(JWTClaimsSet.Builder claims) {
      return signed(claims.build());
    }

    private static String signed(JWTClaimsSet claims) {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      try {
        jwt.sign(edge.jwtKeys.signer());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }

    private static Instant now() {
      return edge.clock.instant();
    }

    private static String bearer(String token) {
      return "Bearer " + token;
    }

    private static String b64url(String json) {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
  }
}
