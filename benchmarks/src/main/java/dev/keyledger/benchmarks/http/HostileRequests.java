package dev.keyledger.benchmarks.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Generates hostile HTTP/1.1 requests against KeyLedger's routes, as raw bytes: each request twists
 * one part (method, target and query, HTTP version, token, step-up token, content type, headers,
 * framing or body) and keeps the rest valid, so the twist reaches into its handler; some twist
 * nothing and some everything. The same kinds of input as the edge's {@code
 * HostileInputPropertyTest}, drawn from a seeded random instead of jqwik, for a sweep over real
 * HTTP. Bodies never ask for erasure on purpose ({@code allow_data_loss}): that is not hostile
 * input, and the 503 it earns for a second ({@code dek_rotating}) is the state asked for.
 */
public final class HostileRequests {

  /** A route of the app: method and path, a path parameter as {@code {name}}. */
  public record Route(String method, String path) {}

  /** Every route of {@code KeyLedgerApp}. */
  public static final List<Route> ROUTES =
      List.of(
          new Route("GET", "/healthz"),
          new Route("POST", "/api/v1/byok/keys"),
          new Route("GET", "/api/v1/byok/keys"),
          new Route("DELETE", "/api/v1/byok/keys"),
          new Route("POST", "/api/v1/byok/keys/rotate"),
          new Route("GET", "/api/v1/byok/health"),
          new Route("POST", "/api/v1/byok/encrypt"),
          new Route("POST", "/api/v1/byok/decrypt"),
          new Route("POST", "/api/v1/byok/data-keys"),
          new Route("GET", "/api/v1/byok/legal-waiver"),
          new Route("POST", "/api/v1/byok/legal-waiver"),
          new Route("GET", "/api/v1/byok/legal-waiver/status"),
          new Route("GET", "/api/v1/byok/audit"),
          new Route("GET", "/api/v1/byok/audit/verify"),
          new Route("GET", "/api/v1/byok/commands/{id}"),
          new Route("POST", "/admin/tenant-kms"),
          new Route("GET", "/admin/tenant-kms"),
          new Route("POST", "/admin/tenant-kms/rotate"),
          new Route("POST", "/admin/tenant-kms/unseal"),
          new Route("POST", "/admin/tenant-kms/revoke"),
          new Route("POST", "/agent/v1/session"),
          new Route("PUT", "/admin/legal-waiver"));

  /** Who a request says it is; the sweep turns each into an {@code Authorization} value. */
  public enum Auth {
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

  /** What a request's {@code X-Step-Up} holds. */
  public enum StepUp {
    NONE,
    VALID,
    OTHER_SUB,
    ACCESS_TOKEN,
    TOO_OLD,
    GARBAGE,
    TOO_LONG
  }

  /** The tokens of a sweep: header values for each kind, for one caller. */
  public interface Tokens {
    /** The {@code Authorization} value, or null for none. */
    String authorization(Auth auth, String sub);

    /** The {@code X-Step-Up} value, or null for none. */
    String stepUp(StepUp stepUp, String sub);
  }

  /** One generated request: a one-line summary and the bytes to send. */
  public record Generated(String summary, byte[] bytes, boolean head) {}

  private enum Twist {
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

  private static final Twist[] TWISTS;

  static {
    // weights: a twisted body most often, as bodies have the most room for trouble
    Map<Twist, Integer> weights = new LinkedHashMap<>();
    weights.put(Twist.NOTHING, 2);
    weights.put(Twist.METHOD, 1);
    weights.put(Twist.TARGET, 2);
    weights.put(Twist.VERSION, 1);
    weights.put(Twist.AUTH, 2);
    weights.put(Twist.STEP_UP, 1);
    weights.put(Twist.CONTENT_TYPE, 1);
    weights.put(Twist.HEADERS, 1);
    weights.put(Twist.FRAMING, 1);
    weights.put(Twist.BODY, 8);
    weights.put(Twist.EVERYTHING, 2);
    List<Twist> all = new ArrayList<>();
    weights.forEach((t, w) -> IntStream.range(0, w).forEach(i -> all.add(t)));
    TWISTS = all.toArray(Twist[]::new);
  }

