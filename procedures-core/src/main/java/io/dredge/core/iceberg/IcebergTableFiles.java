package io.dredge.core.iceberg;

import io.dredge.core.model.PartitionFiles;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableFiles;
import io.dredge.core.model.TableType;
import io.dredge.core.port.FileStore;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.io.FileIO;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * The live data and delete files of an Iceberg table's current snapshot, read from its metadata rather than
 * from a directory walk, so that orphan and expired files do not count.
 */
public final class IcebergTableFiles
{
    private static final String DEFAULT_FILE_FORMAT_PROPERTY = "write.format.default";

    private IcebergTableFiles() {}

    public static TableFiles read(FileStore fileStore, TableDescriptor table)
    {
        String metadataLocation = table.icebergMetadataLocation()
                .orElseThrow(() -> new IllegalArgumentException("Iceberg table %s has no metadata location".formatted(table.table())));
        FileIO io = new FileStoreFileIo(fileStore);
        TableMetadata metadata = TableMetadataParser.read(io, metadataLocation);
        String fileFormat = metadata.properties().getOrDefault(DEFAULT_FILE_FORMAT_PROPERTY, "parquet").toUpperCase(Locale.ROOT);
        boolean partitioned = metadata.spec().isPartitioned();

        Snapshot snapshot = metadata.currentSnapshot();
        Map<Optional<String>, List<TableFile>> filesByPartition = new TreeMap<>(IcebergTableFiles::comparePartitions);
        if (snapshot != null) {
            Map<Integer, PartitionSpec> specs = metadata.specsById();
            for (ManifestFile manifest : snapshot.allManifests(io)) {
                try (ManifestReader<? extends ContentFile<?>> reader = manifest.content() == ManifestContent.DATA
                        ? ManifestFiles.read(manifest, io, specs)
                        : ManifestFiles.readDeleteManifest(manifest, io, specs)) {
                    for (ContentFile<?> file : reader) {
                        filesByPartition.computeIfAbsent(partitionName(specs.get(file.specId()), file), ignored -> new ArrayList<>())
                                .add(new TableFile(file.location(), file.fileSizeInBytes()));
                    }
                }
                catch (IOException e) {
                    throw new UncheckedIOException("failed to read manifest " + manifest.path(), e);
                }
            }
        }
        if (!partitioned && filesByPartition.isEmpty()) {
            filesByPartition.put(Optional.empty(), List.of());
        }
        List<PartitionFiles> partitions = filesByPartition.entrySet().stream()
                .map(entry -> new PartitionFiles(entry.getKey(), entry.getValue()))
                .collect(toImmutableList());
        return new TableFiles(table.table(), TableType.ICEBERG, fileFormat, partitioned, partitions);
    }

    private static Optional<String> partitionName(PartitionSpec spec, ContentFile<?> file)
    {
        if (spec == null || spec.isUnpartitioned()) {
            return Optional.empty();
        }
        return Optional.of(spec.partitionToPath(file.partition()));
    }

    private static int comparePartitions(Optional<String> left, Optional<String> right)
    {
        return left.orElse("").compareTo(right.orElse(""));
    }
}
