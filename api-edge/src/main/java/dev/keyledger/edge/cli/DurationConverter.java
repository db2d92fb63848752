package dev.keyledger.edge.cli;

import dev.keyledger.edge.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration flag ({@code 30s}, {@code 5m}, {@code 12h}, {@code 7d}), read by the rules of {@link
 * Durations}.
 */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage() + ", got '" + value + "'");
    }
  }
}
