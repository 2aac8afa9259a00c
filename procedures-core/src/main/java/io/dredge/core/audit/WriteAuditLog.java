package io.dredge.core.audit;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.MetastoreReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads the write audit that engines' write hooks record ({@link WriteAudit}), for any engine to show it.
 */
public final class WriteAuditLog
{
    private static final Logger log = LoggerFactory.getLogger(WriteAuditLog.class);
    private static final String SUFFIX = ".json";

    private final FileStore fileStore;
    private final MetastoreReader metastore;

    public WriteAuditLog(FileStore fileStore, MetastoreReader metastore)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.metastore = requireNonNull(metastore, "metastore is null");
    }

    /**
     * The audits of a schema's tables (or of one table), oldest first; a schema without a location has none. A record
     * that cannot be read is left out and logged: the audit is a report, not a journal anything depends on.
     */
    public List<WriteAudit> read(String schemaName, Optional<String> tableName)
    {
        Optional<String> schemaLocation = metastore.getSchemaLocation(schemaName);
        if (schemaLocation.isEmpty()) {
            return List.of();
        }
        String directory = tableName
                .map(table -> WriteAudit.directory(schemaLocation.get(), new TableReference(schemaName, table)))
                .orElseGet(() -> WriteAudit.schemaDirectory(schemaLocation.get()));
        List<TableFile> files;
        try {
            files = fileStore.listFilesRecursively(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list the write audit in " + directory, e);
        }
        ImmutableList.Builder<WriteAudit> audits = ImmutableList.builder();
        for (TableFile file : files) {
            if (!file.path().endsWith(SUFFIX) || file.name().startsWith(".")) {
                continue;
            }
            try {
                fileStore.readFile(file.path()).map(WriteAuditCodec::fromJson).ifPresent(audits::add);
            }
            catch (IOException | RuntimeException e) {
                log.warn("skipping write audit record {}: {}", file.path(), e.toString());
            }
        }
        return audits.build().stream()
                .filter(audit -> audit.table().schemaName().equals(schemaName))
                .sorted(Comparator.comparing(WriteAudit::writtenAt))
                .toList();
    }
}
