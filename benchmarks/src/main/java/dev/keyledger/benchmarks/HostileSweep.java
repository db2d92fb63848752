package dev.keyledger.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyledger.benchmarks.http.DevNodeProcess;
import dev.keyledger.benchmarks.http.HostileRequests;
import dev.keyledger.benchmarks.http.HostileRequests.Auth;
import dev.keyledger.benchmarks.http.HostileRequests.StepUp;
import dev.keyledger.benchmarks.http.RawExchange;
import dev.keyledger.benchmarks.http.TenantSetup;
import dev.keyledger.edge.auth.JwtKeys;
import dev.keyledger.edge.auth.Principal;
import dev.keyledger.edge.auth.Role;
import dev.keyledger.edge.auth.TokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Hostile-input sweep over real HTTP against a running dev node ({@code keyledger.jar dev}): sends
 * generated hostile requests ({@link HostileRequests}: every route, one part of each request
 * twisted at a time) each on a connection of its own, prints the answers counted by status and by
 * error type, and exits 1 when any answer is 500 or above, an error is not the SPEC error body (or
 * lacks {@code Retry-After} on 429/503), the server closed without answering, or the node does not
 * answer known-good requests afterwards. A request the server cut off while it was still being sent
 * (it answers a bad request line or header without reading a large body, and the reset can take its
 * answer along) is counted apart and is not a failure.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.keyledger.benchmarks.HostileSweep
 *     --url http://127.0.0.1:8080 --token "$KL_TOKEN" [--data-dir keyledger-data]
 *     [--kms http://127.0.0.1:4566] [--requests 10000] [--threads 1] [--seed N]
 * </pre>
 *
 * <p>With only {@code --token} (the one dev mode prints) every request is that caller or a mangled
 * form of its token. With {@code --data-dir} (the node's) the sweep also mints tokens as {@code
 * keyledger token} does (every role, step-up, expired, other tenants, bad {@code org} claims, wrong
 * claim types) for a tenant of its own, {@code sweep-...}, which it first onboards with a CMK it
 * creates in the node's KMS emulator ({@code --kms}), so that requests reach the data plane and the
 * key lifecycle. The sweep changes the node's state (rotations, waiver publications,
 * deregistrations): run it against a throwaway data dir.
 */
public final class HostileSweep {

  private static final Pattern ERROR_TYPE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Set<String> ERROR_FIELDS =
      Set.of("type", "code", "message", "hint", "reason", "request_id");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int READ_TIMEOUT_MS = 30_000;
  private static final int MAX_SAMPLES = 20;
  private static final String ISSUER = "keyledger-dev";

