package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.slice.Slice;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.function.table.AbstractConnectorTableFunction;
import io.trino.spi.function.table.Argument;
import io.trino.spi.function.table.ReturnTypeSpecification.DescribedTable;
import io.trino.spi.function.table.ScalarArgument;
import io.trino.spi.function.table.ScalarArgumentSpecification;
import io.trino.spi.function.table.TableFunctionAnalysis;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Map;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.trino.spi.StandardErrorCode.INVALID_FUNCTION_ARGUMENT;
import static io.trino.spi.function.table.Descriptor.descriptor;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code TABLE(system.copy_files(plan => '...'))}: copies the files a Dredge plan lists on the cluster's workers, one
 * row per file copied. Backups query it so that Trino schedules the copies like a scan.
 */
public class CopyFilesFunction
        extends AbstractConnectorTableFunction
{
    public static final String NAME = "copy_files";
    public static final String PLAN_ARGUMENT = "PLAN";
    public static final List<String> COLUMN_NAMES = ImmutableList.of("target", "size_bytes", "crc32c", "node", "row_count");
    public static final List<Type> COLUMN_TYPES = ImmutableList.of(VARCHAR, BIGINT, BIGINT, VARCHAR, BIGINT);

    private final CopyPlanReader planReader;

    @Inject
    public CopyFilesFunction(CopyPlanReader planReader)
    {
        super(
                SYSTEM_SCHEMA,
                NAME,
                ImmutableList.of(ScalarArgumentSpecification.builder()
                        .name(PLAN_ARGUMENT)
                        .type(VARCHAR)
                        .build()),
                new DescribedTable(descriptor(COLUMN_NAMES, COLUMN_TYPES)),
                "Copies the files of a plan that a Dredge procedure wrote, on the cluster's workers");
        this.planReader = requireNonNull(planReader, "planReader is null");
    }

    @Override
    public TableFunctionAnalysis analyze(ConnectorSession session, ConnectorTransactionHandle transaction, Map<String, Argument> arguments, ConnectorAccessControl accessControl)
    {
        Object value = ((ScalarArgument) arguments.get(PLAN_ARGUMENT)).getValue();
        if (value == null) {
            throw new TrinoException(INVALID_FUNCTION_ARGUMENT, "plan is null");
        }
        String planLocation = ((Slice) value).toStringUtf8();
        // read and check it now, so that a bad plan fails the statement before anything is scheduled
        planReader.read(session, planLocation);
        return TableFunctionAnalysis.builder()
                .handle(new CopyFilesHandle(planLocation))
                .build();
    }
}
