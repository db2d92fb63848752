package dev.keyledger.edge.node;

import dev.keyledger.application.Readiness;
import dev.keyledger.application.runtime.EngineRuntime;
import dev.keyledger.application.runtime.UseCases;
import dev.keyledger.edge.auth.AccessControl;
import dev.keyledger.edge.auth.JwtKeys;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One running KeyLedger instance: the management port first (so {@code /readyz} answers "starting"
 * while the engine starts), then the engine ({@link EngineRuntime}), then the HTTP edge on its use
 * cases; closed in reverse. {@code main} code only builds settings and calls {@link #start}.
 *
 * <p>The node owns the one metric registry (Prometheus) that every part records in: JVM memory, GC,
 * threads, class loading, CPU, file descriptors and uptime, plus whatever the engine and the edge
 * register.
 */
public final class KeyLedgerNode implements AutoCloseable {

  private final Javalin management;
  private final JvmGcMetrics gc;
  private final EngineRuntime engine;
  private final Javalin http;

  private KeyLedgerNode(Javalin management, JvmGcMetrics gc, EngineRuntime engine, Javalin http) {
    this.management = management;
    this.gc = gc;
    this.engine = engine;
    this.http = http;
  }

  /** Starts every part; on failure closes what had started and rethrows. */
  public static KeyLedgerNode start(NodeSettings s) throws Exception {
    JwtKeys jwtKeys =
        s.secrets().jwt().isPresent() ? s.secrets().jwt().get() : JwtKeys.loadOrCreate(s.dataDir());
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(metrics);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new FileDescriptorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(metrics);
    AtomicReference<EngineRuntime> started = new AtomicReference<>();
    Javalin management =
        ManagementServer.create(
            metrics,
            () -> started.get() == null ? Readiness.starting() : started.get().readiness(),
            s.httpHost(),
            s.managementPort());
    try {
      management.start();
    } catch (RuntimeException e) {
      gc.close();
      throw e;
    }
    EngineRuntime engine = null;
    try {
      // application.server must name the port clients reach, so an ephemeral port is chosen
      // before Streams starts.
      int httpPort = s.httpPort() == 0 ? freePort(s.httpHost()) : s.httpPort();
      engine = EngineRuntime.start(s.engine(), new HostInfo(s.reachableHost(), httpPort), metrics);
      EngineRuntime running = engine;
      UseCases useCases = UseCases.on(engine, EdgeServer.sessionTokens(jwtKeys, s.clock()));
      AccessControl access = EdgeServer.accessControl(jwtKeys, s.identityProvider(), s.clock());
      Javalin http =
          EdgeServer.create(
              useCases,
              EdgeServer.platformIdentity(
                  s.dataDir(), s.secrets().externalIdSecret(), s.kms().platformPrincipalArn()),
              running::readiness,
              metrics,
              access,
              s.rateLimits(),
              s.clock(),
              EdgeServer.router(engine.ownership(), access, jwtKeys, s.commandWait(), metrics),
              s.httpHost(),
              httpPort);
      engine.closeWithEngine(http::stop);
      http.start();
      started.set(engine);
      return new KeyLedgerNode(management, gc, engine, http);
    } catch (Exception | Error e) {
      if (engine != null) {
        engine.close();
      }
      management.stop();
      gc.close();
      throw e;
    }
  }

  /** The port the HTTP edge listens on. */
  public int httpPort() {
    return http.port();
  }

  /** The port of {@code /metrics}, {@code /healthz} and {@code /readyz}. */
  public int managementPort() {
    return management.port();
  }

  /** Blocks until the stream threads fail (the caller then exits non-zero). */
  public void awaitFailure() throws InterruptedException {
    engine.awaitFailure();
  }

  @Override
  public void close() {
    engine.close();
    management.stop();
    gc.close();
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }
}
