package io.dredge.trino.copy;

import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.CopyProgress;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.TableFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.dredge.core.sql.SqlDialect.TRINO;
import static io.dredge.trino.copy.TrinoFileCopier.copyFilesSql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCopiedRows
{
    private static final CopyPlan PLAN = new CopyPlan("alice", Arrays.asList(
            new FileCopy("s3://a/1", "s3://b/1", 10),
            new FileCopy("s3://a/2", "s3://b/2", 20)));

    @Test
    void testRowsReportProgressAsTheyArriveAndEndInPlanOrder()
    {
        List<CopyProgress> progress = new ArrayList<>();
        CopiedRows rows = new CopiedRows(PLAN, progress::add);
        rows.add(Arrays.asList("s3://b/2", 20L, 0xFFFF_FFFFL, "worker-1", null));
        assertThat(progress).containsExactly(new CopyProgress(1, 2, 20, 30));
        rows.add(Arrays.asList("s3://b/1", 10L, 7L, "worker-2", null));
        assertThat(progress).containsExactly(new CopyProgress(1, 2, 20, 30), new CopyProgress(2, 2, 30, 30));
        assertThat(progress.getLast().describe()).isEqualTo("copied 2 of 2 files, 30 of 30 bytes");

        assertThat(rows.copiedFiles()).containsExactly(
                new CopiedFile("s3://b/1", 10, 7),
                new CopiedFile("s3://b/2", 20, 0xFFFF_FFFFL));
    }

    @Test
    void testEveryPlannedTargetMustBeReportedOnce()
    {
        CopiedRows missing = new CopiedRows(PLAN, _ -> {});
        missing.add(Arrays.asList("s3://b/1", 10L, 7L, "worker-1", null));
        assertThatThrownBy(missing::copiedFiles)
                .hasMessageStartingWith("the cluster reported 1 copies of 2 planned; not reported: [FileCopy[source=s3://a/2");

        CopiedRows twice = new CopiedRows(PLAN, _ -> {});
        twice.add(Arrays.asList("s3://b/1", 10L, 7L, "worker-1", null));
        assertThatThrownBy(() -> twice.add(Arrays.asList("s3://b/1", 10L, 7L, "worker-2", null)))
                .hasMessage("the cluster reported copying s3://b/1 twice");
    }

    @Test
    void testFooterReadsReportTheirRowCounts()
    {
        CopyPlan footers = CopyPlan.footerRows("alice", "PARQUET", List.of(new TableFile("s3://b/1", 10), new TableFile("s3://b/2", 20)));
        CopiedRows rows = new CopiedRows(footers, _ -> {});
        rows.add(Arrays.asList("s3://b/1", 10L, null, "worker-1", 7L));
        rows.add(Arrays.asList("s3://b/2", 20L, null, "worker-1", null));
        // a file without a readable footer has no count
        assertThat(rows.rowCounts()).containsExactly(Map.entry("s3://b/1", 7L));
    }

    @Test
    void testQueryQuotesCatalogAndPlan()
    {
        assertThat(copyFilesSql(TRINO, "my \"dredge\"", "s3://bucket/it's/plan.json"))
                .isEqualTo("SELECT target, size_bytes, crc32c, node, row_count FROM TABLE(\"my \"\"dredge\"\"\".\"system\".\"copy_files\"(plan => 's3://bucket/it''s/plan.json'))");
    }
}
