package io.dredge.core.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestOperationRecordCodec
{
    @Test
    void testRoundTripKeepsEveryField()
    {
        Instant start = Instant.parse("2026-11-23T23:15:12Z");
        PartitionRecord partition = PartitionRecord.planned(Optional.of("day=2024-01-01"), "s3://lake/t/day=2024-01-01", "s3://lake/t/.dredge/x/day=2024-01-01",
                        List.of(new TableFile("s3://lake/t/day=2024-01-01/a", 10), new TableFile("s3://lake/t/day=2024-01-01/b", 20)))
                .verified(42, List.of(new TableFile("s3://lake/t/.dredge/x/day=2024-01-01/c", 25)))
                .withState(PartitionState.SWAPPED);
        PartitionRecord skipped = PartitionRecord.planned(Optional.of("day=2024-01-02"), "o", "s", List.of()).skipped("files changed during compaction");
        OperationRecord record = OperationRecord.start(OperationKind.COMPACT, new TableReference("demo", "events"), "alice", Optional.empty(), start)
                .withPlan("checksum", 3, List.of(partition, skipped))
                .withStaging("events__dredge_x", "s3://lake/t/.dredge/x")
                .withBackupTable("events__dredge_backup_x")
                .withIcebergSnapshots(OperationRecord.IcebergSnapshots.planned(1).committed(2, Optional.of(3L)))
                .withTableIdentity("iceberg-uuid:8f0c0d5e-4b7a-4f57-9d36-2a5e1c7f9b10")
                .withStep("done")
                .finished(OperationState.SUCCEEDED, Optional.of("none"), start.plusSeconds(5));

        OperationRecord decoded = OperationRecordCodec.fromJson(OperationRecordCodec.toJson(record));
        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.id()).startsWith("20261123_231512_");
        assertThat(decoded.compactedPartitions()).containsExactly(partition);
        assertThat(decoded.partitionsIn(PartitionState.SKIPPED).get(0).skipReason()).contains("files changed during compaction");
    }

    @Test
    void testReadsRecordsWrittenBeforeIdentitiesAndOptionalSnapshots()
    {
        String json = """
                {
                  "format-version": 1, "id": "20261123_231512_3f9a0c1d", "kind": "COMPACT", "schema": "demo", "table": "events",
                  "user": "alice", "state": "SUCCEEDED", "started-at": "2026-11-23T23:15:12Z", "finished-at": "2026-11-23T23:15:17Z",
                  "step": "done", "verification": "checksum", "partitions-considered": 1, "partitions": [],
                  "iceberg-snapshots": {"before": 1, "after": 2}
                }
                """;
        OperationRecord record = OperationRecordCodec.fromJson(json.getBytes(UTF_8));
        assertThat(record.tableIdentity()).isEmpty();
        assertThat(record.icebergSnapshots()).contains(new OperationRecord.IcebergSnapshots(1, 2));

        OperationRecord planned = record.withIcebergSnapshots(OperationRecord.IcebergSnapshots.planned(5));
        assertThat(OperationRecordCodec.fromJson(OperationRecordCodec.toJson(planned)).icebergSnapshots().orElseThrow().after()).isEmpty();
    }

    @Test
    void testRefusesDamagedOrNewerRecords()
    {
        assertThatThrownBy(() -> OperationRecordCodec.fromJson("{".getBytes(UTF_8))).hasMessageContaining("not a Dredge journal record");
        assertThatThrownBy(() -> OperationRecordCodec.fromJson("{\"format-version\": 99}".getBytes(UTF_8))).hasMessageContaining("newer than this Dredge");
        assertThatThrownBy(() -> OperationRecordCodec.fromJson("{\"format-version\": 1}".getBytes(UTF_8))).hasMessageContaining("has no partitions");
    }

    /**
     * The format of version 1 as files on disk: what this version writes, field for field, and what it reads.
     */
    @Test
    void testGoldenFilesOfFormatVersion1()
            throws Exception
    {
        String staging = "s3://lake/demo/events/.dredge/20261123_231512_3f9a0c1d";
        PartitionRecord swapped = new PartitionRecord(Optional.of("day=2024-01-01"), "s3://lake/demo/events/day=2024-01-01", staging + "/day=2024-01-01",
                List.of(new TableFile("s3://lake/demo/events/day=2024-01-01/a", 10), new TableFile("s3://lake/demo/events/day=2024-01-01/b", 20)),
                PartitionState.SWAPPED, Optional.empty(), 42, List.of(new TableFile(staging + "/day=2024-01-01/c", 25)),
                Optional.of("s3://lake/demo/events/.dredge/20261123_231512_3f9a0c1d-originals/day=2024-01-01"));
        PartitionRecord skipped = new PartitionRecord(Optional.of("day=2024-01-02"), "s3://lake/demo/events/day=2024-01-02", staging + "/day=2024-01-02",
                List.of(), PartitionState.SKIPPED, Optional.of("stored differently from the table (stored as ORC, the table as PARQUET)"), 0, List.of(), Optional.empty());
        OperationRecord expected = new OperationRecord("20261123_231512_3f9a0c1d", OperationKind.COMPACT, new TableReference("demo", "events"), "alice",
                OperationState.SUCCEEDED, Instant.parse("2026-11-23T23:15:12Z"), Optional.of(Instant.parse("2026-11-23T23:15:17Z")), Optional.empty(),
                "compacted 1 of 2 partitions: 2 files -> 1 files", Optional.of("events__dredge_3f9a0c1d"), Optional.of(staging), Optional.of("events__dredge_backup_3f9a0c1d"),
                Optional.of("checksum"), 2, List.of(swapped, skipped), Optional.empty(),
                Optional.of(new OperationRecord.IcebergSnapshots(1, Optional.of(2L), Optional.of(1L))), Optional.of("iceberg-uuid:8f0c0d5e-4b7a-4f57-9d36-2a5e1c7f9b10"));

        byte[] golden = resource("journal-v1.json");
        assertThat(OperationRecordCodec.fromJson(golden)).isEqualTo(expected);
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readTree(OperationRecordCodec.toJson(expected))).isEqualTo(mapper.readTree(golden));

        // written before parked locations, table identities and the replace snapshot's parent were recorded
        OperationRecord old = OperationRecordCodec.fromJson(resource("journal-v1-before-identities.json"));
        assertThat(old.tableIdentity()).isEmpty();
        assertThat(old.icebergSnapshots()).contains(new OperationRecord.IcebergSnapshots(1, 2));
        assertThat(old.partitions()).singleElement().satisfies(partition -> {
            assertThat(partition.parkedLocation()).isEmpty();
            assertThat(partition.originalFiles()).isEqualTo(swapped.inputFiles());
        });
    }

    private static byte[] resource(String name)
            throws Exception
    {
        try (var input = TestOperationRecordCodec.class.getResourceAsStream(name)) {
            assertThat(input).as("resource %s", name).isNotNull();
            return input.readAllBytes();
        }
    }
}
