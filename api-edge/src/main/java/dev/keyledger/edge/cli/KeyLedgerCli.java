package dev.keyledger.edge.cli;

import dev.keyledger.edge.cli.log.LogReadException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code keyledger} command: the runnable jar's entry point. Each subcommand is its own class;
 * exit codes follow picocli (0 success, 1 failure, 2 usage error), and 3 when a command that reads
 * the event log cannot read it ({@link LogReadException}: broker unreachable, no such topic).
 * Expected failures (a taken port, an unreachable broker) print one line, not a stack trace.
 */
@Command(
    name = "keyledger",
    description = "Bring-your-own-key lifecycle engine on Kafka Streams.",
    subcommands = {
      DevCommand.class,
      ServeCommand.class,
      KmsCommand.class,
      TokenCommand.class,
      ReplayCommand.class,
      AuditCommand.class,
      TailCommand.class
    })
public final class KeyLedgerCli {

  /** The exit code of a command that could not read the event log. */
  public static final int LOG_UNREADABLE = 3;

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
          return e instanceof LogReadException ? LOG_UNREADABLE : 1;
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
