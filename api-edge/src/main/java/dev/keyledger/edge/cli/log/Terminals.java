package dev.keyledger.edge.cli.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a stream of this process is a terminal, to draw progress only where someone sees it. */
public final class Terminals {

  private Terminals() {}

  /**
   * Whether standard error is a terminal. On Linux, what {@code /proc/self/fd/2} links to (a {@code
   * /dev/pts/N} or {@code /dev/ttyN} device); elsewhere, whether the JVM has a console (standard
   * input and output are terminals), the closest the JDK can tell.
   */
  public static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }
}
