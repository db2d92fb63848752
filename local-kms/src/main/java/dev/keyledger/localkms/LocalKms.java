package dev.keyledger.localkms;

import com.sun.net.httpserver.HttpServer;
import dev.keyledger.localkms.internal.Emulator;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AWS-wire-compatible KMS + STS + IAM emulator on one HTTP port. Point the AWS SDK ({@code
 * endpointOverride(localKms.endpoint())}) or the AWS CLI ({@code --endpoint-url}) at it; requests
 * must be SigV4-signed with the configured credentials (see {@link LocalKmsConfig}).
 *
 * <p>State (keys, aliases, roles, sessions) is written to {@code dataDir} after every change and
 * reloaded by the next {@link #start}; without a data dir it lives in memory only. Thread-safe.
 */
public final class LocalKms implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKms.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final Emulator emulator;
  private final FaultInjector faults;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalKms(HttpServer server, ExecutorService executor, Emulator emulator, URI endpoint) {
    this.server = server;
    this.executor = executor;
    this.emulator = emulator;
    this.faults = new FaultInjector(emulator.faults());
    this.endpoint = endpoint;
  }

  /**
   * Loads state from {@code config.dataDir()} (if any), binds {@code host:port} (0 = ephemeral) and
   * starts serving.
   *
   * @throws PortInUseException when the port is taken
   * @throws IOException when the state cannot be read or the address cannot be bound
   */
  public static LocalKms start(LocalKmsConfig config) throws IOException {
    Emulator emulator = new Emulator(config, Clock.systemUTC());
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
    } catch (BindException e) {
      throw new PortInUseException(config.host(), config.port(), e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "local-kms-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", emulator.dispatcher());
    server.start();
    int port = server.getAddress().getPort();
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    URI endpoint = URI.create("http://" + host + ":" + port);
    LOG.info(
        "local-kms listening on {} (state: {})",
        endpoint,
        config.dataDir() == null ? "in memory" : config.dataDir());
    return new LocalKms(server, executor, emulator, endpoint);
  }

  /** The base URL to pass as endpoint override, e.g. {@code http://127.0.0.1:4566}. */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return endpoint.getPort();
  }

  /**
   * Requests received per operation since start (or the last reset), e.g. {@code
   * calls().count("kms", "Decrypt")}.
   */
  public CallLog calls() {
    return emulator.calls();
  }

  /**
   * Fault injection (throttling, latency, refused connections, hangs); same state as {@code
   * /_localkms/faults}.
   */
  public FaultInjector faults() {
    return faults;
  }

  /** Stops accepting, releases held requests, and writes the state one last time. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    emulator.faults().close();
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("local-kms request threads did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    emulator.persist();
    LOG.info("local-kms on {} stopped", endpoint);
  }
}
