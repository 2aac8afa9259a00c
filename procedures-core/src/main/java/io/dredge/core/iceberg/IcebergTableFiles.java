package io.dredge.core.iceberg;

import io.dredge.core.model.PartitionFiles;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableFiles;
import io.dredge.core.model.TableType;
import io.dredge.core.port.FileStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * The live data and delete files of an Iceberg table's current snapshot, read from its metadata rather than
 * from a directory walk, so that orphan and expired files do not count.
 */
public final class IcebergTableFiles
{
    private IcebergTableFiles() {}

    public static TableFiles read(FileStore fileStore, TableDescriptor table)
    {
        return read(table, IcebergTableMetadata.read(fileStore, table));
    }

    public static TableFiles read(TableDescriptor table, IcebergTableMetadata metadata)
    {
        Map<Optional<String>, List<TableFile>> filesByPartition = metadata.liveFiles();
        if (!metadata.partitioned() && filesByPartition.isEmpty()) {
            filesByPartition = new HashMap<>(Map.of(Optional.empty(), List.of()));
        }
        List<PartitionFiles> partitions = filesByPartition.entrySet().stream()
                .map(entry -> new PartitionFiles(entry.getKey(), entry.getValue()))
                .collect(toImmutableList());
        return new TableFiles(table.table(), TableType.ICEBERG, metadata.fileFormat(), metadata.partitioned(), partitions);
    }
}
