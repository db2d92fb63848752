package dev.keyledger.edge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code keyledger} command: the runnable jar's entry point. Each subcommand is its own class;
 * exit codes follow picocli (0 success, 1 failure, 2 usage error).
 */
@Command(name = "keyledger",
        description = "Bring-your-own-key lifecycle engine on Kafka Streams.",
        subcommands = {TokenCommand.class})
public final class KeyLedgerCli {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** The configured command line, for {@link #main(String[])} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new KeyLedgerCli());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
