package io.dredge.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * Sizes and durations as users write them to every engine's Dredge ({@code '128MB'}, {@code '7d'}), read as airlift
 * reads Trino's configuration: a number (a fraction allowed) and a unit, binary multiples for sizes.
 */
public final class Units
{
    private static final Pattern AMOUNT = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]+)\\s*");
    private static final Map<String, Long> SIZE_UNITS = Map.of(
            "b", 1L,
            "kb", 1L << 10,
            "mb", 1L << 20,
            "gb", 1L << 30,
            "tb", 1L << 40,
            "pb", 1L << 50);
    private static final Map<String, Long> DURATION_UNITS_NANOS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L,
            "d", 86_400_000_000_000L);

    private Units() {}

    /**
     * {@code '128MB'}, {@code '1.5GB'}, {@code '100B'}; the unit's case does not matter.
     */
    public static long bytes(String size, String argumentName)
    {
        return (long) amount(size, SIZE_UNITS).orElseThrow(() -> new DredgeException(INVALID_ARGUMENT, "%s must be a size like '128MB' or '1GB': '%s'".formatted(argumentName, size)));
    }

    /**
     * {@code '7d'}, {@code '12h'}, {@code '30m'}, {@code '0s'}; the unit's case does not matter.
     */
    public static Duration duration(String duration, String argumentName)
    {
        double nanos = amount(duration, DURATION_UNITS_NANOS).orElseThrow(() -> new DredgeException(INVALID_ARGUMENT, "%s must be a number and a unit (s, m, h or d), like '7d': '%s'".formatted(argumentName, duration)));
        return Duration.ofNanos((long) nanos);
    }

    /**
     * A duration as {@link #duration} reads it back: whole days as {@code '7d'}, else seconds, rounded up.
     */
    public static String text(Duration duration)
    {
        if (!duration.isZero() && duration.toSeconds() % 86_400 == 0 && duration.toNanosPart() == 0) {
            return duration.toDays() + "d";
        }
        return (duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0)) + "s";
    }

    private static OptionalDouble amount(String text, Map<String, Long> units)
    {
        Matcher matcher = AMOUNT.matcher(text);
        if (!matcher.matches()) {
            return OptionalDouble.empty();
        }
        Long unit = units.get(matcher.group(2).toLowerCase(Locale.ROOT));
        double amount = Double.parseDouble(matcher.group(1)) * (unit == null ? 0 : unit);
        if (unit == null || amount >= Long.MAX_VALUE) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(amount);
    }
}
