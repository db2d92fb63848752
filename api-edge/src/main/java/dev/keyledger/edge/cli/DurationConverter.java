package dev.keyledger.edge.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code <n>s|m|h|d} (e.g. 30s, 5m, 12h, 7d) or an ISO-8601 duration; at least one second. */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.strip().toLowerCase(Locale.ROOT));
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new TypeConversionException("a duration must be at least 1s, got '" + value + "'");
        }
        return duration;
    }

    private static Duration parse(String value) {
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new TypeConversionException("the unit must be s, m, h or d, got '" + value + "'");
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new TypeConversionException("a duration looks like 30s, 5m, 12h or 7d, got '" + value + "'");
        }
    }
}
