package dev.keyledger.engine.topology;

import java.util.List;

/**
 * Topics that exist with settings that break a guarantee of KeyLedger (erasure, an event log kept
 * forever, durability with replication): found at start, before anything is read or written. The
 * message names each topic, the setting, its value and the command that fixes it, one per line.
 */
public final class MisconfiguredTopicException extends Exception {

  private final transient List<String> problems;

  MisconfiguredTopicException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per wrong setting. */
  public List<String> problems() {
    return problems;
  }
}
