package io.dredge.it.benchmark;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.stream.Collectors;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The times of one measure's runs, warm-up runs excluded: printed as every run with the median and the spread.
 */
record Runs(List<Long> nanos)
{
    Runs
    {
        nanos = ImmutableList.copyOf(requireNonNull(nanos, "nanos is null"));
        checkArgument(!nanos.isEmpty(), "no runs");
    }

    double medianSeconds()
    {
        List<Long> sorted = nanos.stream().sorted().toList();
        int middle = sorted.size() / 2;
        double median = sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
        return median / 1e9;
    }

    /**
     * {@code median 1.23 s (runs 1.20, 1.23, 1.31 s; spread 0.11 s)}
     */
    String describe()
    {
        long min = nanos.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = nanos.stream().mapToLong(Long::longValue).max().orElseThrow();
        return "median %6.2f s (runs %s s; spread %.2f s)".formatted(
                medianSeconds(),
                nanos.stream().map(value -> "%.2f".formatted(value / 1e9)).collect(Collectors.joining(", ")),
                (max - min) / 1e9);
    }

    /**
     * How many times faster than {@code other} this measure's median is: above 1, this one is faster.
     */
    double speedAgainst(Runs other)
    {
        return other.medianSeconds() / medianSeconds();
    }
}
