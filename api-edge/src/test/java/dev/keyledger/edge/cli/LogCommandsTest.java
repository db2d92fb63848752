package dev.keyledger.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The log-reading commands without a broker: their flags, their usage errors and a broker that is
 * not there.
 */
class LogCommandsTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void aBadInstantSaysWhichFormatIsExpected() {
    int exit = run("replay", "--tenant", "acme", "--at", "yesterday");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--at")
        .contains(
            "expected an ISO-8601 instant with a zone, such as 2026-12-01T12:00:00Z or"
                + " 2026-12-01T13:00:00+01:00, got 'yesterday'");
  }

  @Test
  void anInstantWithAnOffsetIsAccepted() {
    assertThat(new InstantConverter().convert("2026-12-01T13:00:00.250+01:00"))
        .isEqualTo(java.time.Instant.parse("2026-12-01T12:00:00.250Z"));
  }

  @Test
  void replayNeedsATenantAndATenantMustBeATenantId() {
    assertThat(run("replay")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--tenant=TENANT'");

    assertThat(run("audit", "verify", "--tenant", "no spaces/allowed")).isEqualTo(2);
    assertThat(err.toString()).contains("not a tenant id: 'no spaces/allowed'");
  }

  @Test
  void auditAloneAsksForItsSubcommand() {
    assertThat(run("audit")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand").contains("verify");
  }

  @Test
  void anUnreachableBrokerIsOneLineAndExitThreeWithinTheTimeout() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    for (String[] command :
        new String[][] {
          {"audit", "verify"}, {"replay", "--tenant", "acme"}, {"tail", "--from-beginning"}
        }) {
      StringWriter errors = new StringWriter();
      long started = System.nanoTime();
      CommandLine cli = KeyLedgerCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(errors, true));
      String[] args = new String[command.length + 4];
      System.arraycopy(command, 0, args, 0, command.length);
      args[command.length] = "--bootstrap-server";
      args[command.length + 1] = "127.0.0.1:" + port;
      args[command.length + 2] = "--timeout";
      args[command.length + 3] = "1s";

      int exit = cli.execute(args);

      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(exit).as(String.join(" ", command)).isEqualTo(KeyLedgerCli.LOG_UNREADABLE);
      assertThat(errors.toString())
          .isEqualTo(
              "keyledger: no answer from Kafka at 127.0.0.1:"
                  + port
                  + " within 1 s; is the broker running and is --bootstrap-server right?"
                  + " (--timeout to wait longer)"
                  + System.lineSeparator());
      assertThat(took).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void commandConfigAddsClientSettingsAndTheFlagNamesTheBroker() throws IOException {
    Path config = dir.resolve("client.properties");
    Files.writeString(
        config,
        "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nbootstrap.servers=ignored:1\n");
    LogOptions options = new LogOptions();
    new CommandLine(options)
        .parseArgs("--command-config", config.toString(), "--bootstrap-server", "kafka-1:9093");

    Map<String, Object> kafka = options.kafka();

    assertThat(kafka)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("bootstrap.servers", "kafka-1:9093");
    assertThat(options.timeout).isEqualTo(Duration.ofSeconds(15));
    assertThat(options.topicPrefix).isEqualTo("keyledger");
  }

  @Test
  void theDefaultBrokerIsDevModes() {
    LogOptions options = new LogOptions();
    new CommandLine(options).parseArgs();

    assertThat(options.bootstrapServer).isEqualTo("127.0.0.1:9092");
  }

  private int run(String... args) {
    CommandLine cli = KeyLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
