package io.dredge.trino;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.ProtocolStep;
import io.trino.plugin.base.session.SessionPropertiesProvider;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.session.PropertyMetadata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.trino.spi.StandardErrorCode.INVALID_SESSION_PROPERTY;
import static io.trino.spi.session.PropertyMetadata.stringProperty;

/**
 * The catalog's session properties: only the test-only fault injection ones, registered when
 * {@code dredge.testing.fault-injection-enabled} is set, so that no user of a real catalog can stop or hold an
 * operation on purpose.
 */
public final class DredgeSessionProperties
        implements SessionPropertiesProvider
{
    /**
     * Test-only: {@code STEP} or {@code STEP:k} stops the protocol as a crash would after the k-th time it
     * reaches that step (see {@link ProtocolStep}). Hidden from {@code SHOW SESSION}.
     */
    public static final String TESTING_FAIL_AFTER = "testing_fail_after";
    /**
     * Test-only: {@code STEP:seconds} makes the protocol wait after the first time it reaches that step.
     */
    public static final String TESTING_PAUSE_AFTER = "testing_pause_after";

    private final boolean faultInjectionEnabled;
    private final List<PropertyMetadata<?>> sessionProperties;

    @Inject
    public DredgeSessionProperties(DredgeConfig config)
    {
        this.faultInjectionEnabled = config.isFaultInjectionEnabled();
        this.sessionProperties = faultInjectionEnabled
                ? ImmutableList.of(
                        stringProperty(TESTING_FAIL_AFTER, "Test only: stop compaction after this protocol step", "", DredgeSessionProperties::parseFault, true),
                        stringProperty(TESTING_PAUSE_AFTER, "Test only: pause compaction after this protocol step", "", DredgeSessionProperties::parsePause, true))
                : ImmutableList.of();
    }

    @Override
    public List<PropertyMetadata<?>> getSessionProperties()
    {
        return sessionProperties;
    }

    /**
     * The faults the session asks for; none where fault injection is off (the properties do not exist then).
     */
    public FaultInjector faultInjector(ConnectorSession session)
    {
        if (!faultInjectionEnabled) {
            return FaultInjector.NONE;
        }
        FaultInjector fault = parseFault(session.getProperty(TESTING_FAIL_AFTER, String.class));
        FaultInjector pause = parsePause(session.getProperty(TESTING_PAUSE_AFTER, String.class));
        return (step, count) -> {
            pause.reached(step, count);
            fault.reached(step, count);
        };
    }

    private static FaultInjector parsePause(String value)
    {
        if (value.isEmpty()) {
            return FaultInjector.NONE;
        }
        // STEP:seconds[:release file]
        String[] parts = value.split(":", 3);
        try {
            return FaultInjector.pauseAt(
                    ProtocolStep.valueOf(parts[0].trim().toUpperCase(Locale.ROOT)),
                    Duration.ofSeconds(Long.parseLong(parts[1].trim())),
                    parts.length == 3 ? Optional.of(Path.of(parts[2])) : Optional.empty());
        }
        catch (RuntimeException e) {
            throw new TrinoException(INVALID_SESSION_PROPERTY, "%s must be STEP:seconds[:release file] with STEP one of %s: %s".formatted(TESTING_PAUSE_AFTER, List.of(ProtocolStep.values()), value));
        }
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
