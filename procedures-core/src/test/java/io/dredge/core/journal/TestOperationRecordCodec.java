package io.dredge.core.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dredge.core.journal.CompactionDetails.IcebergSnapshots;
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
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void testRoundTripKeepsEveryField()
    {
        Instant start = Instant.parse("2026-11-23T23:15:12Z");
        PartitionRecord partition = PartitionRecord.planned(Optional.of("day=2024-01-01"), "s3://lake/t/day=2024-01-01", "s3://lake/t/.dredge/x/day=2024-01-01",
                        List.of(new TableFile("s3://lake/t/day=2024-01-01/a", 10), new TableFile("s3://lake/t/day=2024-01-01/b", 20)))
                .verified(42, List.of(new TableFile("s3://lake/t/.dredge/x/day=2024-01-01/c", 25)))
                .withState(PartitionState.SWAPPED);
        PartitionRecord skipped = PartitionRecord.planned(Optional.of("day=2024-01-02"), "o", "s", List.of()).skipped("files changed during compaction");
        OperationRecord record = OperationRecord.start(OperationKind.COMPACT, new TableReference("demo", "events"), "alice", Optional.empty(), CompactionDetails.unplanned(), start)
                .withCompaction(details -> details.withPlan("checksum", 3, List.of(partition, skipped))
                        .withStaging("events__dredge_x", "s3://lake/t/.dredge/x")
                        .withBackupTable("events__dredge_backup_x")
                        .withIcebergSnapshots(IcebergSnapshots.planned(1).committed(2, Optional.of(3L))))
                .withTableIdentity("iceberg-uuid:8f0c0d5e-4b7a-4f57-9d36-2a5e1c7f9b10")
                .withStep("done")
                .finished(OperationState.SUCCEEDED, Optional.of("none"), start.plusSeconds(5));

        OperationRecord decoded = OperationRecordCodec.fromJson(OperationRecordCodec.toJson(record));
        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.id()).startsWith("20261123_231512_");
        assertThat(decoded.compaction().compactedPartitions()).containsExactly(partition);
        assertThat(decoded.compaction().partitionsIn(PartitionState.SKIPPED).get(0).skipReason()).contains("files changed during compaction");
    }

    @Test
    void testRoundTripOfEveryKind()
            throws Exception
    {
        Instant start = Instant.parse("2026-11-24T08:15:00Z");
        TableReference table = new TableReference("demo", "events");
        OperationRecord backup = OperationRecord.start(OperationKind.BACKUP, table, "alice", Optional.empty(), new BackupDetails("s3://lake/repository/backups/events_1/manifest.json"), start);
        assertThat(OperationRecordCodec.fromJson(OperationRecordCodec.toJson(backup))).isEqualTo(backup);
        OperationRecord expiry = OperationRecord.start(OperationKind.EXPIRE_SNAPSHOTS, table, "alice", Optional.empty(),
                new ExpiryDetails(Instant.parse("2026-11-17T08:15:00Z"), 2, List.of(11L, 12L, 13L), Optional.of("file:///lake/s/.dredge/quarantine")), start);
        byte[] expiryJson = OperationRecordCodec.toJson(expiry);
        assertThat(OperationRecordCodec.fromJson(expiryJson)).isEqualTo(expiry);
        assertThat(MAPPER.readTree(expiryJson).get("expire-snapshots").size()).isEqualTo(3);
        for (OperationKind kind : List.of(OperationKind.ROLLBACK, OperationKind.CLEANUP, OperationKind.RECOVER)) {
            OperationRecord record = OperationRecord.start(kind, table, "alice", Optional.of("20261123_231512_3f9a0c1d"), OperationDetails.NONE, start);
            byte[] json = OperationRecordCodec.toJson(record);
            assertThat(OperationRecordCodec.fromJson(json)).isEqualTo(record);
            // a compaction's fields belong to compactions only
            assertThat(MAPPER.readTree(json).has("partitions")).as("%s has partitions", kind).isFalse();
        }
    }

    @Test
    void testFileListRoundTrip()
    {
        List<OperationFile> files = List.of(
                new OperationFile("s3://lake/t/metadata/snap-1.avro", 4200, "manifest list of snapshot 1, referenced only by expired snapshots"),
                new OperationFile("s3://lake/t/data/a.parquet", 0, "data file, referenced only by expired snapshots"));
        assertThat(OperationRecordCodec.filesFromJson(OperationRecordCodec.filesToJson(files))).isEqualTo(files);
        assertThat(OperationRecordCodec.filesFromJson(OperationRecordCodec.filesToJson(List.of()))).isEmpty();
        assertThatThrownBy(() -> OperationRecordCodec.filesFromJson("[{\"path\": \"a\"}]".getBytes(UTF_8)))
                .hasMessageContaining("has no size");
    }

    @Test
    void testDetailsMustBeThoseOfTheKind()
    {
        TableReference table = new TableReference("demo", "events");
        Instant now = Instant.parse("2026-11-24T08:15:00Z");
        assertThatThrownBy(() -> OperationRecord.start(OperationKind.BACKUP, table, "alice", Optional.empty(), CompactionDetails.unplanned(), now))
                .hasMessageContaining("is a BACKUP and cannot have CompactionDetails");
        assertThatThrownBy(() -> OperationRecord.start(OperationKind.COMPACT, table, "alice", Optional.empty(), OperationDetails.NONE, now))
                .hasMessageContaining("is a COMPACT and cannot have None");
        OperationRecord backup = OperationRecord.start(OperationKind.BACKUP, table, "alice", Optional.empty(), new BackupDetails("s3://r/backups/b/manifest.json"), now);
        assertThatThrownBy(backup::compaction).hasMessageContaining("is a BACKUP, not a compaction");
        assertThatThrownBy(backup::expiry).hasMessageContaining("is a BACKUP, not a snapshot expiry");
        assertThatThrownBy(() -> new ExpiryDetails(now, 0, List.of())).hasMessageContaining("retainLast must be at least 1");
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
        assertThat(record.compaction().icebergSnapshots()).contains(new IcebergSnapshots(1, 2));

        OperationRecord planned = record.withCompaction(details -> details.withIcebergSnapshots(IcebergSnapshots.planned(5)));
        assertThat(OperationRecordCodec.fromJson(OperationRecordCodec.toJson(planned)).compaction().icebergSnapshots().orElseThrow().after()).isEmpty();
    }

    @Test
    void testRefusesDamagedOrNewerRecords()
    {
        assertThatThrownBy(() -> OperationRecordCodec.fromJson("{".getBytes(UTF_8))).hasMessageContaining("not a Dredge journal record");
        assertThatThrownBy(() -> OperationRecordCodec.fromJson("{\"format-version\": 99}".getBytes(UTF_8))).hasMessageContaining("newer than this Dredge");
        assertThatThrownBy(() -> OperationRecordCodec.fromJson("{\"format-version\": 1}".getBytes(UTF_8))).hasMessageContaining("has no kind");
        String compactionWithoutPartitions = """
                {
                  "format-version": 1, "id": "20261123_231512_3f9a0c1d", "kind": "COMPACT", "schema": "demo", "table": "events",
                  "user": "alice", "state": "RUNNING", "started-at": "2026-11-23T23:15:12Z", "step": "started", "partitions-considered": 0
                }
                """;
        assertThatThrownBy(() -> OperationRecordCodec.fromJson(compactionWithoutPartitions.getBytes(UTF_8))).hasMessageContaining("has no partitions");
        String backupWithoutManifest = compactionWithoutPartitions.replace("COMPACT", "BACKUP");
        assertThatThrownBy(() -> OperationRecordCodec.fromJson(backupWithoutManifest.getBytes(UTF_8))).hasMessageContaining("has no manifest-location");
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
                "compacted 1 of 2 partitions: 2 files -> 1 files", Optional.empty(), Optional.of("iceberg-uuid:8f0c0d5e-4b7a-4f57-9d36-2a5e1c7f9b10"),
                new CompactionDetails(Optional.of("events__dredge_3f9a0c1d"), Optional.of(staging), Optional.of("events__dredge_backup_3f9a0c1d"),
                        Optional.of("checksum"), 2, List.of(swapped, skipped), Optional.of(new IcebergSnapshots(1, Optional.of(2L), Optional.of(1L)))));
        assertReadAndWritten("journal-v1.json", expected);

        // written before parked locations, table identities and the replace snapshot's parent were recorded
        OperationRecord old = OperationRecordCodec.fromJson(resource("journal-v1-before-identities.json"));
        assertThat(old.tableIdentity()).isEmpty();
        assertThat(old.compaction().icebergSnapshots()).contains(new IcebergSnapshots(1, 2));
        assertThat(old.compaction().partitions()).singleElement().satisfies(partition -> {
            assertThat(partition.parkedLocation()).isEmpty();
            assertThat(partition.originalFiles()).isEqualTo(swapped.inputFiles());
        });
    }

    /**
     * A backup keeps where its manifest is; journals written before operations had details of their own kept it in
     * a compaction's {@code staging-location}, beside a compaction's empty plan, and still read.
     */
    @Test
    void testGoldenFilesOfABackup()
            throws Exception
    {
        OperationRecord expected = new OperationRecord("20261124_081500_5b2e9f10", OperationKind.BACKUP, new TableReference("demo", "events"), "alice",
                OperationState.RUNNING, Instant.parse("2026-11-24T08:15:00Z"), Optional.empty(), Optional.empty(), "copying 3 files", Optional.empty(), Optional.empty(),
                new BackupDetails("s3://lake/repository/backups/events_1/manifest.json"));
        assertReadAndWritten("journal-v1-backup.json", expected);
        assertThat(OperationRecordCodec.fromJson(resource("journal-v1-backup-before-details.json"))).isEqualTo(expected);
    }

    /**
     * A rollback, cleanup or recover has no details; journals written before gave it a compaction's empty plan.
     */
    @Test
    void testReadsACleanupWrittenBeforeDetails()
            throws Exception
    {
        OperationRecord cleanup = OperationRecordCodec.fromJson(resource("journal-v1-cleanup-before-details.json"));
        assertThat(cleanup).isEqualTo(new OperationRecord("20261201_090000_0c4d7a21", OperationKind.CLEANUP, new TableReference("demo", "events"), "alice",
                OperationState.SUCCEEDED, Instant.parse("2026-12-01T09:00:00Z"), Optional.of(Instant.parse("2026-12-01T09:00:02Z")), Optional.of("20261123_231512_3f9a0c1d"),
                "deleted 2 original files (30 bytes) of compaction 20261123_231512_3f9a0c1d", Optional.empty(), Optional.empty(), OperationDetails.NONE));
        JsonNode rewritten = MAPPER.readTree(OperationRecordCodec.toJson(cleanup));
        assertThat(rewritten.has("partitions")).isFalse();
        assertThat(rewritten.has("partitions-considered")).isFalse();
    }

    private static void assertReadAndWritten(String name, OperationRecord expected)
            throws Exception
    {
        byte[] golden = resource(name);
        assertThat(OperationRecordCodec.fromJson(golden)).isEqualTo(expected);
        assertThat(MAPPER.readTree(OperationRecordCodec.toJson(expected))).isEqualTo(MAPPER.readTree(golden));
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
