package dev.keyledger.edge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code keyledger} command: the runnable jar's entry point. Each subcommand is its own class;
 * exit codes follow picocli (0 success, 1 failure, 2 usage error). Expected failures (a taken port,
 * an unreachable broker) print one line, not a stack trace.
 */
@Command(
    name = "keyledger",
    description = "Bring-your-own-key lifecycle engine on Kafka Streams.",
    subcommands = {DevCommand.class, ServeCommand.class, KmsCommand.class, TokenCommand.class})
public final class KeyLedgerCli {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  /** The configured command line, for {@link #main(String[])} and tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new KeyLedgerCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine
              .getErr()
              .println("keyledger: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          return 1;
        });
    return cli;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != 0 || args.length == 0 || !"dev".equals(args[0]) && !"kms".equals(args[0])) {
      System.exit(code);
    }
  }
}
