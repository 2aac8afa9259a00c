package io.dredge.core.audit;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.SmallFilePolicy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
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
     * Where the audit of a statement is kept: below the table's audit directory, in the directory of its day (UTC),
     * so that old records go a day at a time.
     */
    public String location(String schemaLocation)
    {
        String day = DateTimeFormatter.ISO_LOCAL_DATE.format(writtenAt.atOffset(ZoneOffset.UTC));
        return Locations.child(Locations.child(directory(schemaLocation, table), day), queryId.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
    }

    /**
     * The directory of a table's audit records, one subdirectory per day ({@code 2026-11-30}).
     */
    public static String directory(String schemaLocation, TableReference table)
    {
        return Locations.child(schemaDirectory(schemaLocation), table.tableName());
    }

    /**
     * The directory of the audit records of a schema's tables, one subdirectory per table.
     */
    public static String schemaDirectory(String schemaLocation)
    {
        return Locations.child(schemaLocation, AUDIT_DIRECTORY);
    }

    /**
     * Of a table's day directories (their names), those older than {@code retentionDays} days before {@code now}:
     * what a writer removes, so that records do not pile up for ever. Names that are not days are left alone.
     */
    public static List<String> expiredDays(Collection<String> dayDirectories, Instant now, int retentionDays)
    {
        LocalDate oldestKept = now.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(retentionDays);
        ImmutableList.Builder<String> expired = ImmutableList.builder();
        for (String name : dayDirectories) {
            try {
                if (LocalDate.parse(name, DateTimeFormatter.ISO_LOCAL_DATE).isBefore(oldestKept)) {
                    expired.add(name);
                }
            }
            catch (DateTimeParseException e) {
                // not a directory the audit made
            }
        }
        return expired.build();
    }
}
