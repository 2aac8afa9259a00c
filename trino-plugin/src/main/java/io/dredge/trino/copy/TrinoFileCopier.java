package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.airlift.log.Logger;
import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.CopyProgress;
import io.dredge.core.files.FileCopier;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.CallCancellation.StatementCancelledException;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static java.util.Objects.requireNonNull;
import static java.util.UUID.randomUUID;

/**
 * Copies, moves and deletes on the cluster's workers: writes a signed plan into a staging directory, queries
 * {@code copy_files} on it through the engine as the calling user (Trino spreads the plan's splits over the workers
 * like a scan), reports progress as the rows arrive (a split's files at a time), and deletes the plan again, whatever
 * happened.
 */
public final class TrinoFileCopier
        implements FileCopier
{
    private static final Logger log = Logger.get(TrinoFileCopier.class);
    private static final Set<String> FOOTER_FORMATS = ImmutableSet.of("PARQUET", "ORC");

    private final SqlEngine engine;
    private final FileStore fileStore;
    private final CopyPlanCodec codec;
    private final String catalog;
    private final String user;
    private final String stagingLocation;

    /**
     * @param catalog the dredge catalog, whose {@code copy_files} the query calls
     * @param user the user the engine runs the query as: only that user may run the plan
     * @param stagingLocation a directory for the plan file, which is deleted after the copy
     */
    public TrinoFileCopier(SqlEngine engine, FileStore fileStore, CopyPlanCodec codec, String catalog, String user, String stagingLocation)
    {
        this.engine = requireNonNull(engine, "engine is null");
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.user = requireNonNull(user, "user is null");
        this.stagingLocation = requireNonNull(stagingLocation, "stagingLocation is null");
    }

    @Override
    public List<CopiedFile> copy(List<FileCopy> copies, Consumer<CopyProgress> progress)
    {
        if (copies.isEmpty()) {
            return ImmutableList.of();
        }
        return run(new CopyPlan(user, copies), progress).copiedFiles();
    }

    @Override
    public void move(List<FileCopy> moves)
    {
        if (!moves.isEmpty()) {
            run(new CopyPlan(user, CopyPlan.Action.MOVE, moves), _ -> {}).copiedFiles();
        }
    }

    @Override
    public void delete(List<String> paths)
    {
        if (!paths.isEmpty()) {
            run(CopyPlan.delete(user, paths), _ -> {}).copiedFiles();
        }
    }

    @Override
    public List<CopiedFile> checksum(List<String> paths)
    {
        if (paths.isEmpty()) {
            return ImmutableList.of();
        }
        return run(CopyPlan.checksum(user, paths), _ -> {}).copiedFiles();
    }

    @Override
    public Map<String, Long> footerRowCounts(String storageFormat, List<TableFile> files)
    {
        // only these formats record their rows in a footer: no query for the others
        if (files.isEmpty() || !FOOTER_FORMATS.contains(storageFormat)) {
            return ImmutableMap.of();
        }
        return run(CopyPlan.footerRows(user, storageFormat, files), _ -> {}).rowCounts();
    }

    private CopiedRows run(CopyPlan plan, Consumer<CopyProgress> progress)
    {
        List<FileCopy> copies = plan.copies();
        String planLocation = stagingLocation.replaceAll("/+$", "") + "/copy-plan-" + randomUUID() + ".json";
        CopiedRows rows = new CopiedRows(plan, progress);
        try {
            fileStore.writeFile(planLocation, codec.encode(plan));
            engine.query(copyFilesSql(engine.dialect(), catalog, planLocation), ImmutableMap.of(), rows::add);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the copy plan %s: %s".formatted(planLocation, e.getMessage()), e);
        }
        catch (StatementCancelledException e) {
            // not a failure of the copy: the call was cancelled, and says so
            throw e;
        }
        catch (RuntimeException e) {
            throw new UncheckedIOException("%s %s files on the cluster failed: %s".formatted(plan.action().gerund(), copies.size(), e.getMessage()), new IOException(e));
        }
        finally {
            deletePlan(planLocation);
        }
        return rows;
    }

    /**
     * The query that runs a plan; its rows are {@code target, size_bytes, crc32c, node, row_count}.
     */
    public static String copyFilesSql(SqlDialect dialect, String catalog, String planLocation)
    {
        return "SELECT target, size_bytes, crc32c, node, row_count FROM TABLE(%s.%s.%s(plan => %s))".formatted(
                dialect.quoteIdentifier(catalog),
                dialect.quoteIdentifier(SYSTEM_SCHEMA),
                dialect.quoteIdentifier(CopyFilesFunction.NAME),
                dialect.stringLiteral(planLocation));
    }

    private void deletePlan(String planLocation)
    {
        try {
            fileStore.deleteFile(planLocation);
        }
        catch (IOException e) {
            // the copy's outcome stands; a plan left behind names files but grants nothing to anyone else
            log.warn(e, "cannot delete copy plan %s", planLocation);
        }
    }
}
