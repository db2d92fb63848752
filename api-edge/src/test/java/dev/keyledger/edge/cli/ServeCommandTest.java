package dev.keyledger.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Failures {@code serve} must report as one line before it needs a broker. */
class ServeCommandTest {

  /** Brokers (none answers there) and HS256 tokens, so that no identity provider is needed. */
  private static final Map<String, String> SHARED_SECRET =
      Map.of(
          "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
          "127.0.0.1:1",
          "KEYLEDGER_AUTH_MODE",
          "shared-secret");

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int serve(Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new ServeCommand(env));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private String errLines() {
    return err.toString().strip();
  }

  @Test
  void missingConfigFileIsAConfigurationError() {
    Path missing = dir.resolve("missing.properties");

    int exit = serve(Map.of(), "--config", missing.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(errLines()).isEqualTo("keyledger serve: config file " + missing + ": not found");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badValueNamesKeyAndLayer() throws IOException {
    Path file = dir.resolve("k.properties");
    Files.write(file, List.of("kafka.bootstrap.servers=127.0.0.1:1"));

    int exit = serve(Map.of("KEYLEDGER_HTTP_PORT", "abc"), "--config", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .isEqualTo(
            "keyledger serve: http.port=abc (from environment KEYLEDGER_HTTP_PORT): not a port number (0-65535)");
  }

  @Test
  void badFlagValueNamesTheFlag() {
    int exit =
        serve(Map.of("KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"), "--http-port", "x");

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .isEqualTo(
            "keyledger serve: http.port=x (from flag --http-port): not a port number (0-65535)");
  }

  @Test
  void unresolvableHttpHostIsAConfigurationError() {
    int exit =
        serve(
            Map.of(
                "KEYLEDGER_KAFKA_BOOTSTRAP_SERVERS",
                "127.0.0.1:1",
                "KEYLEDGER_AUTH_MODE",
                "shared-secret",
                "KEYLEDGER_HTTP_HOST",
                "no-such-host.invalid"));

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .isEqualTo(
            "keyledger serve: http.host=no-such-host.invalid (from environment KEYLEDGER_HTTP_HOST):"
                + " not an address of this host, nor a name that resolves");
  }

  @Test
  void withoutAnIdentityProviderServeRefusesToStart() throws IOException {
    Path file = dir.resolve("k.properties");
    Files.write(file, List.of("kafka.bootstrap.servers=127.0.0.1:1"));

    int exit = serve(Map.of(), "--config", file.toString(), "--data-dir", dir.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(errLines())
        .startsWith(
            "keyledger serve: auth.mode=jwks (default) needs auth.issuer and auth.audience:")
        .endsWith(
            "or set auth.mode=shared-secret to accept HS256 tokens signed with auth.jwt.secret.file")
        .doesNotContain("\n");
    assertThat(out.toString()).isEmpty();
    assertThat(dir.resolve("secrets")).doesNotExist();
  }

  @Test
  void malformedSetIsAConfigurationError() {
    int exit = serve(Map.of(), "--set", "http.port");

    assertThat(exit).isEqualTo(2);
    assertThat(errLines()).isEqualTo("keyledger serve: --set http.port: expected KEY=VALUE");
  }

  @Test
  void takenHttpPortIsOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int exit =
          serve(
              SHARED_SECRET,
              "--http-port",
              Integer.toString(taken.getLocalPort()),
              "--data-dir",
              dir.toString());

      assertThat(exit).isEqualTo(1);
      assertThat(errLines())
          .isEqualTo(
              "keyledger serve: port "
                  + taken.getLocalPort()
                  + " on 127.0.0.1 is already in use; stop the other process or pass --http-port (or http.port)");
    }
  }

  @Test
  void takenManagementPortIsOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int exit =
          serve(
              SHARED_SECRET,
              "--http-port",
              "0",
              "--data-dir",
              dir.toString(),
              "--set",
              "management.port=" + taken.getLocalPort());

      assertThat(exit).isEqualTo(1);
      assertThat(errLines())
          .isEqualTo(
              "keyledger serve: port "
                  + taken.getLocalPort()
                  + " on 127.0.0.1 is already in use; stop the other process or pass --set"
                  + " management.port=N");
    }
  }

  @Test
  void unreachableKafkaIsOneLine() {
    int exit =
        serve(
            SHARED_SECRET,
            "--http-port",
            "0",
            "--data-dir",
            dir.toString(),
            "--set",
            "kafka.default.api.timeout.ms=1500",
            "--set",
            "kafka.request.timeout.ms=1000");

    assertThat(exit).isEqualTo(1);
    assertThat(errLines())
        .startsWith("keyledger serve: Kafka is not reachable at 127.0.0.1:1 (")
        .endsWith("); check kafka.bootstrap.servers and the kafka.* security settings")
        .doesNotContain("\n");
  }

  @Test
  void isRegisteredInTheCli() {
    assertThat(KeyLedgerCli.commandLine().getSubcommands()).containsKey("serve");
  }
}
