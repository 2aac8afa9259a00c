package io.dredge.core.changes;

import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The partitions a {@code changed_partitions} answer is filtered to, by their values as the answer types them (an
 * engine's filter on the partition columns, pushed down). A Hive table's answer lists only these partitions, and its
 * checkpoint keeps the earlier one's state for the others: the filter must be exact, since the answer's token moves on
 * for every partition it takes.
 */
public final class PartitionFilter
{
    public static final PartitionFilter ALL = new PartitionFilter(Optional.empty());

    private final Optional<Predicate<Map<String, Object>>> predicate;

    private PartitionFilter(Optional<Predicate<Map<String, Object>>> predicate)
    {
        this.predicate = requireNonNull(predicate, "predicate is null");
    }

    public static PartitionFilter of(Predicate<Map<String, Object>> predicate)
    {
        return new PartitionFilter(Optional.of(predicate));
    }

    public boolean all()
    {
        return predicate.isEmpty();
    }

    public boolean includes(Map<String, Object> values)
    {
        return predicate.map(test -> test.test(values)).orElse(true);
    }
}
