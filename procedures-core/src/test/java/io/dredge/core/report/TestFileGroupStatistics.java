package io.dredge.core.report;

import io.dredge.core.model.TableFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.core.report.FileGroupStatus.NEEDS_COMPACTION;
import static io.dredge.core.report.FileGroupStatus.OK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestFileGroupStatistics
{
    private static final long MB = 1024 * 1024;
    private static final SmallFilePolicy POLICY = SmallFilePolicy.DEFAULT;

    @Test
    void testEmptyGroupIsOk()
    {
        FileGroupStatistics statistics = FileGroupStatistics.of(List.of(), POLICY);
        assertThat(statistics.fileCount()).isZero();
        assertThat(statistics.totalBytes()).isZero();
        assertThat(statistics.avgFileBytes()).isZero();
        assertThat(statistics.smallFileCount()).isZero();
        assertThat(statistics.idealFileCount()).isEqualTo(1);
        assertThat(statistics.compactionRatio()).isZero();
        assertThat(statistics.status()).isEqualTo(OK);
        assertThat(statistics.recommendedAction()).isEqualTo("none");
    }

    @Test
    void testPartitionedTableIdealIsSumOfPartitions()
    {
        // three partitions compacted to one small file each: the table is as compact as it can be
        FileGroupStatistics compacted = FileGroupStatistics.ofPartitions(List.of(files(1, 10), files(1, 10), files(1, 10), List.of()), POLICY);
        assertThat(compacted.fileCount()).isEqualTo(3);
        assertThat(compacted.idealFileCount()).isEqualTo(3);
        assertThat(compacted.status()).isEqualTo(OK);

        FileGroupStatistics fragmented = FileGroupStatistics.ofPartitions(List.of(files(1, 10), files(5, 10)), POLICY);
        assertThat(fragmented.fileCount()).isEqualTo(6);
        assertThat(fragmented.idealFileCount()).isEqualTo(2);
        assertThat(fragmented.status()).isEqualTo(NEEDS_COMPACTION);

        assertThat(FileGroupStatistics.ofPartitions(List.of(), POLICY).idealFileCount()).isEqualTo(1);
    }

    @Test
    void testOneSmallFileIsOk()
    {
        FileGroupStatistics statistics = FileGroupStatistics.of(files(1, 10), POLICY);
        assertThat(statistics.fileCount()).isEqualTo(1);
        assertThat(statistics.smallFileCount()).isEqualTo(1);
        assertThat(statistics.idealFileCount()).isEqualTo(1);
        assertThat(statistics.compactionRatio()).isEqualTo(1.0);
        assertThat(statistics.status()).isEqualTo(OK);
    }

    @Test
    void testManySmallFilesNeedCompaction()
    {
        FileGroupStatistics statistics = FileGroupStatistics.of(files(200, 1000), POLICY);
        assertThat(statistics.fileCount()).isEqualTo(200);
        assertThat(statistics.totalBytes()).isEqualTo(200_000);
        assertThat(statistics.avgFileBytes()).isEqualTo(1000);
        assertThat(statistics.smallFileCount()).isEqualTo(200);
        assertThat(statistics.idealFileCount()).isEqualTo(1);
        assertThat(statistics.compactionRatio()).isEqualTo(200.0);
        assertThat(statistics.status()).isEqualTo(NEEDS_COMPACTION);
        assertThat(statistics.recommendedAction()).isEqualTo("compact 200 files into about 1");
    }

    @Test
    void testAverageExactlyAtThresholdIsOk()
    {
        SmallFilePolicy policy = new SmallFilePolicy(1000, 10);
        // average 100 bytes == 1000 / 10: not below the bound, and no file is small
        FileGroupStatistics atBound = FileGroupStatistics.of(files(20, 100), policy);
        assertThat(atBound.idealFileCount()).isEqualTo(2);
        assertThat(atBound.smallFileCount()).isZero();
        assertThat(atBound.status()).isEqualTo(OK);

        FileGroupStatistics belowBound = FileGroupStatistics.of(files(20, 99), policy);
        assertThat(belowBound.smallFileCount()).isEqualTo(20);
        assertThat(belowBound.status()).isEqualTo(NEEDS_COMPACTION);
    }

    @Test
    void testFileCountEqualToIdealIsOk()
    {
        SmallFilePolicy policy = new SmallFilePolicy(1000, 10);
        // two tiny files, but one would hold them all, so 2 > 1 and average small: compaction
        assertThat(FileGroupStatistics.of(files(2, 1), policy).status()).isEqualTo(NEEDS_COMPACTION);
        // total exactly one target: ideal 1
        assertThat(policy.idealFileCount(1000)).isEqualTo(1);
        assertThat(policy.idealFileCount(1001)).isEqualTo(2);
    }

    @Test
    void testHugeFiles()
    {
        long huge = 512L * 1024 * MB;
        FileGroupStatistics statistics = FileGroupStatistics.of(files(4, huge), POLICY);
        assertThat(statistics.totalBytes()).isEqualTo(4 * huge);
        assertThat(statistics.idealFileCount()).isEqualTo(4 * huge / POLICY.targetFileSizeBytes());
        assertThat(statistics.compactionRatio()).isLessThan(1.0);
        assertThat(statistics.smallFileCount()).isZero();
        assertThat(statistics.status()).isEqualTo(OK);
        assertThat(POLICY.idealFileCount(Long.MAX_VALUE)).isEqualTo((Long.MAX_VALUE - 1) / POLICY.targetFileSizeBytes() + 1);
    }

    @Test
    void testSmallFileBoundIsTargetOverThreshold()
    {
        assertThat(POLICY.smallFileBoundBytes()).isEqualTo(128.0 * MB / 10);
        assertThat(POLICY.isSmall(12 * MB)).isTrue();
        assertThat(POLICY.isSmall(13 * MB)).isFalse();
        // mixed group: small files counted individually, status from the average
        List<TableFile> mixed = List.of(new TableFile("a", 200 * MB), new TableFile("b", MB), new TableFile("c", MB));
        FileGroupStatistics statistics = FileGroupStatistics.of(mixed, POLICY);
        assertThat(statistics.smallFileCount()).isEqualTo(2);
        assertThat(statistics.idealFileCount()).isEqualTo(2);
        assertThat(statistics.status()).isEqualTo(OK);
    }

    @Test
    void testRejectsNonsensePolicies()
    {
        assertThatThrownBy(() -> new SmallFilePolicy(0, 10)).hasMessageContaining("target file size must be positive");
        assertThatThrownBy(() -> new SmallFilePolicy(-5, 10)).hasMessageContaining("target file size must be positive");
        assertThatThrownBy(() -> new SmallFilePolicy(100, 0.5)).hasMessageContaining("compaction ratio threshold");
        assertThatThrownBy(() -> new SmallFilePolicy(100, Double.NaN)).hasMessageContaining("compaction ratio threshold");
        assertThatThrownBy(() -> new SmallFilePolicy(100, Double.POSITIVE_INFINITY)).hasMessageContaining("compaction ratio threshold");
    }

    private static List<TableFile> files(int count, long size)
    {
        return IntStream.range(0, count)
                .mapToObj(index -> new TableFile("file-" + index, size))
                .collect(toImmutableList());
    }
}
