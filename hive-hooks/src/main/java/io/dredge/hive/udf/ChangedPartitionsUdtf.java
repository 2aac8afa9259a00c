package io.dredge.hive.udf;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.DredgeException;
import io.dredge.core.changes.ChangeStart;
import io.dredge.core.changes.ChangedPartitions;
import io.dredge.core.changes.PartitionChange;
import io.dredge.core.changes.PartitionFilter;
import io.dredge.core.changes.ResumeToken;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import io.dredge.hive.adapter.HiveMaintenance;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.common.type.Timestamp;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorFactory;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaTimestampObjectInspector;

/**
 * {@code dredge_changed_partitions(schema, table, since)}: as Trino's {@code changed_partitions}, one row per partition
 * whose rows changed after the point, from the same core and the same checkpoints, so a token of either engine's
 * answer resumes in the other. {@code since} is a snapshot id (digits), a time ({@code 2026-11-29 00:00:00}, UTC
 * unless it names its offset, or {@code 2026-11-29}), or a resume token. The partition's values are in its name.
 */
@Description(
        name = "dredge_changed_partitions",
        value = "_FUNC_(schema, table, since) - a row per partition whose rows changed after since (a snapshot id, a time in UTC, or a resume token), maintenance rewrites left out")
public class ChangedPartitionsUdtf
        extends DredgeTableFunction
{
    private static final Pattern SNAPSHOT = Pattern.compile("-?\\d+");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]");

    public ChangedPartitionsUdtf()
    {
        super("dredge_changed_partitions", List.of("schema", "table", "since"), 3);
    }

    @Override
    boolean sessionOnly()
    {
        // it keeps a checkpoint of a Hive table's files, and asks the session's authorizer whether the user may read it
        return true;
    }

    @Override
    Map<String, ObjectInspector> columns()
    {
        return ImmutableMap.<String, ObjectInspector>builder()
                .put("partition_name", javaStringObjectInspector)
                .put("change_kinds", ObjectInspectorFactory.getStandardListObjectInspector(javaStringObjectInspector))
                .put("rows_added", javaLongObjectInspector)
                .put("rows_removed", javaLongObjectInspector)
                .put("files_added", javaLongObjectInspector)
                .put("files_removed", javaLongObjectInspector)
                .put("first_changed_at", javaTimestampObjectInspector)
                .put("last_changed_at", javaTimestampObjectInspector)
                .put("resume_token", javaStringObjectInspector)
                .buildOrThrow();
    }

    @Override
    List<Object[]> rows(HivePorts ports, List<Optional<String>> values, Map<String, String> options)
            throws HiveException
    {
        TableReference table = new TableReference(MaintenanceFunction.identifier(values.get(0)), MaintenanceFunction.identifier(values.get(1)));
        ChangeStart start = start(values.get(2).orElseThrow().strip());
        HiveAuthorization.requireRead(table);
        MaintenanceContext context = HiveMaintenance.context(ports, user());
        ChangedPartitions.Plan plan = ChangedPartitions.plan(context, table, start);
        String token = plan.range().resumeToken().encode();
        return ChangedPartitions.changes(context, plan, PartitionFilter.ALL).stream()
                .map(change -> row(change, token))
                .collect(toImmutableList());
    }

    static ChangeStart start(String since)
    {
        if (SNAPSHOT.matcher(since).matches()) {
            return new ChangeStart.AfterSnapshot(Long.parseLong(since));
        }
        if (TIME.matcher(since).matches()) {
            return new ChangeStart.AfterTime(time(since));
        }
        return new ChangeStart.AfterToken(ResumeToken.decode(since));
    }

    private static Instant time(String text)
    {
        try {
            return Instant.parse(text);
        }
        catch (DateTimeParseException ignored) {
            // not an instant with its offset: a time in UTC, or a day
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC) : LocalDateTime.parse(text, LOCAL_TIME).toInstant(ZoneOffset.UTC);
        }
        catch (DateTimeParseException e) {
            throw new DredgeException(INVALID_ARGUMENT, "dredge_changed_partitions: since '%s' is not a snapshot id, a time (2026-11-29 00:00:00, in UTC) or a resume token".formatted(text));
        }
    }

    private static Object[] row(PartitionChange change, String token)
    {
        return new Object[] {
                change.partitionName(),
                change.kinds().stream().map(Enum::name).collect(toImmutableList()),
                count(change.rowsAdded()),
                count(change.rowsRemoved()),
                change.filesAdded(),
                change.filesRemoved(),
                Timestamp.ofEpochMilli(change.firstChangedAt().toEpochMilli()),
                Timestamp.ofEpochMilli(change.lastChangedAt().toEpochMilli()),
                token};
    }

    private static Long count(OptionalLong count)
    {
        return count.isPresent() ? count.getAsLong() : null;
    }
}
