package io.dredge.core.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Hive partition: its metastore name ({@code a=1/b=x}, escaped as Hive escapes it), its data location and its
 * own storage descriptor, which may differ from the table's (a partition written before an
 * {@code ALTER TABLE ... SET FILEFORMAT}, or before columns were added).
 *
 * @param storageFormat the partition's own storage format name, as {@link TableDescriptor#storageFormat()} names the table's
 * @param storageDifference how the partition's format, serde, serde properties, bucketing or columns differ from the
 * table's; empty when a copy written through the table is stored exactly as the partition is
 */
public record PartitionDescriptor(String name, String location, String storageFormat, Optional<String> storageDifference)
{
    public PartitionDescriptor
    {
        requireNonNull(name, "name is null");
        requireNonNull(location, "location is null");
        requireNonNull(storageFormat, "storageFormat is null");
        requireNonNull(storageDifference, "storageDifference is null");
    }
}
