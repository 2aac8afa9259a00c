package io.dredge.trino.changes;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.slice.Slice;
import io.dredge.core.changes.ChangeStart;
import io.dredge.core.changes.ChangedPartitions;
import io.dredge.core.changes.ResumeToken;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.function.table.AbstractConnectorTableFunction;
import io.trino.spi.function.table.Argument;
import io.trino.spi.function.table.ScalarArgument;
import io.trino.spi.function.table.ScalarArgumentSpecification;
import io.trino.spi.function.table.TableFunctionAnalysis;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.trino.spi.StandardErrorCode.INVALID_FUNCTION_ARGUMENT;
import static io.trino.spi.function.table.ReturnTypeSpecification.GenericTable.GENERIC_TABLE;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.unpackMillisUtc;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code TABLE(dredge.system.changed_partitions(schema_name => ..., table_name => ..., since_snapshot | since |
 * since_token => ...))}: one row per partition whose rows changed after the point, with a resume token for the next
 * call. Analysing the call checks that the caller may read the table and fixes the range: an Iceberg table's at its
 * current snapshot, a Hive table's at the checkpoint the answer will take. The engine then scans the call as a table
 * ({@link ChangedPartitionsScan}), and a worker reads the changes.
 */
public class ChangedPartitionsFunction
        extends AbstractConnectorTableFunction
{
    public static final String NAME = "changed_partitions";

    private final DredgeMaintenance maintenance;

    @Inject
    public ChangedPartitionsFunction(DredgeMaintenance maintenance)
    {
        super(
                SYSTEM_SCHEMA,
                NAME,
                ImmutableList.of(
                        ScalarArgumentSpecification.builder().name("SCHEMA_NAME").type(VARCHAR).build(),
                        ScalarArgumentSpecification.builder().name("TABLE_NAME").type(VARCHAR).build(),
                        ScalarArgumentSpecification.builder().name("SINCE_SNAPSHOT").type(BIGINT).defaultValue(null).build(),
                        ScalarArgumentSpecification.builder().name("SINCE").type(TIMESTAMP_TZ_MILLIS).defaultValue(null).build(),
                        ScalarArgumentSpecification.builder().name("SINCE_TOKEN").type(VARCHAR).defaultValue(null).build()),
                GENERIC_TABLE,
                "The partitions of an Iceberg or Hive table whose rows changed after a snapshot, a time or an earlier answer, maintenance rewrites left out");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public TableFunctionAnalysis analyze(ConnectorSession session, ConnectorTransactionHandle transaction, Map<String, Argument> arguments, ConnectorAccessControl accessControl)
    {
        TableReference table = new TableReference(requiredText(arguments, "SCHEMA_NAME"), requiredText(arguments, "TABLE_NAME"));
        ChangeStart start = start(arguments);
        ChangedPartitions.Plan plan = DredgeMaintenance.run(() -> ChangedPartitions.plan(maintenance.readingContext(session), table, start));
        return TableFunctionAnalysis.builder()
                .returnedType(new ChangedPartitionsColumns(plan.partitionColumns()).descriptor())
                .handle(ChangedPartitionsHandle.of(plan))
                .build();
    }

    private static ChangeStart start(Map<String, Argument> arguments)
    {
        Optional<Object> snapshot = value(arguments, "SINCE_SNAPSHOT");
        Optional<Object> time = value(arguments, "SINCE");
        Optional<Object> token = value(arguments, "SINCE_TOKEN");
        if (Stream.of(snapshot, time, token).filter(Optional::isPresent).count() != 1) {
            throw new TrinoException(INVALID_FUNCTION_ARGUMENT, "give exactly one of since_snapshot, since and since_token");
        }
        if (snapshot.isPresent()) {
            return new ChangeStart.AfterSnapshot((Long) snapshot.get());
        }
        if (time.isPresent()) {
            return new ChangeStart.AfterTime(Instant.ofEpochMilli(unpackMillisUtc((Long) time.get())));
        }
        return new ChangeStart.AfterToken(DredgeMaintenance.run(() -> ResumeToken.decode(((Slice) token.get()).toStringUtf8())));
    }

    private static String requiredText(Map<String, Argument> arguments, String name)
    {
        return value(arguments, name)
                .map(value -> ((Slice) value).toStringUtf8())
                .filter(text -> !text.isBlank())
                .orElseThrow(() -> new TrinoException(INVALID_FUNCTION_ARGUMENT, "%s must be given".formatted(name.toLowerCase(Locale.ROOT))));
    }

    private static Optional<Object> value(Map<String, Argument> arguments, String name)
    {
        return Optional.ofNullable(((ScalarArgument) arguments.get(name)).getValue());
    }
}
