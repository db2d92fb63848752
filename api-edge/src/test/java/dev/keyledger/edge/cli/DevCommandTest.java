package dev.keyledger.edge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code dev} reports before it starts anything. */
class DevCommandTest {

  @TempDir Path dir;

  @Test
  void aTakenManagementPortIsOneLineNamingTheFlag() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CommandLine cli = KeyLedgerCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));

      int exit =
          cli.execute(
              "dev",
              "--data-dir",
              dir.toString(),
              "--http-port",
              "0",
              "--management-port",
              Integer.toString(taken.getLocalPort()));

      assertThat(exit).isEqualTo(1);
      assertThat(err.toString().strip())
          .isEqualTo(
              "keyledger: port "
                  + taken.getLocalPort()
                  + " on 127.0.0.1 is already in use; stop the other process or pass"
                  + " --management-port");
      assertThat(out.toString()).isEmpty();
    }
  }

  @Test
  void theManagementPortDefaultsTo9464() {
    DevCommand dev = new DevCommand();
    new CommandLine(dev).parseArgs();
    assertThat(dev.managementPort).isEqualTo(9464);
  }
}
