package io.dredge.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A Hive partition: its metastore name ({@code a=1/b=x}, escaped as Hive escapes it) and its data location.
 */
public record PartitionDescriptor(String name, String location)
{
    public PartitionDescriptor
    {
        requireNonNull(name, "name is null");
        requireNonNull(location, "location is null");
    }
}
