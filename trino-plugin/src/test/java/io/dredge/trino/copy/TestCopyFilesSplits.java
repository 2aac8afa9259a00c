package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.dredge.core.files.FileCopy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static io.dredge.trino.copy.CopyFilesSplitManager.MAX_BYTES_PER_SPLIT;
import static io.dredge.trino.copy.CopyFilesSplitManager.MAX_FILES_PER_SPLIT;
import static io.dredge.trino.copy.CopyFilesSplitManager.batches;
import static io.dredge.trino.copy.CopyPlanReader.isAbsolute;
import static org.assertj.core.api.Assertions.assertThat;

class TestCopyFilesSplits
{
    @Test
    void testBatchesKeepEveryCopyOnceWithinBounds()
    {
        List<FileCopy> copies = IntStream.range(0, 40)
                .mapToObj(i -> new FileCopy("s3://a/" + i, "s3://b/" + i, i == 20 ? MAX_BYTES_PER_SPLIT * 2 : 10))
                .collect(ImmutableList.toImmutableList());
        List<List<FileCopy>> batches = batches(copies);
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(copies);
        assertThat(batches).allSatisfy(batch -> {
            assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_FILES_PER_SPLIT);
            // a file larger than a split's bytes goes alone
            assertThat(batch.size() == 1 || batch.stream().mapToLong(FileCopy::sizeBytes).sum() <= MAX_BYTES_PER_SPLIT).isTrue();
        });
        assertThat(batches).contains(ImmutableList.of(copies.get(20)));
        assertThat(batches(ImmutableList.of())).isEmpty();
    }

    @Test
    void testOnlyAbsoluteLocationsWithoutDotSegments()
    {
        assertThat(isAbsolute("s3://bucket/key with space")).isTrue();
        assertThat(isAbsolute("hdfs://namenode:8020/warehouse/t/p=1/f")).isTrue();
        assertThat(isAbsolute("file:/tmp/warehouse/f")).isTrue();
        assertThat(isAbsolute("local:///warehouse/f")).isTrue();

        assertThat(isAbsolute("/tmp/warehouse/f")).isFalse();
        assertThat(isAbsolute("warehouse/f")).isFalse();
        assertThat(isAbsolute("")).isFalse();
        assertThat(isAbsolute("s3://bucket/backups/../secret/f")).isFalse();
        assertThat(isAbsolute("file:/tmp/./f")).isFalse();
    }
}
