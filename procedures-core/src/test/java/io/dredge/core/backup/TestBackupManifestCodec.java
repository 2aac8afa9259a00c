package io.dredge.core.backup;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.DredgeException;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestBackupManifestCodec
{
    private static final String ORC_INPUT = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat";
    private static final String ORC_OUTPUT = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat";
    private static final String ORC_SERDE = "org.apache.hadoop.hive.ql.io.orc.OrcSerde";

    private static final BackupManifest MANIFEST = new BackupManifest(
            1,
            "events_nightly",
            BackupState.COMPLETE,
            "s3://backups/lake",
            "hive",
            new TableReference("demo", "events"),
            TableType.HIVE,
            "s3://lake/demo/events",
            Instant.parse("2026-11-30T21:00:00Z"),
            "alice",
            Optional.empty(),
            Optional.of(new HiveTableDefinition(
                    List.of(new HiveColumn("id", "bigint", Optional.of("the id")), new HiveColumn("payload", "string", Optional.empty())),
                    List.of(new HiveColumn("day", "string", Optional.empty())),
                    new HiveStorage(ORC_INPUT, ORC_OUTPUT, ORC_SERDE, Map.of("serialization.format", "1"),
                            Optional.of(new HiveStorage.Bucketing(List.of("id"), 4, List.of(new HiveStorage.SortColumn("payload", false))))),
                    Map.of("comment", "events"),
                    true)),
            List.of(new BackupPartition(
                    new HivePartitionDefinition("day=2024-01-01", List.of("2024-01-01"), List.of(new HiveColumn("id", "bigint", Optional.empty())),
                            new HiveStorage(ORC_INPUT, ORC_OUTPUT, ORC_SERDE, ImmutableMap.of(), Optional.empty()), ImmutableMap.of()),
                    "day=2024-01-01",
                    2,
                    "0a1b2c")),
            Optional.empty(),
            List.of(
                    new BackupFile("day=2024-01-01/000000_0", "tables/demo/events/day=2024-01-01/000000_0", 120, "00ab12ef", true),
                    new BackupFile("day=2024-01-01/000001_0", "tables/demo/events/day=2024-01-01/000001_0@events_weekly", 80, "ffffffff", false)),
            2,
            Optional.empty(),
            BackupVerification.ROWS,
            Optional.empty());

    @Test
    public void testReadsTheVersionOneFormat()
            throws IOException
    {
        assertThat(BackupManifestCodec.fromJson(golden())).isEqualTo(MANIFEST);
    }

    @Test
    public void testRoundTrip()
    {
        assertThat(BackupManifestCodec.fromJson(BackupManifestCodec.toJson(MANIFEST))).isEqualTo(MANIFEST);
        BackupManifest failed = MANIFEST.withState(BackupState.FAILED, Optional.of("interrupted"));
        assertThat(BackupManifestCodec.fromJson(BackupManifestCodec.toJson(failed))).isEqualTo(failed);
        BackupManifest byFiles = new BackupManifest(BackupManifest.CURRENT_FORMAT_VERSION, MANIFEST.name(), MANIFEST.state(), MANIFEST.repository(), MANIFEST.sourceCatalog(),
                MANIFEST.sourceTable(), MANIFEST.tableType(), MANIFEST.sourceLocation(), MANIFEST.createdAt(), MANIFEST.user(), MANIFEST.snapshotId(), MANIFEST.hiveTable(),
                MANIFEST.partitions(), MANIFEST.icebergMetadata(), MANIFEST.files(), MANIFEST.rows(), MANIFEST.rowChecksum(), BackupVerification.FILES, Optional.empty());
        assertThat(BackupManifestCodec.fromJson(BackupManifestCodec.toJson(byFiles))).isEqualTo(byFiles);
        assertThat(MANIFEST.bytes()).isEqualTo(200);
        assertThat(MANIFEST.bytesCopied()).isEqualTo(120);
    }

    @Test
    public void testRefusesWhatItCannotRead()
            throws IOException
    {
        byte[] json = golden();
        assertThatThrownBy(() -> BackupManifestCodec.fromJson(Arrays.copyOf(json, json.length / 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a Dredge backup manifest (truncated or not JSON)");
        assertThatThrownBy(() -> BackupManifestCodec.fromJson(new String(json, UTF_8).replace("\"format-version\" : 1", "\"format-version\" : 3").getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backup manifest format version 3 is not one this Dredge reads (1 to 2)");
        // version 2 names its level
        assertThatThrownBy(() -> BackupManifestCodec.fromJson(new String(json, UTF_8).replace("\"format-version\" : 1", "\"format-version\" : 2").getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a valid Dredge backup manifest: backup manifest has no verification");
        assertThatThrownBy(() -> BackupManifestCodec.fromJson(new String(json, UTF_8).replace("\"crc32c\" : \"00ab12ef\"", "\"crc32c\" : \"xyz\"").getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid Dredge backup manifest");
        assertThatThrownBy(() -> BackupManifestCodec.fromJson(new String(json, UTF_8).replace("\"path\" : \"day=2024-01-01/000000_0\"", "\"path\" : \"../../etc/passwd\"").getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path is not relative: ../../etc/passwd");
        assertThatThrownBy(() -> BackupManifestCodec.fromJson("[]".getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Dredge backup manifest: empty, or not a JSON object");
    }

    @Test
    public void testRelativePathsAndNames()
    {
        assertThat(BackupFile.isRelative("day=a/file")).isTrue();
        assertThat(BackupFile.isRelative("metadata/00001-x.metadata.json")).isTrue();
        assertThat(BackupFile.isRelative("/etc/passwd")).isFalse();
        assertThat(BackupFile.isRelative("a/../b")).isFalse();
        assertThat(BackupFile.isRelative("a//b")).isFalse();
        assertThat(BackupFile.isRelative("s3://bucket/a")).isFalse();
        assertThat(BackupFile.isRelative("")).isFalse();
        assertThat(BackupRepository.requireValidName("events_2026-11-30.v1")).isEqualTo("events_2026-11-30.v1");
        for (String name : List.of("", "../x", "a/b", ".hidden", "a..b", "x".repeat(129), "a b", "a'b")) {
            assertThatThrownBy(() -> BackupRepository.requireValidName(name))
                    .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(DredgeException.Kind.INVALID_ARGUMENT));
        }
    }

    private static byte[] golden()
            throws IOException
    {
        try (InputStream input = requireNonNull(TestBackupManifestCodec.class.getResourceAsStream("manifest-v1.json"))) {
            return input.readAllBytes();
        }
    }
}
