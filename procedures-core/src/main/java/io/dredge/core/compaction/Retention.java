package io.dredge.core.compaction;

import io.dredge.core.DredgeException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * Retention periods as users write them: {@code 7d}, {@code 12h}, {@code 30m}, {@code 0s}.
 */
public final class Retention
{
    private static final Pattern PATTERN = Pattern.compile("\\s*(\\d{1,9})\\s*([smhd])\\s*");

    private Retention() {}

    public static Duration parse(String value)
    {
        Matcher matcher = PATTERN.matcher(value.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new DredgeException(INVALID_ARGUMENT, "older_than must be a number and a unit (s, m, h or d), like '7d': '%s'".formatted(value));
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
