package io.dredge.hive.adapter;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.files.LocalFileCopier;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.port.CallCancellation;
import org.apache.hadoop.hive.conf.HiveConf;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The core's {@link MaintenanceContext} for a Hive session: the session's metastore and file systems, and
 * HiveServer2 itself, reached over JDBC as the calling user, as the engine that rewrites the data.
 */
public final class HiveMaintenance
{
    /**
     * The JDBC URL through which the functions send their HiveQL; by default this HiveServer2's binary port on
     * localhost. The functions connect as the calling user without a password: a HiveServer2 that authenticates
     * (LDAP, Kerberos) needs a URL that does, for example with {@code principal=...;hive.server2.proxy.user=...}.
     */
    public static final String ENGINE_URL = "dredge.hive.jdbc-url";

    private HiveMaintenance() {}

    public static MaintenanceContext context(HivePorts ports, String user)
    {
        return new MaintenanceContext(
                ports.unfilteredMetastore(),
                ports.fileStore(),
                // the statement that called the function cancels its statements (see HiveCall); nothing cancels work of the hooks' own
                new HiveSqlEngine(engineUrl(ports.configuration()), user, ports.call().map(HiveCall::cancellation)
                        .orElseGet(() -> new CallCancellation(CallCancellation.Signal.NONE, HiveRuntime.get().cancellation()))),
                ports.journal(),
                HiveRuntime.get().locks(),
                Optional.empty(),
                Optional.empty(),
                user,
                (catalog, targetFileSizeBytes) -> writeSettings(targetFileSizeBytes),
                Clock.systemUTC(),
                ports.call().map(HiveCall::faults).orElse(FaultInjector.NONE),
                HiveRuntime.get().beside(),
                staging -> new LocalFileCopier(ports.fileStore(), HiveRuntime.get().beside()));
    }

    static String engineUrl(HiveConf configuration)
    {
        String url = configuration.get(ENGINE_URL);
        if (url != null && !url.isBlank()) {
            return url.strip();
        }
        return "jdbc:hive2://localhost:%s/default".formatted(configuration.getIntVar(HiveConf.ConfVars.HIVE_SERVER2_THRIFT_PORT));
    }

    /**
     * Hive combines small input files into splits (of its own maximum size), and merges the output files that still
     * come out small into files of the target size. Only settings that SQL standard authorization lets a session
     * change (its default whitelist): the split size is not one. The statistics of a rewrite are not kept: each
     * partition keeps its own through the swap.
     */
    private static Map<String, String> writeSettings(long targetFileSizeBytes)
    {
        String target = Long.toString(targetFileSizeBytes);
        return ImmutableMap.<String, String>builder()
                .put("hive.merge.mapfiles", "true")
                .put("hive.merge.mapredfiles", "true")
                .put("hive.merge.tezfiles", "true")
                .put("hive.merge.size.per.task", target)
                .put("hive.merge.smallfiles.avgsize", target)
                .put("hive.stats.autogather", "false")
                .put("hive.stats.column.autogather", "false")
                .buildOrThrow();
    }
}
