package io.dredge.trino.copy;

import com.google.inject.Inject;
import io.dredge.core.files.FileCopy;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.filesystem.Location;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;

import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static io.dredge.trino.DredgeErrorCode.DREDGE_OPERATION_FAILED;
import static io.trino.spi.StandardErrorCode.INVALID_FUNCTION_ARGUMENT;
import static io.trino.spi.StandardErrorCode.NOT_FOUND;
import static io.trino.spi.StandardErrorCode.PERMISSION_DENIED;
import static java.util.Objects.requireNonNull;

/**
 * Reads and checks the plan of a {@code copy_files} call: the one place that decides whether a plan may run, used
 * both when the call is analysed and when its splits are made.
 */
public class CopyPlanReader
{
    private final TrinoPorts ports;
    private final CopyPlanCodec codec;

    @Inject
    public CopyPlanReader(TrinoPorts ports, CopyPlanCodec codec)
    {
        this.ports = requireNonNull(ports, "ports is null");
        this.codec = requireNonNull(codec, "codec is null");
    }

    /**
     * The plan at {@code planLocation}, read as the session's user, once it is known to be one this catalog signed
     * for that user, copying between absolute locations, each target once.
     */
    public CopyPlan read(ConnectorSession session, String planLocation)
    {
        if (!isAbsolute(planLocation)) {
            throw new TrinoException(INVALID_FUNCTION_ARGUMENT, "plan must be an absolute location (scheme://...): '%s'".formatted(planLocation));
        }
        Optional<byte[]> content;
        try {
            content = ports.fileStore(session.getIdentity()).readFile(planLocation);
        }
        catch (IOException e) {
            throw new TrinoException(DREDGE_OPERATION_FAILED, "cannot read copy plan %s: %s".formatted(planLocation, e.getMessage()), e);
        }
        if (content.isEmpty()) {
            throw new TrinoException(NOT_FOUND, "copy plan %s does not exist".formatted(planLocation));
        }
        CopyPlan plan;
        try {
            plan = codec.decode(content.get());
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(INVALID_FUNCTION_ARGUMENT, "copy plan %s is invalid: %s".formatted(planLocation, e.getMessage()), e);
        }
        if (!plan.user().equals(session.getUser())) {
            throw new TrinoException(PERMISSION_DENIED, "copy plan %s was written for another user than %s".formatted(planLocation, session.getUser()));
        }
        Set<String> targets = new HashSet<>();
        for (FileCopy copy : plan.copies()) {
            if (!isAbsolute(copy.source()) || !isAbsolute(copy.target())) {
                throw new TrinoException(INVALID_FUNCTION_ARGUMENT, "copy plan %s copies between locations that are not absolute: '%s' to '%s'".formatted(planLocation, copy.source(), copy.target()));
            }
            if (!targets.add(copy.target())) {
                throw new TrinoException(INVALID_FUNCTION_ARGUMENT, "copy plan %s copies to %s twice".formatted(planLocation, copy.target()));
            }
        }
        return plan;
    }

    /**
     * A location with a scheme and no {@code .} or {@code ..} segments: what the file system resolves the same way on
     * every node, and never outside the directory it names.
     */
    static boolean isAbsolute(String location)
    {
        if (location == null || location.isBlank()) {
            return false;
        }
        Location parsed;
        try {
            parsed = Location.of(location);
        }
        catch (IllegalArgumentException e) {
            return false;
        }
        if (parsed.scheme().isEmpty()) {
            return false;
        }
        for (String segment : parsed.path().split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
