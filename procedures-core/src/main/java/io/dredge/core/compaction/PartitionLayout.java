package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ListMultimap;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.report.HiveTableFiles.DirectoryListing;

import java.util.List;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableListMultimap.toImmutableListMultimap;
import static java.util.Objects.requireNonNull;

/**
 * Where every partition of a table lives, to decide which files are a partition's own. A partition's location may
 * lie inside another's ({@code .../d1} and {@code .../d1/d2}) or be shared with another: the files of the inner one
 * are not the outer one's input, and files that two partitions read must not be deleted on behalf of one.
 */
final class PartitionLayout
{
    private final List<PartitionDescriptor> partitions;
    // partition names by location, so that each partition's check is a lookup, not a pass over the table
    private final ListMultimap<String, String> namesByLocation;

    PartitionLayout(List<PartitionDescriptor> partitions)
    {
        this.partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
        this.namesByLocation = partitions.stream()
                .collect(toImmutableListMultimap(partition -> Locations.comparablePath(partition.location()), PartitionDescriptor::name));
    }

    /**
     * Why the partition cannot be rewritten on its own, judged from the layout and its listing; empty when it can.
     */
    Optional<String> reasonToLeaveAlone(PartitionDescriptor partition, DirectoryListing listing)
    {
        Optional<String> sharing = namesByLocation.get(Locations.comparablePath(partition.location())).stream()
                .filter(name -> !name.equals(partition.name()))
                .findFirst();
        if (sharing.isPresent()) {
            return Optional.of("its location is also the location of partition %s: both read the same files".formatted(sharing.get()));
        }
        if (partition.storageDifference().isPresent()) {
            return Optional.of("stored differently from the table (%s): a copy written through the table would not match it".formatted(partition.storageDifference().get()));
        }
        if (listing.nestedFiles().isEmpty()) {
            return Optional.empty();
        }
        return subdirectoryReason(ownNestedFiles(partition, listing.nestedFiles()));
    }

    /**
     * The files in subdirectories that belong to no other partition nested there.
     */
    private List<TableFile> ownNestedFiles(PartitionDescriptor partition, List<TableFile> nestedFiles)
    {
        List<String> nestedPartitions = partitions.stream()
                .filter(other -> !other.name().equals(partition.name()) && Locations.isBelow(partition.location(), other.location()))
                .map(PartitionDescriptor::location)
                .collect(toImmutableList());
        return nestedFiles.stream()
                .filter(file -> nestedPartitions.stream().noneMatch(location -> Locations.isBelow(location, file.path())))
                .collect(toImmutableList());
    }

    /**
     * Hive reads data files in a partition's subdirectories for some layouts ({@code HIVE_UNION_SUBDIR_n}) and Trino
     * does not: a copy made through one engine would hold other rows than the other engine reads.
     */
    static Optional<String> subdirectoryReason(List<TableFile> nestedFiles)
    {
        if (nestedFiles.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("%s data files in subdirectories (%s), which Hive reads and Trino does not: the engines disagree on its rows".formatted(
                nestedFiles.size(), nestedFiles.get(0).path()));
    }
}
