package dev.keyledger.edge.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private final StringWriter err = new StringWriter();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final ProgressBar bar = new ProgressBar(new PrintWriter(err), "replay", nanos::get);

  @Test
  void drawsShareRateAndTimeLeftInPlace() {
    nanos.addAndGet(2_000_000_000L);
    bar.advanced(50_000, 200_000);

    assertThat(err.toString())
        .isEqualTo(
            "\rreplay [#####               ]  25%  50,000/200,000 events  25,000 events/s  ETA 6.0 s");
  }

  @Test
  void redrawsAtMostFiveTimesASecond() {
    bar.advanced(1, 100);
    nanos.addAndGet(ProgressBar.REDRAW_NANOS - 1);
    bar.advanced(2, 100);
    int once = err.toString().length();
    nanos.addAndGet(1);
    bar.advanced(3, 100);

    assertThat(err.toString().chars().filter(c -> c == '\r').count()).isEqualTo(2);
    assertThat(err.toString().substring(once)).contains(" 3/100 events");
  }

  @Test
  void endsWithTheTotalOnALineOfItsOwnBlankingWhatWasLonger() {
    nanos.addAndGet(500_000_000L);
    bar.advanced(90_000, 200_000);
    nanos.addAndGet(1_500_000_000L);
    bar.finished(200_000);

    String last = err.toString().substring(err.toString().lastIndexOf('\r') + 1);
    assertThat(last)
        .startsWith(
            "replay [####################] 100%  200,000 events in 2.0 s  100,000 events/s");
    assertThat(last).endsWith(System.lineSeparator());
    assertThat(last.strip()).doesNotContain("ETA");
  }

  @Test
  void longRunsShowMinutes() {
    nanos.addAndGet(10_000_000_000L);
    bar.advanced(1_000, 100_000);

    assertThat(err.toString()).endsWith("ETA 16:30");
  }
}
