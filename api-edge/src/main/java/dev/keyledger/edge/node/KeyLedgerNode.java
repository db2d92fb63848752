package dev.keyledger.edge.node;

import dev.keyledger.application.runtime.EngineRuntime;
import dev.keyledger.application.runtime.UseCases;
import dev.keyledger.edge.auth.JwtKeys;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One running KeyLedger instance: the engine ({@link EngineRuntime}), then the HTTP edge on its use
 * cases; closed in reverse. {@code main} code only builds settings and calls {@link #start}.
 */
public final class KeyLedgerNode implements AutoCloseable {

  private final EngineRuntime engine;
  private final Javalin http;

  private KeyLedgerNode(EngineRuntime engine, Javalin http) {
    this.engine = engine;
    this.http = http;
  }

  /** Starts every part; on failure closes what had started and rethrows. */
  public static KeyLedgerNode start(NodeSettings s) throws Exception {
    JwtKeys jwtKeys = JwtKeys.loadOrCreate(s.dataDir());
    // application.server must name the port clients reach, so an ephemeral port is chosen before
    // Streams starts.
    int httpPort = s.httpPort() == 0 ? freePort(s.httpHost()) : s.httpPort();
    EngineRuntime engine = EngineRuntime.start(s.engine(), new HostInfo(s.httpHost(), httpPort));
    try {
      UseCases useCases = UseCases.on(engine, EdgeServer.sessionTokens(jwtKeys, s.clock()));
      Javalin http =
          EdgeServer.create(
              useCases,
              EdgeServer.accessControl(jwtKeys, s.identityProvider(), s.clock()),
              s.rateLimits(),
              s.clock(),
              s.httpHost(),
              httpPort);
      engine.closeWithEngine(http::stop);
      http.start();
      return new KeyLedgerNode(engine, http);
    } catch (Exception | Error e) {
      engine.close();
      throw e;
    }
  }

  /** The port the HTTP edge listens on. */
  public int httpPort() {
    return http.port();
  }

  /** Blocks until the stream threads fail (the caller then exits non-zero). */
  public void awaitFailure() throws InterruptedException {
    engine.awaitFailure();
  }

  @Override
  public void close() {
    engine.close();
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }
}
