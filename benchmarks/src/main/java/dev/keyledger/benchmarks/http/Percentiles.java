package dev.keyledger.benchmarks.http;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of one phase, in microseconds (HdrHistogram, 3 significant digits).
 *
 * @param p50 median
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max the largest value recorded
 */
public record Percentiles(double p50, double p99, double p999, double max) {

  static Percentiles of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Percentiles(
        nanos.getValueAtPercentile(50) / 1e3,
        nanos.getValueAtPercentile(99) / 1e3,
        nanos.getValueAtPercentile(99.9) / 1e3,
        nanos.getMaxValue() / 1e3);
  }
}