  private static final List<String> METHODS =
      List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO");
  private static final List<String> VERSIONS =
      List.of("HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/9", "FOO/1.1", "");
  private static final List<String> PARAMS =
      List.of("x", "%00", "%2F", "..", "%zz", "cmd_", "%F0%9F%94%91", "a".repeat(3000));
  private static final List<String> QUERY_NAMES =
      List.of(
          "limit",
          "cursor",
          "start_date",
          "end_date",
          "operation",
          "dek_limit",
          "dek_before",
          "reason",
          "",
          "%zz");
  private static final List<String> QUERY_VALUES =
      List.of(
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
          "x".repeat(5000));
  private static final List<String> CONTENT_TYPES =
      List.of(
          "",
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
          ";;;");
  private static final List<String> HEADERS =
      List.of(
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
          "\"arn:aws:kms:us-east-1:111122223333:alias/prod\"",
          "\"arn:aws:kms:us-east-1:111122223333:key/mrk-" + "a".repeat(32) + "\"",
          "\"arn:aws:iam::111122223333:role/R\"",
          "\"arn:aws:kms:us-east-1:111122223333:key/" + "a".repeat(2100) + "\"",
          "\"AKIAIOSFODNN7EXAMPLE\"",
          "\"eA==\"",
          "\"***\"",
          "\"" + "\u00e9".repeat(700) + "\"",
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
  private static final List<byte[]> RAW_BODIES = rawBodies();

  private final String hostPort;
  private final Tokens tokens;
  private final List<String> subs;

  /**
   * @param hostPort the {@code Host} header
   * @param tokens the header values of each kind of token
   * @param subs the subjects the requests come from (rate limits are per subject)
   */
  public HostileRequests(String hostPort, Tokens tokens, List<String> subs) {
    this.hostPort = hostPort;
    this.tokens = tokens;
    this.subs = List.copyOf(subs);
  }

  /** The next request, drawn from {@code random}. */
  public Generated next(SplittableRandom random) {
    Route route = pick(random, ROUTES);
    Twist twist = TWISTS[random.nextInt(TWISTS.length)];
    boolean all = twist == Twist.EVERYTHING;
    String method = all || twist == Twist.METHOD ? pick(random, METHODS) : route.method();
    String target = all || twist == Twist.TARGET ? target(random, route) : validTarget(route);
    String version = all || twist == Twist.VERSION ? pick(random, VERSIONS) : "HTTP/1.1";
    Auth auth = all || twist == Twist.AUTH ? pick(random, Auth.values()) : Auth.ALL_ROLES;
    StepUp stepUp = all || twist == Twist.STEP_UP ? pick(random, StepUp.values()) : StepUp.VALID;
    String contentType =
        all || twist == Twist.CONTENT_TYPE ? pick(random, CONTENT_TYPES) : "application/json";
    List<String> headers = new ArrayList<>();
    if (all || twist == Twist.HEADERS) {
      for (int i = 1 + random.nextInt(2); i > 0; i--) {
        headers.add(pick(random, HEADERS));
      }
    }
    byte[] body =
        all || twist == Twist.BODY ? hostileBody(random, route) : validBody(random, route);
    int framing = all || twist == Twist.FRAMING ? random.nextInt(5) : 0;
    String sub = pick(random, subs);

    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target);
    if (!version.isEmpty()) {
      head.append(' ').append(version);
    }
    head.append("\r\nHost: ").append(hostPort).append("\r\nConnection: close\r\n");
    String authorization = tokens.authorization(auth, sub);
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    String stepUpToken = tokens.stepUp(stepUp, sub);
    if (stepUpToken != null) {
      head.append("X-Step-Up: ").append(stepUpToken).append("\r\n");
    }
    if (!contentType.isEmpty()) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    headers.forEach(h -> head.append(h).append("\r\n"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String framingName;
    switch (framing) {
      case 0 -> {
        framingName = "exact";
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.writeBytes(latin1(head));
        out.writeBytes(body);
      }
      case 1 -> {
        framingName = "chunked";
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        out.writeBytes(latin1(head));
        if (body.length > 0) {
          out.writeBytes(latin1(Integer.toHexString(body.length) + "\r\n"));
          out.writeBytes(body);
          out.writeBytes(latin1("\r\n"));
        }
        out.writeBytes(latin1("0\r\n\r\n"));
      }
      case 2 -> {
        framingName = "short";
        head.append("Content-Length: ").append(body.length + 7).append("\r\n\r\n");
        out.writeBytes(latin1(head));
        out.writeBytes(body);
      }
      case 3 -> {
        framingName = "broken-chunks";
        head.append("Transfer-Encoding: chunked\r\n\r\nzz\r\n");
        out.writeBytes(latin1(head));
        out.writeBytes(body);
      }
      default -> {
        framingName = "declared-9MiB";
        head.append("Content-Length: 9437184\r\nExpect: 100-continue\r\n\r\n");
        out.writeBytes(latin1(head));
      }
    }
    String text = new String(body, StandardCharsets.UTF_8);
    String summary =
        String.format(
            "%s %s %s [route %s %s, twist %s, auth %s, step-up %s, %s, %s, %s] body %s",
            method,
            abbreviate(target, 120),
            version,
            route.method(),
            route.path(),
            twist,
            auth,
            stepUp,
            contentType,
            headers.stream().map(h -> abbreviate(h, 40)).toList(),
            framingName,
            abbreviate(text, 160));
    return new Generated(summary, out.toByteArray(), method.equals("HEAD"));
  }

  private static String validTarget(Route route) {
    return route.path().replaceAll("\\{[^}]+}", "cmd_" + "0".repeat(32));
  }

  private static String target(SplittableRandom random, Route route) {
    String param =
        switch (random.nextInt(3)) {
          case 0 -> "cmd_" + "0".repeat(32);
          case 1 -> "cmd_" + uuid(random).toString().replace("-", "");
          default -> pick(random, PARAMS);
        };
    String path = route.path().replaceAll("\\{[^}]+}", param.replace("$", "\\$"));
    path =
        switch (random.nextInt(24)) {
          case 0 -> path + "/";
          case 1 -> "/" + path;
          case 2 -> path.replace("/byok/", "/byok/./");
          case 3 -> path.replace("/v1/", "/v1/x/../");
          case 4 -> path.toUpperCase(Locale.ROOT);
          case 5 -> path + "/unknown";
          case 6 -> path.replace("/", "%2F");
          case 7 -> path + ";jsessionid=1";
          case 8 -> path + "\u00ff";
          case 9 -> path + "/" + "a".repeat(40_000);
          case 10 -> pick(random, List.of("*", "", "http://evil.example/healthz", "/%", "/\u0000"));
          default -> path;
        };
    if (random.nextInt(10) < 4) {
      return path;
    }
    List<String> pairs = new ArrayList<>();
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      pairs.add(pick(random, QUERY_NAMES) + "=" + pick(random, QUERY_VALUES));
    }
    return path + "?" + String.join("&", pairs);
  }

  private static byte[] validBody(SplittableRandom random, Route route) {
    Map<String, String> members = pick(random, validBodies(random, route.path()));
    return utf8(members.isEmpty() ? "" : render(members));
  }

  private static byte[] hostileBody(SplittableRandom random, Route route) {
    Map<String, String> base = pick(random, validBodies(random, route.path()));
    int kind = random.nextInt(11);
    if (kind < 6) {
      List<String> own = List.copyOf(base.keySet());
      String field =
          !own.isEmpty() && random.nextInt(4) < 3 ? pick(random, own) : pick(random, FIELDS);
      Map<String, String> changed = new LinkedHashMap<>(base);
      changed.put(field, hostileValue(random, field));
      return utf8(render(changed));
    }
    if (kind < 7) {
      if (base.isEmpty()) {
        return utf8("{\"a\":1,\"a\":2}");
      }
      return utf8("{\"" + base.keySet().iterator().next() + "\":null," + render(base).substring(1));
    }
    if (kind < 9) {
      return utf8(jsonObject(random, 2));
    }
    return pick(random, RAW_BODIES);
  }

  private static String hostileValue(SplittableRandom random, String field) {
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
    return !aimed.isEmpty() && random.nextInt(3) < 2 ? pick(random, aimed) : jsonValue(random, 2);
  }

  private static String jsonValue(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth == 0 ? 5 : 8);
    if (kind < 3) {
      return pick(random, STRINGS);
    }
    if (kind < 5) {
      return pick(random, SCALARS);
    }
    if (kind < 7) {
      List<String> items = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        items.add(jsonValue(random, depth - 1));
      }
      return "[" + String.join(",", items) + "]";
    }
    return jsonObject(random, depth - 1);
  }

