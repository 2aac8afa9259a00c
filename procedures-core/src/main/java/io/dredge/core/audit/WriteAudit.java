package io.dredge.core.audit;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.SmallFilePolicy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What one statement left in the partitions it wrote: their file counts, bytes and small-file status, recorded by an
 * engine's write hook. One JSON document per statement and table, in the table's schema directory under
 * {@code .dredge/audit/<table>/<query id>.json}, beside the operations journal.
 */
public record WriteAudit(TableReference table, String queryId, String user, Instant writtenAt, List<WrittenFiles> written)
{
    private static final String AUDIT_DIRECTORY = ".dredge/audit";

    public WriteAudit
    {
        requireNonNull(table, "table is null");
        requireNonNull(queryId, "queryId is null");
        requireNonNull(user, "user is null");
        requireNonNull(writtenAt, "writtenAt is null");
        written = ImmutableList.copyOf(written);
    }

    /**
     * The audit of the files now in each written partition (an unpartitioned table's under the empty name).
     */
    public static WriteAudit of(TableReference table, String queryId, String user, Instant writtenAt, Map<Optional<String>, List<TableFile>> filesByPartition, SmallFilePolicy policy)
    {
        ImmutableList.Builder<WrittenFiles> written = ImmutableList.builder();
        filesByPartition.forEach((partition, files) -> {
            long bytes = files.stream().mapToLong(TableFile::sizeBytes).sum();
            written.add(new WrittenFiles(partition, files.size(), bytes, policy.status(files.size(), bytes)));
        });
        return new WriteAudit(table, queryId, user, writtenAt, written.build());
    }

    /**
     * Where the audit of a statement is kept, below the location of the table's schema.
     */
    public String location(String schemaLocation)
    {
        return Locations.child(Locations.child(Locations.child(schemaLocation, AUDIT_DIRECTORY), table.tableName()), queryId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
    }
}
