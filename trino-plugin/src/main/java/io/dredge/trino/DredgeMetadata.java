package io.dredge.trino;

import com.google.common.collect.ImmutableList;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorSession;

import java.util.List;

/**
 * The dredge catalog holds no tables of its own: only the {@code system} schema with its system tables
 * and procedures.
 */
public class DredgeMetadata
        implements ConnectorMetadata
{
    public static final String SYSTEM_SCHEMA = "system";

    @Override
    public List<String> listSchemaNames(ConnectorSession session)
    {
        return ImmutableList.of(SYSTEM_SCHEMA);
    }
}
