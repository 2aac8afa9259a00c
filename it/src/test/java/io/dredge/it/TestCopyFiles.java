package io.dredge.it;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.TableFile;
import io.dredge.trino.copy.CopyPlan;
import io.dredge.trino.copy.CopyPlanCodec;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32C;

import static io.dredge.core.sql.SqlDialect.TRINO;
import static io.dredge.trino.copy.TrinoFileCopier.copyFilesSql;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.UUID.randomUUID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code dredge.system.copy_files} on a cluster whose coordinator schedules no splits, so every file is copied by a
 * worker: the bytes and checksums it reports, and the plans it refuses.
 */
public class TestCopyFiles
        extends AbstractTestWithThriftMetastore
{
    // the shared cluster's, whose coordinator schedules no splits
    private static final CopyPlanCodec CODEC = new CopyPlanCodec(SharedCluster.COPY_PLAN_KEY.getBytes(UTF_8));
    // the test session's user
    private static final String USER = "user";

    private Path sources;
    private Set<String> workers;

    @BeforeAll
    public void writeSources()
            throws IOException
    {
        sources = Files.createDirectories(warehouse().resolve("copy-sources"));
        Random random = new Random(42);
        for (int size : List.of(0, 1, 70_000, (3 << 20) + 3)) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            Files.write(sources.resolve("file-" + size), content);
        }
        workers = computeActual("SELECT node_id FROM system.runtime.nodes WHERE coordinator = false").getOnlyColumnAsSet().stream()
                .map(String.class::cast)
                .collect(ImmutableSet.toImmutableSet());
        assertThat(workers).hasSize(1);
    }

    @Test
    public void testWorkerCopiesEveryFileWithItsChecksum()
            throws IOException
    {
        Path targets = warehouse().resolve("copy-targets-" + randomUUID());
        List<FileCopy> copies = copiesInto(targets);

        MaterializedResult result = computeActual(copyFilesSql(TRINO, "dredge", writePlan(new CopyPlan(USER, copies))));

        assertThat(result.getRowCount()).isEqualTo(copies.size());
        for (MaterializedRow row : result.getMaterializedRows()) {
            Path target = path((String) row.getField(0));
            byte[] written = Files.readAllBytes(target);
            assertThat(written).isEqualTo(Files.readAllBytes(sources.resolve(target.getFileName())));
            assertThat(row.getField(1)).isEqualTo((long) written.length);
            assertThat(row.getField(2)).isEqualTo(crc32c(written));
            assertThat(workers).contains((String) row.getField(3));
        }
        assertThat(result.getMaterializedRows().stream().map(row -> row.getField(0)).toList())
                .containsExactlyInAnyOrderElementsOf(copies.stream().map(FileCopy::target).toList());
    }

    @Test
    public void testWorkerMovesChecksumsAndDeletesThePlansFiles()
            throws IOException
    {
        Path copied = warehouse().resolve("copy-targets-" + randomUUID());
        computeActual(copyFilesSql(TRINO, "dredge", writePlan(new CopyPlan(USER, copiesInto(copied)))));
        Path moved = warehouse().resolve("move-targets-" + randomUUID());
        List<FileCopy> moves = copiesInto(moved).stream()
                .map(copy -> new FileCopy(copy.target().replace(moved.toString(), copied.toString()), copy.target(), copy.sizeBytes()))
                .toList();

        MaterializedResult result = computeActual(copyFilesSql(TRINO, "dredge", writePlan(new CopyPlan(USER, CopyPlan.Action.MOVE, moves))));
        assertThat(result.getRowCount()).isEqualTo(moves.size());
        for (MaterializedRow row : result.getMaterializedRows()) {
            Path target = path((String) row.getField(0));
            assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(sources.resolve(target.getFileName())));
            assertThat(row.getField(1)).isEqualTo(Files.size(target));
            // a move reads no bytes, so it has no checksum
            assertThat(row.getField(2)).isNull();
            assertThat(workers).contains((String) row.getField(3));
        }
        assertThat(moves).allSatisfy(move -> assertThat(path(move.source())).doesNotExist());

        // a move onto a file that exists fails, and leaves both
        Files.write(path(moves.getFirst().source()), new byte[] {1});
        assertQueryFails(copyFilesSql(TRINO, "dredge", writePlan(new CopyPlan(USER, CopyPlan.Action.MOVE, moves.subList(0, 1)))), ".*cannot move .* exists.*");
        assertThat(path(moves.getFirst().source())).exists();

        // a checksum plan reads every file on the worker
        MaterializedResult checksums = computeActual(copyFilesSql(TRINO, "dredge", writePlan(CopyPlan.checksum(USER, moves.stream().map(FileCopy::target).toList()))));
        for (MaterializedRow row : checksums.getMaterializedRows()) {
            byte[] content = Files.readAllBytes(path((String) row.getField(0)));
            assertThat(row.getFields().subList(1, 3)).containsExactly((long) content.length, crc32c(content));
            assertThat(workers).contains((String) row.getField(3));
        }
        assertThat(checksums.getRowCount()).isEqualTo(moves.size());

        List<String> deleted = moves.stream().map(FileCopy::target).toList();
        computeActual(copyFilesSql(TRINO, "dredge", writePlan(CopyPlan.delete(USER, deleted))));
        assertThat(deleted).allSatisfy(file -> assertThat(path(file)).doesNotExist());
        // deleting what is gone is not an error
        assertThat(computeActual(copyFilesSql(TRINO, "dredge", writePlan(CopyPlan.delete(USER, deleted)))).getRowCount()).isEqualTo(deleted.size());
    }

    @Test
    public void testWorkerReadsFootersRowCounts()
            throws IOException
    {
        createSchema("copy_footers");
        assertUpdate("CREATE TABLE hive.copy_footers.rows (id bigint) WITH (format = 'PARQUET')");
        assertUpdate("INSERT INTO hive.copy_footers.rows SELECT x FROM UNNEST(sequence(1, 1234)) t(x)", 1234);
        Path parquet = LocalDataFiles.list(tableDirectory("copy_footers", "rows")).getFirst();
        Path notParquet = sources.resolve("file-70000");
        List<TableFile> files = List.of(new TableFile("file:" + parquet, Files.size(parquet)), new TableFile("file:" + notParquet, Files.size(notParquet)));

        MaterializedResult result = computeActual(copyFilesSql(TRINO, "dredge", writePlan(CopyPlan.footerRows(USER, "PARQUET", files))));
        assertThat(result.getMaterializedRows())
                .extracting(row -> row.getField(0), row -> row.getField(2), row -> row.getField(4))
                // a file that is not Parquet has no count
                .containsExactlyInAnyOrder(tuple("file:" + parquet, null, 1234L), tuple("file:" + notParquet, null, null));
        assertThat(result.getMaterializedRows()).allSatisfy(row -> assertThat(workers).contains((String) row.getField(3)));
    }

    @Test
    public void testExistingTargetFailsTheCopy()
            throws IOException
    {
        Path targets = warehouse().resolve("copy-targets-" + randomUUID());
        List<FileCopy> copies = copiesInto(targets);
        Files.createDirectories(targets);
        Files.writeString(targets.resolve("file-1"), "already here");

        assertQueryFails(
                copyFilesSql(TRINO, "dredge", writePlan(new CopyPlan(USER, copies))),
                "cannot copy .*/file-1: target .*/file-1 exists");
        assertThat(Files.readString(targets.resolve("file-1"))).isEqualTo("already here");
    }

    @Test
    public void testMissingPlanFails()
    {
        String plan = "file:" + warehouse().resolve("copy-plans/missing.json");
        assertQueryFails(copyFilesSql(TRINO, "dredge", plan), "copy plan \\Q" + plan + "\\E does not exist");
        assertQueryFails("SELECT * FROM TABLE(dredge.system.copy_files(plan => NULL))", "plan is null");
        assertQueryFails(copyFilesSql(TRINO, "dredge", "copy-plans/relative.json"), "plan must be an absolute location \\(scheme://...\\): 'copy-plans/relative.json'");
    }

    @Test
    public void testRefusesPlansDredgeDidNotWriteForTheCaller()
            throws IOException
    {
        Path targets = warehouse().resolve("copy-targets-" + randomUUID());
        List<FileCopy> copies = copiesInto(targets);

        // written by someone without the catalog's key: a user copying files they could not read
        CopyPlanCodec forged = new CopyPlanCodec("a key guessed by some other user!".getBytes(UTF_8));
        String forgedPlan = writePlan(forged.encode(new CopyPlan(USER, copies)));
        assertQueryFails(copyFilesSql(TRINO, "dredge", forgedPlan), "copy plan .* is invalid: not signed by this catalog: only plans that Dredge writes can be run");

        String othersPlan = writePlan(new CopyPlan("alice", copies));
        assertQueryFails(copyFilesSql(TRINO, "dredge", othersPlan), "copy plan .* was written for another user than user");

        String relativePlan = writePlan(new CopyPlan(USER, ImmutableList.of(new FileCopy("/etc/hosts", "file:" + targets.resolve("hosts"), 1))));
        assertQueryFails(copyFilesSql(TRINO, "dredge", relativePlan), "copy plan .* copies between locations that are not absolute: '/etc/hosts' to .*");

        String garbage = writePlan("not json".getBytes(UTF_8));
        assertQueryFails(copyFilesSql(TRINO, "dredge", garbage), "copy plan .* is invalid: not a JSON document.*");

        assertThat(targets).doesNotExist();
    }

    private List<FileCopy> copiesInto(Path targets)
            throws IOException
    {
        ImmutableList.Builder<FileCopy> copies = ImmutableList.builder();
        try (var files = Files.list(sources)) {
            for (Path source : files.sorted().toList()) {
                copies.add(new FileCopy("file:" + source, "file:" + targets.resolve(source.getFileName()), Files.size(source)));
            }
        }
        return copies.build();
    }

    private String writePlan(CopyPlan plan)
            throws IOException
    {
        return writePlan(CODEC.encode(plan));
    }

    private String writePlan(byte[] content)
            throws IOException
    {
        Path plan = Files.createDirectories(warehouse().resolve("copy-plans")).resolve(randomUUID() + ".json");
        Files.write(plan, content);
        return "file:" + plan;
    }

    private static Path path(String location)
    {
        assertThat(location).startsWith("file:");
        return Path.of(location.substring("file:".length()));
    }

    private static long crc32c(byte[] content)
    {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return crc.getValue();
    }
}
