package io.dredge.hive.udf;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.util.concurrent.MoreExecutors;
import io.dredge.core.DredgeException;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.Metastore;
import io.dredge.core.report.SmallFileReport;
import io.dredge.core.report.SmallFileReportRow;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaDoubleObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;

/**
 * {@code dredge_small_file_report(schema [, table [, target_file_size_bytes, compaction_ratio_threshold]])}: the rows
 * and columns of Trino's {@code dredge.system.small_file_report} for the tables of one schema (or one table), from the
 * same metastore and files, read as the calling Hive session reads them.
 */
@Description(
        name = "dredge_small_file_report",
        value = "_FUNC_(schema [, table [, target_file_size_bytes, compaction_ratio_threshold]]) - a row per table and partition: file counts, sizes and whether it needs compaction")
public class SmallFileReportUdtf
        extends DredgeTableFunction
{
    private static final int LISTING_THREADS = 8;

    public SmallFileReportUdtf()
    {
        super("dredge_small_file_report", List.of("schema", "table", "target_file_size_bytes", "compaction_ratio_threshold"), 1);
    }

    @Override
    Map<String, ObjectInspector> columns()
    {
        return ImmutableMap.<String, ObjectInspector>builder()
                .put("catalog_name", javaStringObjectInspector)
                .put("schema_name", javaStringObjectInspector)
                .put("table_name", javaStringObjectInspector)
                .put("partition_name", javaStringObjectInspector)
                .put("table_type", javaStringObjectInspector)
                .put("file_format", javaStringObjectInspector)
                .put("file_count", javaLongObjectInspector)
                .put("total_bytes", javaLongObjectInspector)
                .put("avg_file_bytes", javaLongObjectInspector)
                .put("small_file_count", javaLongObjectInspector)
                .put("ideal_file_count", javaLongObjectInspector)
                .put("compaction_ratio", javaDoubleObjectInspector)
                .put("status", javaStringObjectInspector)
                .put("recommended_action", javaStringObjectInspector)
                .buildOrThrow();
    }

    @Override
    List<Object[]> rows(HivePorts ports, List<Optional<String>> arguments, Map<String, String> options)
            throws HiveException
    {
        SmallFilePolicy policy = policy(arguments.get(2), arguments.get(3));
        String catalog = ports.catalogName();
        return readReport(ports.metastore(), ports.fileStore(), arguments.get(0).orElseThrow(), arguments.get(1), (report, tables) -> {
            ImmutableList.Builder<Object[]> rows = ImmutableList.builder();
            for (SmallFileReportRow row : report.rows(tables, policy)) {
                rows.add(row.values(catalog));
            }
            return rows.build();
        });
    }

    /**
     * What {@code reading} makes of the report over the tables of one schema (or one table), in name order, as
     * {@code metastore} and {@code fileStore} read them; a schema or table that does not exist, or a view, fails.
     */
    static <T> T readReport(Metastore metastore, FileStore fileStore, String schema, Optional<String> table, BiFunction<SmallFileReport, List<TableReference>, T> reading)
    {
        if (!metastore.schemaExists(schema)) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(schema));
        }
        if (table.isPresent()) {
            TableReference reference = new TableReference(schema, table.get());
            TableDescriptor descriptor = metastore.getTable(reference)
                    .orElseThrow(() -> new DredgeException(NOT_FOUND, "table %s does not exist".formatted(reference)));
            if (descriptor.view()) {
                throw new DredgeException(INVALID_ARGUMENT, "%s is a view: it has no files to report".formatted(reference));
            }
        }
        ExecutorService listing = Executors.newFixedThreadPool(LISTING_THREADS);
        try {
            // Hive's metastore client serves one call at a time: metastore reads stay on this thread
            SmallFileReport report = new SmallFileReport(metastore, fileStore, listing, MoreExecutors.directExecutor());
            List<TableReference> tables = report.tables(Optional.of(Set.of(schema)), table.map(Set::of)).stream()
                    .sorted((left, right) -> left.toString().compareTo(right.toString()))
                    .toList();
            return reading.apply(report, tables);
        }
        finally {
            listing.shutdownNow();
        }
    }

    private static SmallFilePolicy policy(Optional<String> targetFileSize, Optional<String> ratio)
            throws HiveException
    {
        if (targetFileSize.isEmpty() && ratio.isEmpty()) {
            return SmallFilePolicy.DEFAULT;
        }
        try {
            return new SmallFilePolicy(
                    targetFileSize.map(Long::parseLong).orElse(SmallFilePolicy.DEFAULT_TARGET_FILE_SIZE_BYTES),
                    ratio.map(Double::parseDouble).orElse(SmallFilePolicy.DEFAULT_COMPACTION_RATIO_THRESHOLD));
        }
        catch (IllegalArgumentException e) {
            throw new HiveException("dredge_small_file_report: " + e.getMessage());
        }
    }
}
