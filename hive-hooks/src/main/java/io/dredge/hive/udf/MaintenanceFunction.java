package io.dredge.hive.udf;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveMaintenance;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Dredge maintenance function: runs one of the core's operations in this session's name and returns the
 * operations it recorded, as rows of {@code dredge_operations}. A failure is a {@link HiveException} with the message
 * Trino's procedure gives.
 */
abstract class MaintenanceFunction
        extends DredgeTableFunction
{
    private static final Logger log = LoggerFactory.getLogger(MaintenanceFunction.class);

    MaintenanceFunction(String name, List<String> arguments, int required)
    {
        super(name, arguments, required);
    }

    /**
     * Runs the operation; {@code values} as {@link DredgeTableFunction#rows} gives them.
     */
    abstract List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options);

    @Override
    final boolean sessionOnly()
    {
        return true;
    }

    @Override
    final Map<String, ObjectInspector> columns()
    {
        return OperationsUdtf.operationColumns();
    }

    @Override
    final List<Object[]> rows(HivePorts ports, List<Optional<String>> values, Map<String, String> options)
            throws HiveException
    {
        String user = user();
        List<OperationRecord> records = run(HiveMaintenance.context(ports, user), values, options);
        for (OperationRecord record : records) {
            log.info("{} {} by {}: operation {} {}: {}", name(), record.table(), user, record.id(), record.state(), record.step());
        }
        return records.stream().map(record -> OperationsUdtf.operationRow(record, ports.catalogName())).collect(ImmutableList.toImmutableList());
    }

    /**
     * A schema or table name as the metastore keeps it.
     */
    static String identifier(Optional<String> value)
    {
        return value.orElseThrow().strip().toLowerCase(Locale.ROOT);
    }

    /**
     * A true/false option, {@code defaultValue} when not given.
     */
    static boolean booleanOption(Map<String, String> options, String name, boolean defaultValue)
    {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new DredgeException(DredgeException.Kind.INVALID_ARGUMENT, "%s must be true or false: '%s'".formatted(name, value));
        };
    }

    static void requireKnownOptions(String function, Map<String, String> options, Set<String> known)
    {
        for (String option : options.keySet()) {
            if (!known.contains(option)) {
                throw new DredgeException(DredgeException.Kind.INVALID_ARGUMENT, "%s: unknown option '%s'; the options are %s".formatted(function, option, known.stream().sorted().toList()));
            }
        }
    }
}
