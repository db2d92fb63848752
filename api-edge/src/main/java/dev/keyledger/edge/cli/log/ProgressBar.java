package dev.keyledger.edge.cli.log;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for a terminal's standard error, redrawn in place ({@code \r}) at most
 * every {@link #REDRAW_NANOS}: share done, offsets read of the total (events, and the few
 * transaction markers between them), the rate since the start and the time left at that rate. Ends
 * with the events read, their rate and a newline.
 *
 * <pre>{@code
 * replay [#########           ]  45%  90,012/200,000 events  121,503 events/s  ETA 1 s
 * }</pre>
 */
public final class ProgressBar implements ReadProgress {

  static final long REDRAW_NANOS = 200_000_000L;
  private static final int WIDTH = 20;

  private final PrintWriter err;
  private final String label;
  private final LongSupplier nanoTime;
  private final long started;
  private long lastDrawn = Long.MIN_VALUE;
  private int lastLength;

  /**
   * @param nanoTime the clock ({@code System::nanoTime}; a test's own)
   */
  public ProgressBar(PrintWriter err, String label, LongSupplier nanoTime) {
    this.err = err;
    this.label = label;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
  }

  @Override
  public void advanced(long done, long total) {
    long now = nanoTime.getAsLong();
    if (lastDrawn != Long.MIN_VALUE && now - lastDrawn < REDRAW_NANOS) {
      return;
    }
    lastDrawn = now;
    double seconds = (now - started) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
    String eta = rate > 0 ? "ETA " + duration((total - done) / rate) : "ETA ?";
    draw(
        String.format(
            Locale.ROOT,
            "%s [%s%s] %3d%%  %,d/%,d events  %,.0f events/s  %s",
            label,
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            total == 0 ? 100 : 100 * Math.min(done, total) / total,
            done,
            total,
            rate,
            eta));
  }

  @Override
  public void finished(long records) {
    double seconds = (nanoTime.getAsLong() - started) / 1e9;
    draw(
        String.format(
            Locale.ROOT,
            "%s [%s] 100%%  %,d events in %s  %,.0f events/s",
            label,
            "#".repeat(WIDTH),
            records,
            duration(seconds),
            seconds > 0 ? records / seconds : 0));
    err.println();
    err.flush();
  }

  private void draw(String line) {
    // Blank what a longer previous line left behind.
    String pad = " ".repeat(Math.max(0, lastLength - line.length()));
    err.print("\r" + line + pad);
    err.flush();
    lastLength = line.length();
  }

  private static String duration(double seconds) {
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s < 3600
        ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
