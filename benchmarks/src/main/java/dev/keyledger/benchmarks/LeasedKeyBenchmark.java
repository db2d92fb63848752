package dev.keyledger.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keyledger.client.KeyLedgerClient;
import dev.keyledger.client.LeasedDataKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Client-side encryption with a leased data key ({@link LeasedDataKeys#encrypt}: lease checks, the
 * atomic budget count, the {@code DataAead} envelope with a one-entry context) against a raw
 * AES-256-GCM baseline doing only what the JDK requires per message (a fresh random 12-byte nonce,
 * {@code Cipher.init} on a reused {@code Cipher}, {@code doFinal}, no AAD). 1 KiB, one thread, both
 * in the same run.
 *
 * <p>The lease comes from an in-process HTTP server (JDK {@code HttpServer} on loopback) that
 * speaks {@code POST /api/v1/byok/data-keys}: blocks of 2^20 encryptions and a 1 h lease, so a
 * renewal (one real HTTP call) happens about once per block, i.e. every second or two, inside the
 * measurement. The tear-down prints how many leases were served and the load average.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LeasedKeyBenchmark {
  private static final String TENANT = "tenant-7c1e2f";
  private static final Map<String, String> CONTEXT = Map.of("purpose", "agent-memory");
  private static final int SIZE = 1024;

  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger leasesServed = new AtomicInteger();
  private byte[] plaintext;
  private byte[] dek;

  private HttpServer server;
  private LeasedDataKeys leased;

  private SecretKeySpec rawKey;
  private Cipher rawCipher;

  @Setup(Level.Trial)
  public void setUp() throws IOException, GeneralSecurityException {
    plaintext = new byte[SIZE];
    random.nextBytes(plaintext);
    dek = new byte[32];
    random.nextBytes(dek);

    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/byok/data-keys", this::lease);
    server.start();
    KeyLedgerClient client =
        KeyLedgerClient.builder()
            .baseUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .token(() -> "bench-token")
            .build();
    leased = client.leasedDataKeys().build();
    leased.encrypt(plaintext, CONTEXT); // the first lease, outside the measurement

    rawKey = new SecretKeySpec(dek, "AES");
    rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    leased.close();
    server.stop(0);
    System.out.printf(
        "%nleases served: %d; load average (1 min): %.2f%n",
        leasesServed.get(), LoadAverage.oneMinute());
  }

  @Benchmark
  public byte[] leasedEncrypt() {
    return leased.encrypt(plaintext, CONTEXT);
  }

  @Benchmark
  public byte[] rawGcmEncrypt() throws GeneralSecurityException {
    byte[] iv = new byte[12];
    random.nextBytes(iv);
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv));
    return rawCipher.doFinal(plaintext);
  }

  private void lease(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      leasesServed.incrementAndGet();
      String body =
          "{\"tenant_id\":\""
              + TENANT
              + "\",\"dek_id\":\"dek_0b9f4c2a\",\"key_version\":1,\"key\":\""
              + Base64.getEncoder().encodeToString(dek)
              + "\",\"expires_at\":\""
              + Instant.now().plusSeconds(3600)
              + "\",\"ttl_seconds\":3600,\"encryptions\":"
              + LeasedDataKeys.MAX_ENCRYPTIONS_PER_LEASE
              + "}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }
}
