package io.dredge.trino;

import com.google.common.collect.ImmutableList;
import io.dredge.core.compaction.FaultInjector;
import io.dredge.core.compaction.ProtocolStep;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.session.PropertyMetadata;

import java.util.List;
import java.util.Locale;

import static io.trino.spi.StandardErrorCode.INVALID_SESSION_PROPERTY;
import static io.trino.spi.session.PropertyMetadata.stringProperty;

public final class DredgeSessionProperties
{
    /**
     * Test-only: {@code STEP} or {@code STEP:k} stops the protocol as a crash would after the k-th time it
     * reaches that step (see {@link ProtocolStep}). Hidden from {@code SHOW SESSION}.
     */
    public static final String TESTING_FAIL_AFTER = "testing_fail_after";

    private DredgeSessionProperties() {}

    public static List<PropertyMetadata<?>> sessionProperties()
    {
        return ImmutableList.of(stringProperty(TESTING_FAIL_AFTER, "Test only: stop compaction after this protocol step", "", DredgeSessionProperties::parseFault, true));
    }

    public static FaultInjector faultInjector(ConnectorSession session)
    {
        String value = session.getProperty(TESTING_FAIL_AFTER, String.class);
        return value.isEmpty() ? FaultInjector.NONE : parseFault(value);
    }

    private static FaultInjector parseFault(String value)
    {
        if (value.isEmpty()) {
            return FaultInjector.NONE;
        }
        String[] parts = value.split(":", 2);
        try {
            return FaultInjector.failAt(ProtocolStep.valueOf(parts[0].trim().toUpperCase(Locale.ROOT)), parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 1);
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(INVALID_SESSION_PROPERTY, "%s must be STEP or STEP:count with STEP one of %s: %s".formatted(TESTING_FAIL_AFTER, List.of(ProtocolStep.values()), value));
        }
    }
}
