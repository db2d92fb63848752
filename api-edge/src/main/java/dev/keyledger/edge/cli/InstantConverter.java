package dev.keyledger.edge.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An instant flag in ISO-8601 with a zone: UTC ({@code 2026-12-01T12:00:00Z}) or an offset ({@code
 * 2026-12-01T13:00:00+01:00}); fractions of a second allowed.
 */
final class InstantConverter implements ITypeConverter<Instant> {

  @Override
  public Instant convert(String value) {
    try {
      return OffsetDateTime.parse(value.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "expected an ISO-8601 instant with a zone, such as 2026-12-01T12:00:00Z or"
              + " 2026-12-01T13:00:00+01:00, got '"
              + value
              + "'");
    }
  }
}
