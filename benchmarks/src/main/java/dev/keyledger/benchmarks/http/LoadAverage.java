package dev.keyledger.benchmarks.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The first three fields of {@code /proc/loadavg} (1, 5 and 15 minute load averages). */
public final class LoadAverage {

  private LoadAverage() {}

  /** E.g. {@code "1.52 1.10 0.80"}, or {@code "n/a"} where there is no {@code /proc}. */
  public static String read() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "n/a";
    }
  }
}
