package dev.keyledger.edge.cli;

import dev.keyledger.edge.cli.log.EventLines;
import dev.keyledger.edge.cli.log.EventLog;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyledger tail [--tenant T] [--from-beginning]}: follows the event log, one line per event
 * on standard output ({@link EventLines}), until stopped: Ctrl-C or SIGTERM close the reader before
 * the JVM exits (status 130 or 143, as for any program a signal stops). Exit 2 on a usage error, 3
 * if the log cannot be read.
 */
@Command(
    name = "tail",
    sortOptions = false,
    description = {
      "Follow the event log: one line per event (time, tenant, seq, event type, its fields; never"
          + " key material).",
      "Runs until Ctrl-C. Exit 2 on a usage error, 3 if the log cannot be read."
    })
public final class TailCommand implements Callable<Integer> {

  private static final Duration STOP_WAIT = Duration.ofSeconds(3);

  @Spec private CommandSpec spec;

  @Option(
      names = "--tenant",
      paramLabel = "TENANT",
      converter = TenantIdConverter.class,
      description = "Only this tenant's events (default: every tenant's).")
  private String tenant;

  @Option(
      names = "--from-beginning",
      description = "Print the whole log first (default: only events written from now on).")
  private boolean fromBeginning;

  @Mixin private LogOptions log;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile EventLog following;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Thread hook = new Thread(this::stop, "keyledger-tail-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (EventLog events = log.open()) {
      following = events;
      started.countDown();
      List<Integer> partitions =
          tenant == null ? events.allPartitions() : List.of(events.partitionOf(tenant));
      events.follow(
          partitions,
          fromBeginning,
          () -> {
            err.println(
                "keyledger: following "
                    + events.topic()
                    + (tenant == null ? "" : " for tenant " + tenant)
                    + (fromBeginning ? " from its start" : " from its end")
                    + "; Ctrl-C to stop");
            err.flush();
          },
          record -> {
            if (tenant == null || tenant.equals(record.key())) {
              out.println(EventLines.line(record));
              out.flush();
            }
          });
      return 0;
    } finally {
      started.countDown();
      ended.countDown();
      removeHook(hook);
    }
  }

  /**
   * Ends the tail: from the shutdown hook (Ctrl-C) or a test. Waits a little for the reader to
   * close, so that Ctrl-C leaves no broker connection half open.
   */
  public void stop() {
    try {
      if (!started.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        return; // still connecting: the JVM may exit without waiting for it
      }
      EventLog events = following;
      if (events != null) {
        events.stop();
      }
      ended.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook is running, or has run, and needs no removal.
    }
  }
}
