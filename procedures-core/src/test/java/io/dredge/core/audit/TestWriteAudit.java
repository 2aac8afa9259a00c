package io.dredge.core.audit;

import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.core.report.SmallFilePolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestWriteAudit
{
    @Test
    public void testFiguresStatusAndRoundTrip()
    {
        Map<Optional<String>, List<TableFile>> files = new LinkedHashMap<>();
        files.put(Optional.of("day=a"), List.of(new TableFile("file:/w/t/day=a/1", 10), new TableFile("file:/w/t/day=a/2", 20)));
        files.put(Optional.of("day=b"), List.of(new TableFile("file:/w/t/day=b/1", 1000)));
        WriteAudit audit = WriteAudit.of(new TableReference("demo", "events"), "hive_2026:1", "alice", Instant.parse("2026-11-30T12:00:00Z"), files, new SmallFilePolicy(1000, 10));
        assertThat(audit.written()).containsExactly(
                new WrittenFiles(Optional.of("day=a"), 2, 30, FileGroupStatus.NEEDS_COMPACTION),
                new WrittenFiles(Optional.of("day=b"), 1, 1000, FileGroupStatus.OK));
        assertThat(WriteAuditCodec.fromJson(WriteAuditCodec.toJson(audit))).isEqualTo(audit);
        // a query id names a file: nothing in it climbs out of the audit directory
        assertThat(audit.location("file:/w/demo/")).isEqualTo("file:/w/demo/.dredge/audit/events/2026-11-30/hive_2026_1.json");

        WriteAudit unpartitioned = WriteAudit.of(new TableReference("demo", "flat"), "q", "bob", Instant.EPOCH, Map.of(Optional.empty(), List.of()), SmallFilePolicy.DEFAULT);
        assertThat(WriteAuditCodec.fromJson(WriteAuditCodec.toJson(unpartitioned))).isEqualTo(unpartitioned);
    }

    @Test
    public void testDaysOlderThanTheRetentionExpire()
    {
        Instant now = Instant.parse("2026-11-30T23:59:00Z");
        assertThat(WriteAudit.expiredDays(List.of("2026-11-30", "2026-11-23", "2026-11-22", "2025-01-01", "not-a-day", "2026-13-01"), now, 7))
                .containsExactlyInAnyOrder("2026-11-22", "2025-01-01");
        assertThat(WriteAudit.expiredDays(List.of("2026-11-29"), now, 1)).isEmpty();
        assertThat(WriteAudit.expiredDays(List.of("2026-11-28"), now, 1)).containsExactly("2026-11-28");
    }

    @Test
    public void testUnknownVersionIsRefused()
    {
        assertThatThrownBy(() -> WriteAuditCodec.fromJson("{\"format-version\": 7}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .hasMessage("write audit format version 7 is not one this Dredge reads");
    }
}
