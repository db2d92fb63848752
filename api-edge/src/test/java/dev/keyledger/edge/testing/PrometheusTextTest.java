package dev.keyledger.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test parser refuses what Prometheus would, so "it parses" means something. */
class PrometheusTextTest {

  private static final String HISTOGRAM =
      """
      # HELP t_seconds A timer
      # TYPE t_seconds histogram
      t_seconds_bucket{op="a",le="0.1"} 1
      t_seconds_bucket{op="a",le="+Inf"} 2
      t_seconds_count{op="a"} 2
      t_seconds_sum{op="a"} 0.25
      # TYPE c_total counter
      c_total{path="a\\"b\\\\c\\nd"} 3.0
      """;

  @Test
  void aWellFormedExpositionParsesWithItsLabelsUnescaped() {
    PrometheusText text = PrometheusText.parse(HISTOGRAM);

    assertThat(text.sum("t_seconds_count", "op", "a")).isEqualTo(2);
    assertThat(text.find("t_seconds_bucket", "le", "+Inf")).hasSize(1);
    assertThat(text.find("c_total").get(0).labels()).containsEntry("path", "a\"b\\c\nd");
  }

  @Test
  void eachBreachOfTheFormatIsRefusedWithItsLine() {
    assertRefused("x 1\n", "a sample of no family");
    assertRefused("# TYPE x gauge\nx{a=\"1\" 1\n", "not a sample line");
    assertRefused("# TYPE x gauge\nx{a=\"\\q\"} 1\n", "a malformed label");
    assertRefused("# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n", "a label given twice");
    assertRefused("# TYPE x gauge\nx one\n", "not a float value");
    assertRefused("# TYPE x gauge\nx 1\nx 2\n", "the same series a second time");
    assertRefused("# TYPE x gauge\n# TYPE x counter\n", "a second TYPE");
    assertRefused("# TYPE x gauge\nx 1", "does not end with a line feed");
    assertRefused(
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "cumulative bucket counts");
    assertRefused(
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n", "+Inf bucket equal to _count");
    assertRefused("# TYPE h histogram\nh_bucket 2\n", "a bucket without le");
  }

  private static void assertRefused(String text, String expected) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(expected);
  }
}
