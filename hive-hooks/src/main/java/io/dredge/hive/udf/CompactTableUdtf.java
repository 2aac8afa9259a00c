package io.dredge.hive.udf;

import io.dredge.core.DredgeException;
import io.dredge.core.Units;
import io.dredge.core.compaction.Compaction;
import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.Verification;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * {@code dredge_compact_table(schema, table [, options])}: the safe compaction protocol of Trino's
 * {@code compact_table}, with Hive rewriting the data; the options are that procedure's arguments by name.
 */
@Description(
        name = "dredge_compact_table",
        value = "_FUNC_(schema, table [, map(option, value)]) - compacts a Hive table's small files safely; options: partition_filter, target_file_size, compaction_ratio_threshold, verify (checksum or count), dry_run")
public class CompactTableUdtf
        extends MaintenanceFunction
{
    private static final String FUNCTION = "dredge_compact_table";
    private static final Set<String> OPTIONS = Set.of("partition_filter", "target_file_size", "compaction_ratio_threshold", "verify", "dry_run");

    public CompactTableUdtf()
    {
        super(FUNCTION, List.of("schema", "table", DredgeTableFunction.OPTIONS), 2);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        requireKnownOptions(FUNCTION, options, OPTIONS);
        CompactionOptions compaction = new CompactionOptions(
                Optional.ofNullable(options.get("partition_filter")),
                policy(Optional.ofNullable(options.get("target_file_size")), Optional.ofNullable(options.get("compaction_ratio_threshold"))),
                Optional.ofNullable(options.get("verify")).map(Verification::parse).orElse(Verification.CHECKSUM),
                booleanOption(options, "dry_run", false));
        TableReference table = new TableReference(identifier(values.get(0)), identifier(values.get(1)));
        HiveAuthorization.requireWrite(table);
        return List.of(new Compaction(context).compact(table, compaction));
    }

    private static SmallFilePolicy policy(Optional<String> targetFileSize, Optional<String> ratio)
    {
        double threshold;
        try {
            threshold = ratio.map(value -> Double.parseDouble(value.strip())).orElse(SmallFilePolicy.DEFAULT_COMPACTION_RATIO_THRESHOLD);
        }
        catch (NumberFormatException e) {
            throw new DredgeException(INVALID_ARGUMENT, "compaction_ratio_threshold must be a number: '%s'".formatted(ratio.orElseThrow()));
        }
        try {
            return new SmallFilePolicy(targetFileSize.map(size -> Units.bytes(size, "target_file_size")).orElse(SmallFilePolicy.DEFAULT_TARGET_FILE_SIZE_BYTES), threshold);
        }
        catch (IllegalArgumentException e) {
            throw new DredgeException(INVALID_ARGUMENT, e.getMessage(), e);
        }
    }
}