  private HostileSweep() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create("http://127.0.0.1:8080");
    String token = null;
    Path dataDir = null;
    URI kms = URI.create("http://127.0.0.1:4566");
    int requests = 10_000;
    int threads = 1;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = URI.create(args[++i]);
        case "--token" -> token = args[++i];
        case "--data-dir" -> dataDir = Path.of(args[++i]);
        case "--kms" -> kms = URI.create(args[++i]);
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> usage();
      }
    }
    if (token == null) {
      usage();
    }
    String host = url.getHost();
    int port = url.getPort() < 0 ? 80 : url.getPort();
    String hostPort = host + ":" + port;
    JsonNode given = claimsOf(token);
    Callers callers;
    if (dataDir == null) {
      callers = new GivenToken(token, given.path("sub").asText());
      log("only the given token (no --data-dir): caller %s", given.path("sub").asText());
    } else {
      Path secret = dataDir.resolve("secrets").resolve("jwt-hs256.key");
      if (!Files.isRegularFile(secret)) {
        throw new IOException(secret + " not found: --data-dir must be the dev node's data dir");
      }
      JwtKeys keys = JwtKeys.loadOrCreate(dataDir);
      String tenant = "sweep-" + Long.toHexString(new SplittableRandom(seed).nextLong());
      try (TenantSetup setup =
          new TenantSetup(
              host,
              port,
              keys,
              kms,
              new DevNodeProcess.Customer("111122223333", "test", "test"),
              "arn:aws:iam::000000000000:role/keyledger-service")) {
        setup.onboard(tenant);
      }
      callers = new MintedTokens(keys, tenant);
      log("tenant %s onboarded (BYOK active); tokens minted with the node's secret", tenant);
    }
    check("before the sweep", host, port, hostPort, callers);

    Tally tally = new Tally();
    HostileRequests generator = new HostileRequests(hostPort, callers, callers.subs());
    SplittableRandom root = new SplittableRandom(seed);
    AtomicInteger next = new AtomicInteger();
    int total = requests;
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = root.split();
      workers.add(
          pool.submit(
              () -> {
                while (next.getAndIncrement() < total) {
                  HostileRequests.Generated request = generator.next(random);
                  tally.record(request, exchange(host, port, request));
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - t0) / 1e9;
    boolean stillAnswers = check("after the sweep", host, port, hostPort, callers);

    System.out.printf(
        "hostile sweep: %,d requests in %.1f s (%,.0f/s), %d threads, seed %d%n",
        total, seconds, total / seconds, threads, seed);
    System.out.printf(
        "answers >= 500: %d; errors not in the SPEC body: %d; no answer: %d; closed by the server"
            + " while the request was still being sent: %d; still answers: %s%n",
        tally.serverErrors.sum(),
        tally.malformed.sum(),
        tally.noAnswer.sum(),
        tally.closedWhileSending.sum(),
        stillAnswers);
    System.out.println("by status (-1: no answer, 0: closed while sending):");
    new TreeMap<>(tally.byStatus)
        .forEach((status, n) -> System.out.printf("  %3d %,7d%n", status, n.sum()));
    System.out.println("by error type:");
    tally.byType.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
        .forEach(e -> System.out.printf("  %-44s %,7d%n", e.getKey(), e.getValue().sum()));
    if (!tally.samples.isEmpty()) {
      System.out.println("failures (first " + MAX_SAMPLES + "):");
      tally.samples.forEach(s -> System.out.println("  " + s));
    }
    boolean failed =
        tally.serverErrors.sum() > 0
            || tally.malformed.sum() > 0
            || tally.noAnswer.sum() > 0
            || !stillAnswers;
    System.exit(failed ? 1 : 0);
  }

  private static RawExchange.Answer exchange(
      String host, int port, HostileRequests.Generated request) {
    try {
      return RawExchange.send(host, port, request.bytes(), READ_TIMEOUT_MS);
    } catch (IOException e) {
      return new RawExchange.Answer(RawExchange.NO_ANSWER, Map.of(), e.toString());
    }
  }

  /** Known-good requests: liveness, the waiver, and (for the sweep's tenant) an intact chain. */
  private static boolean check(String when, String host, int port, String hostPort, Callers callers)
      throws IOException {
    String auth = callers.checker();
    boolean ok = true;
    List<String> paths = new ArrayList<>(List.of("/healthz", "/api/v1/byok/legal-waiver"));
    if (callers instanceof MintedTokens) {
      paths.add("/api/v1/byok/audit/verify"); // rate-limited: only with a subject of its own
    }
    for (String path : paths) {
      byte[] request =
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + hostPort
                  + "\r\nConnection: close\r\nAuthorization: "
                  + auth
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      RawExchange.Answer answer = RawExchange.send(host, port, request, READ_TIMEOUT_MS);
      boolean good = answer.status() == 200;
      if (good && path.endsWith("/verify")) {
        good = JSON.readTree(answer.body()).path("intact").asBoolean();
      }
      log("%s: GET %s -> %d %s", when, path, answer.status(), abbreviate(answer.body(), 120));
      ok &= good;
    }
    return ok;
  }

  /** Counts of answers, and the first failures. */
  private static final class Tally {
    final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    final Map<String, LongAdder> byType = new ConcurrentHashMap<>();
    final LongAdder serverErrors = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder noAnswer = new LongAdder();
    final LongAdder closedWhileSending = new LongAdder();
    final List<String> samples = Collections.synchronizedList(new ArrayList<>());

    void record(HostileRequests.Generated request, RawExchange.Answer answer) {
      byStatus.computeIfAbsent(answer.status(), s -> new LongAdder()).increment();
      if (answer.status() == RawExchange.NO_ANSWER) {
        noAnswer.increment();
        sample(request, answer, "no answer");
        return;
      }
      if (answer.status() == RawExchange.CLOSED_WHILE_SENDING) {
        closedWhileSending.increment();
        return;
      }
      if (answer.status() >= 500) {
        serverErrors.increment();
        sample(request, answer, ">= 500");
      }
      if (answer.status() < 400 || request.head()) {
        return;
      }
      String problem = specProblem(answer);
      if (problem != null) {
        malformed.increment();
        sample(request, answer, problem);
        return;
      }
      String type = errorOf(answer).path("type").asText();
      byType.computeIfAbsent(answer.status() + " " + type, k -> new LongAdder()).increment();
    }

    private void sample(
        HostileRequests.Generated request, RawExchange.Answer answer, String problem) {
      if (samples.size() < MAX_SAMPLES) {
        samples.add(
            problem
                + ": "
                + request.summary()
                + " -> "
                + answer.status()
                + " "
                + abbreviate(answer.body(), 300));
      }
    }
  }

  /** What is wrong with an error answer's body, or null when it is the SPEC error body. */
  private static String specProblem(RawExchange.Answer answer) {
    String contentType = answer.header("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      return "not JSON (" + contentType + ")";
    }
    if ((answer.status() == 429 || answer.status() == 503)
        && !String.valueOf(answer.header("Retry-After")).matches("[1-9][0-9]*")) {
      return "no Retry-After";
    }
    JsonNode body;
    try {
      body = JSON.readTree(answer.body());
    } catch (IOException e) {
      return "body is not JSON";
    }
    JsonNode error = body.path("error");
    if (body.size() != 1 || !error.isObject()) {
      return "not {\"error\":{...}}";
    }
    for (var it = error.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!ERROR_FIELDS.contains(field) || !error.get(field).isTextual()) {
        return "unexpected field " + field;
      }
    }
    if (!ERROR_TYPE.matcher(error.path("type").asText()).matches()
        || error.path("message").asText().isBlank()) {
      return "no type or message";
    }
    String id = error.path("request_id").asText();
    if (!id.startsWith("req_") || !id.equals(answer.header("X-Request-Id"))) {
      return "request_id is not X-Request-Id";
    }
    return null;
  }

  private static JsonNode errorOf(RawExchange.Answer answer) {
    try {
      return JSON.readTree(answer.body()).path("error");
    } catch (IOException e) {
      throw new IllegalStateException("checked before", e);
    }
  }

  /** The sweep's callers: header values of every kind, and the subjects requests come from. */
  private interface Callers extends HostileRequests.Tokens {
    List<String> subs();

    /** The {@code Authorization} of the known-good checks. */
    String checker();
  }

  /** Only the token dev mode printed: valid as is, or mangled. */
  private record GivenToken(String token, String sub) implements Callers {
    @Override
    public List<String> subs() {
      return List.of(sub);
    }

    @Override
    public String checker() {
      return "Bearer " + token;
    }

    @Override
    public String authorization(Auth auth, String ignored) {
      return switch (auth) {
        case NONE -> null;
        case WRONG_SIGNATURE -> "Bearer " + token.substring(0, token.length() - 2) + "AA";
        case ALG_NONE ->
            "Bearer " + b64url("{\"alg\":\"none\"}") + "." + token.split("\\.")[1] + ".";
        case GARBAGE -> "Bearer a.b.c";
        case BASIC -> "Basic YTpi";
        case EMPTY_BEARER -> "Bearer ";
        case LOWERCASE_SCHEME -> "bearer " + token;
        case TOO_LONG -> "Bearer e" + "x".repeat(9000);
        default -> "Bearer " + token;
      };
    }

    @Override
    public String stepUp(StepUp stepUp, String ignored) {
      return switch (stepUp) {
        case ACCESS_TOKEN -> token;
        case GARBAGE -> "Bearer " + token;
        case TOO_LONG -> "y".repeat(9000);
        default -> null;
      };
    }
  }

  /** Tokens minted with the node's secret for the sweep's tenant, as {@code keyledger token}. */
  private static final class MintedTokens implements Callers {
    private final JwtKeys keys;
    private final TokenIssuer issuer;
    private final String tenant;
    private final List<String> subs = new ArrayList<>();

    MintedTokens(JwtKeys keys, String tenant) {
      this.keys = keys;
      this.issuer = new TokenIssuer(keys, Clock.systemUTC());
      this.tenant = tenant;
      // rate limits are per subject: several subjects let more requests reach the handlers
      for (int i = 0; i < 20; i++) {
        subs.add("sweep-" + i + "@" + tenant);
      }
    }

    @Override
    public List<String> subs() {
      return subs;
    }

    @Override
    public String checker() {
      return bearer(token(tenant, "sweep-check@" + tenant, Role.AUDITOR));
    }

    @Override
    public String authorization(Auth auth, String sub) {
      Instant now = Instant.now();
      return switch (auth) {
        case NONE -> null;
        case ALL_ROLES -> bearer(allRoles(tenant, sub));
        case OWNER -> bearer(token(tenant, sub, Role.OWNER));
        case AUDITOR -> bearer(token(tenant, sub, Role.AUDITOR));
        case AGENT -> bearer(token(tenant, sub, Role.AGENT));
        case PLATFORM -> bearer(token(tenant, sub, Role.PLATFORM));
        case OTHER_TENANT -> bearer(allRoles("sweep-other-" + UUID.randomUUID(), sub));
        case ORG_WITH_SPACE -> bearer(allRoles("acme corp", sub));
        case ORG_PLATFORM_KEY -> bearer(allRoles("_platform", sub));
        case ORG_PATH -> bearer(allRoles("../" + tenant, sub));
        case ORG_TOO_LONG -> bearer(allRoles("a".repeat(65), sub));
        case EXPIRED -> bearer(signed(claims(sub, now.minus(Duration.ofHours(2)))));
        case NOT_YET_ISSUED -> bearer(signed(claims(sub, now.plus(Duration.ofHours(1)))));
        case ROLES_AS_STRING -> bearer(signed(claims(sub, now).claim("roles", "owner")));
        case UNKNOWN_ROLE -> bearer(signed(claims(sub, now).claim("roles", List.of("root"))));
        case WRONG_SIGNATURE -> {
          String t = allRoles(tenant, sub);
          yield bearer(t.substring(0, t.length() - 2) + "AA");
        }
        case ALG_NONE ->
            bearer(
                b64url("{\"alg\":\"none\"}") + "." + allRoles(tenant, sub).split("\\.")[1] + ".");
        case GARBAGE -> "Bearer a.b.c";
        case BASIC -> "Basic YTpi";
        case EMPTY_BEARER -> "Bearer ";
        case LOWERCASE_SCHEME -> "bearer " + allRoles(tenant, sub);
        case TOO_LONG -> "Bearer e" + "x".repeat(9000);
      };
    }

    @Override
    public String stepUp(StepUp stepUp, String sub) {
      return switch (stepUp) {
        case NONE -> null;
        case VALID -> issuer.issueStepUp(principal(tenant, sub, Role.OWNER, Role.ADMIN));
        case OTHER_SUB ->
            issuer.issueStepUp(principal(tenant, "someone-else", Role.OWNER, Role.ADMIN));
        case ACCESS_TOKEN -> allRoles(tenant, sub);
        case TOO_OLD ->
            signed(claims(sub, Instant.now().minus(Duration.ofMinutes(10))).claim("step_up", true));
        case GARBAGE -> "Bearer " + allRoles(tenant, sub);
        case TOO_LONG -> "y".repeat(9000);
      };
    }

    private String allRoles(String org, String sub) {
      return token(org, sub, Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.AGENT, Role.PLATFORM);
    }

    private String token(String org, String sub, Role first, Role... more) {
      return issuer.issueAccess(principal(org, sub, first, more));
    }

    private static Principal principal(String org, String sub, Role first, Role... more) {
      return new Principal(sub, org, EnumSet.of(first, more));
    }

    private JWTClaimsSet.Builder claims(String sub, Instant issuedAt) {
      return new JWTClaimsSet.Builder()
          .issuer(ISSUER)
          .subject(sub)
          .claim("org", tenant)
          .claim("roles", List.of("owner"))
          .issueTime(Date.from(issuedAt))
          .expirationTime(Date.from(issuedAt.plus(Duration.ofHours(1))));
    }

    private String signed(JWTClaimsSet.Builder claims) {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
      try {
        jwt.sign(keys.signer());
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }

    private static String bearer(String token) {
      return "Bearer " + token;
    }
  }

  private static JsonNode claimsOf(String token) throws IOException {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new IOException("--token is not a JWT");
    }
    return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  private static String b64url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String abbreviate(String text, int max) {
    String line = text.replace("\r", "\\r").replace("\n", "\\n");
    return line.length() > max ? line.substring(0, max) + "..." : line;
  }

  private static void usage() {
    System.err.println(
        "usage: HostileSweep --token TOKEN [--url http://127.0.0.1:8080] [--data-dir DIR]"
            + " [--kms http://127.0.0.1:4566] [--requests 10000] [--threads 1] [--seed N]");
    System.exit(2);
  }

  private static void log(String format, Object... args) {
    System.err.printf("[HostileSweep] " + format + "%n", args);
  }
}