  private static String jsonObject(SplittableRandom random, int depth) {
    List<String> members = new ArrayList<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      String member = "\"" + pick(random, FIELDS) + "\":" + jsonValue(random, depth);
      members.add(member);
      if (random.nextInt(5) == 0) {
        members.add(member); // a duplicate key
      }
    }
    return "{" + String.join(",", members) + "}";
  }

  /** Valid bodies of each route, as members (field to JSON value); none for a bodiless call. */
  private static List<Map<String, String>> validBodies(SplittableRandom random, String path) {
    String keyArn = "\"arn:aws:kms:us-east-1:111122223333:key/" + uuid(random) + "\"";
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
      case "/admin/tenant-kms/revoke" -> List.of(Map.of("version", "1"), Map.of("version", "2"));
      case "/admin/legal-waiver" ->
          List.of(
              ordered(
                  "waiver_version",
                  "\"sweep-" + uuid(random) + "\"",
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

  private static List<byte[]> rawBodies() {
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
    return List.copyOf(raw);
  }

  private static Map<String, String> ordered(String... fieldsAndValues) {
    Map<String, String> members = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      members.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return members;
  }

  private static String render(Map<String, String> members) {
    return members.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static UUID uuid(SplittableRandom random) {
    return new UUID(random.nextLong(), random.nextLong());
  }

  private static <T> T pick(SplittableRandom random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static <T> T pick(SplittableRandom random, T[] values) {
    return values[random.nextInt(values.length)];
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] latin1(CharSequence text) {
    return text.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String abbreviate(String text, int max) {
    return text.length() > max ? text.substring(0, max) + "..." : text;
  }
}
