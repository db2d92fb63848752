package dev.keyledger.edge.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Durations in configuration: {@code <n>s|m|h|d} (e.g. 30s, 5m, 12h, 7d) or ISO-8601 (e.g. {@code
 * PT0.5S}), at least one second. The same rules as the CLI's {@code --byok-ttl}.
 */
public final class Durations {

  private Durations() {}

  /**
   * @throws IllegalArgumentException with a message fit for a {@link ConfigException}
   */
  public static Duration parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    Duration duration;
    try {
      if (value.startsWith("p")) {
        duration = Duration.parse(value.toUpperCase(Locale.ROOT));
      } else {
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        duration =
            switch (value.charAt(value.length() - 1)) {
              case 's' -> Duration.ofSeconds(amount);
              case 'm' -> Duration.ofMinutes(amount);
              case 'h' -> Duration.ofHours(amount);
              case 'd' -> Duration.ofDays(amount);
              default ->
                  throw new IllegalArgumentException(
                      "the unit must be s, m, h or d, as in 30s, 5m, 12h or 7d");
            };
      }
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not a duration; write 30s, 5m, 12h or 7d");
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a duration must be at least 1s");
    }
    return duration;
  }

  /**
   * The shortest {@code <n>s|m|h|d} text that {@link #parse} reads back as {@code duration} (whole
   * seconds).
   */
  public static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
