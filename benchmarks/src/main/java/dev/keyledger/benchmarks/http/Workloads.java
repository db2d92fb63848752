package dev.keyledger.benchmarks.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyledger.edge.auth.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The scenarios of {@code HttpLoad}, each set up through the public HTTP API of a running node.
 *
 * <ul>
 *   <li>{@code 401 no token}: {@code GET /api/v1/byok/legal-waiver} without a token, the edge's
 *       cheapest answer (request id, auth refusal, error body).
 *   <li>{@code read waiver}: the same GET with an auditor token: token verification, one state read
 *       (platform waiver + the tenant's binding), JSON.
 *   <li>{@code encrypt 1 KiB} / {@code decrypt 1 KiB}: the data plane with an agent token, a
 *       one-entry context; decrypt opens one ciphertext made in setup.
 *   <li>{@code ... @N DEKs}: the same encrypt, a decrypt of a ciphertext made under DEK v1, and
 *       {@code GET /api/v1/byok/keys} (its first page of DEKs), for a tenant that has made N DEKs;
 *       {@code GET /keys} also for the tenant with one (each request by one of many subs, so the
 *       per-sub read limit never answers 429).
 *   <li>{@code rotate dek}: {@code POST /api/v1/byok/keys/rotate} (DEK) round-robin over several
 *       tenants: a new DEK wrapped under the TMK, the command and its key material in one Kafka
 *       transaction, and the wait for the fold's outcome (200; 202 means it did not come within the
 *       node's command wait and counts as an error).
 * </ul>
 */
public final class Workloads {

  /** Bytes of plaintext of the data-plane scenarios. */
  public static final int PLAINTEXT_BYTES = 1024;

  /**
   * The per-{@code sub} rate limit of rotate is 10 per hour (a burst of 10): each minted {@code
   * sub} sends at most this many.
   */
  static final int ROTATIONS_PER_SUB = 10;

  private static final String DATA_TENANT = "bench-data";
  private static final String HISTORY_TENANT = "bench-history";

  /** Readers of {@code GET /keys}, each within its 100/min limit up to ~16k requests/s. */
  private static final int READERS = 10_000;

  private static final String CONTEXT = "{\"table\":\"bench\"}";

  private final TenantSetup setup;

  public Workloads(TenantSetup setup) {
    this.setup = setup;
  }

  /**
   * Onboards the data-plane tenant, encrypts one ciphertext for the decrypt scenario and returns
   * the four data-plane workloads, each checked once.
   */
  public List<LoadPhase.Workload> dataPlane(int historyDeks) throws IOException {
    setup.onboard(DATA_TENANT);
    String hostPort = setup.hostPort();
    String auditor = setup.token(DATA_TENANT, "auditor@" + DATA_TENANT, Role.AUDITOR);
    String agent = setup.token(DATA_TENANT, "svc@" + DATA_TENANT, Role.AGENT);
    byte[] plaintext = new byte[PLAINTEXT_BYTES];
    new Random(42).nextBytes(plaintext);
    HttpRequest encrypt =
        HttpRequest.postJson(
            hostPort,
            "/api/v1/byok/encrypt",
            agent,
            "{\"plaintext\":\""
                + Base64.getEncoder().encodeToString(plaintext)
                + "\",\"context\":"
                + CONTEXT
                + "}");
    String ciphertext;
    try (HttpConnection http = setup.connection()) {
      ciphertext =
          new ObjectMapper().readTree(setup.expect(http, encrypt, 200)).get("ciphertext").asText();
    }
    HttpRequest decrypt =
        HttpRequest.postJson(
            hostPort,
            "/api/v1/byok/decrypt",
            agent,
            "{\"ciphertext\":\"" + ciphertext + "\",\"context\":" + CONTEXT + "}");
    List<LoadPhase.Workload> workloads = new ArrayList<>();
    workloads.add(
        same("401 no token", HttpRequest.get(hostPort, "/api/v1/byok/legal-waiver", null), 401));
    workloads.add(
        same("read waiver", HttpRequest.get(hostPort, "/api/v1/byok/legal-waiver", auditor), 200));
    workloads.add(same("encrypt 1 KiB", encrypt, 200));
    workloads.add(same("decrypt 1 KiB", decrypt, 200));
    workloads.add(readKeys("GET /keys @1 DEK", DATA_TENANT));
    if (historyDeks > 1) {
      workloads.addAll(history(historyDeks, plaintext));
    }
    try (HttpConnection http = setup.connection()) {
      for (LoadPhase.Workload w : workloads) {
        setup.expect(http, w.requests().apply(0), w.expectedStatus());
      }
    }
    return workloads;
  }

  /**
   * Onboards {@code tenants} tenants for the command scenario, four at a time.
   *
   * @return their ids
   */
  public List<String> commandTenants(int tenants) throws IOException, InterruptedException {
    List<String> orgs = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      orgs.add(String.format("bench-cmd-%02d", t));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String org : orgs) {
        done.add(
            pool.submit(
                () -> {
                  setup.onboard(org);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IOException("onboarding failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdown();
    }
    return orgs;
  }

  /**
   * DEK rotations over {@code orgs}: command {@code i} rotates tenant {@code i % orgs.size()}. Run
   * it on exactly {@code orgs.size()} connections, so each tenant has one connection and at most
   * one rotation in flight (two at once for one tenant: the second is refused {@code 409 conflict},
   * the DEK changed under it). Each {@code sub} (named after {@code phase}, so phases never share
   * one) sends at most {@link #ROTATIONS_PER_SUB}, so the per-sub rate limit never refuses.
   */
  public LoadPhase.Workload rotations(List<String> orgs, String phase) {
    String hostPort = setup.hostPort();
    String body = "{\"rotation_type\":\"dek\",\"reason\":\"HttpLoad\"}";
    Map<String, String> tokens = new ConcurrentHashMap<>();
    return new LoadPhase.Workload(
        "rotate dek",
        i -> {
          String org = orgs.get(i % orgs.size());
          String sub = phase + "-" + (i / orgs.size() / ROTATIONS_PER_SUB) + "@" + org;
          String token = tokens.computeIfAbsent(sub, s -> setup.token(org, s, Role.OWNER));
          return HttpRequest.postJson(hostPort, "/api/v1/byok/keys/rotate", token, body);
        },
        200);
  }

  /**
   * A tenant that has made {@code deks} DEKs (one DEK rotation at a time, so none is refused), with
   * a ciphertext made under DEK v1: encrypt, decrypt of that ciphertext, and {@code GET /keys}.
   */
  private List<LoadPhase.Workload> history(int deks, byte[] plaintext) throws IOException {
    setup.onboard(HISTORY_TENANT);
    String hostPort = setup.hostPort();
    String agent = setup.token(HISTORY_TENANT, "svc@" + HISTORY_TENANT, Role.AGENT);
    HttpRequest encrypt =
        HttpRequest.postJson(
            hostPort,
            "/api/v1/byok/encrypt",
            agent,
            "{\"plaintext\":\""
                + Base64.getEncoder().encodeToString(plaintext)
                + "\",\"context\":"
                + CONTEXT
                + "}");
    String oldest;
    try (HttpConnection http = setup.connection()) {
      oldest =
          new ObjectMapper().readTree(setup.expect(http, encrypt, 200)).get("ciphertext").asText();
      String body = "{\"rotation_type\":\"dek\",\"reason\":\"HttpLoad history\"}";
      long started = System.nanoTime();
      for (int i = 1; i < deks; i++) {
        String sub = "history-" + (i / ROTATIONS_PER_SUB) + "@" + HISTORY_TENANT;
        setup.expect(
            http,
            HttpRequest.postJson(
                hostPort,
                "/api/v1/byok/keys/rotate",
                setup.token(HISTORY_TENANT, sub, Role.OWNER),
                body),
            200);
        if (i % 100 == 0) {
          System.err.printf(
              "[HttpLoad] history tenant: %d of %d DEKs (%.0f s)%n",
              i + 1, deks, (System.nanoTime() - started) / 1e9);
        }
      }
    }
    HttpRequest decryptOldest =
        HttpRequest.postJson(
            hostPort,
            "/api/v1/byok/decrypt",
            agent,
            "{\"ciphertext\":\"" + oldest + "\",\"context\":" + CONTEXT + "}");
    List<LoadPhase.Workload> workloads =
        List.of(
            same("encrypt @" + deks + " DEKs", encrypt, 200),
            same("decrypt v1 @" + deks + " DEKs", decryptOldest, 200),
            readKeys("GET /keys @" + deks + " DEKs", HISTORY_TENANT));
    try (HttpConnection http = setup.connection()) {
      for (LoadPhase.Workload w : workloads) {
        setup.expect(http, w.requests().apply(0), w.expectedStatus());
      }
    }
    return workloads;
  }

  /**
   * {@code GET /api/v1/byok/keys} of {@code org}, request {@code i} by reader {@code i % READERS}.
   */
  private LoadPhase.Workload readKeys(String name, String org) {
    String hostPort = setup.hostPort();
    HttpRequest[] requests = new HttpRequest[READERS];
    for (int r = 0; r < READERS; r++) {
      requests[r] =
          HttpRequest.get(
              hostPort,
              "/api/v1/byok/keys",
              setup.token(org, "reader-" + r + "@" + org, Role.AUDITOR));
    }
    return new LoadPhase.Workload(name, i -> requests[i % READERS], 200);
  }

  private static LoadPhase.Workload same(String name, HttpRequest request, int status) {
    return new LoadPhase.Workload(name, i -> request, status);
  }
}
