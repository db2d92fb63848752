package dev.keyledger.edge.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/** A bucket4j clock that tests move by hand. */
final class ManualTimeMeter implements TimeMeter {

  private long nanos;

  void advance(Duration duration) {
    nanos += duration.toNanos();
  }

  @Override
  public long currentTimeNanos() {
    return nanos;
  }

  @Override
  public boolean isWallClockBased() {
    return false;
  }
}
