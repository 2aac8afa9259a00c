package io.dredge.hive.adapter;

import io.dredge.core.DredgeException;
import io.dredge.core.model.TableReference;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HiveAccessControlException;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HiveAuthorizer;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HiveAuthzContext;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HiveAuthzPluginException;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HiveOperationType;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HivePrivilegeObject;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HivePrivilegeObject.HivePrivObjectActionType;
import org.apache.hadoop.hive.ql.security.authorization.plugin.HivePrivilegeObject.HivePrivilegeObjectType;
import org.apache.hadoop.hive.ql.session.SessionState;

import java.util.List;

import static io.dredge.core.DredgeException.Kind.ACCESS_DENIED;

/**
 * What the session's authorizer (SQL standard authorization, Ranger: whatever HiveServer2 is configured with) says of
 * the calling user: a maintenance function changes a table's files and metadata through HiveServer2's own metastore
 * client, so the user must be allowed what an {@code INSERT INTO t SELECT * FROM t} of their own would need.
 */
public final class HiveAuthorization
{
    private HiveAuthorization() {}

    /**
     * Fails unless the session's user may read and insert into {@code table}; nothing to check when the session has
     * no authorization enabled.
     */
    public static void requireWrite(TableReference table)
    {
        check(HiveOperationType.QUERY,
                List.of(tableObject(table, HivePrivObjectActionType.OTHER)),
                List.of(tableObject(table, HivePrivObjectActionType.INSERT)),
                "write " + table,
                "INSERT INTO %s SELECT * FROM %s".formatted(table, table));
    }

    /**
     * Fails unless the session's user may read {@code table} (a backup copies all of it).
     */
    public static void requireRead(TableReference table)
    {
        check(HiveOperationType.QUERY, List.of(tableObject(table, HivePrivObjectActionType.OTHER)), List.of(), "read " + table, "SELECT * FROM " + table);
    }

    /**
     * Fails unless the session's user may create a table in {@code schema} (a restore creates one).
     */
    public static void requireCreateTable(String schema)
    {
        check(HiveOperationType.CREATETABLE, List.of(), List.of(new HivePrivilegeObject(HivePrivilegeObjectType.DATABASE, schema, null)), "create a table in " + schema, "CREATE TABLE " + schema + "...");
    }

    /**
     * Whether only the file system checks what this session's user may read: no authorizer, and statements that read
     * as the user ({@code hive.server2.enable.doAs}). Work that reads files as HiveServer2 itself, rather than through
     * a statement, would then read what the user may not.
     */
    public static boolean readsCheckedOnlyByFiles()
    {
        SessionState session = SessionState.get();
        return session != null && readsCheckedOnlyByFiles(session.getConf());
    }

    static boolean readsCheckedOnlyByFiles(HiveConf conf)
    {
        return !conf.getBoolVar(HiveConf.ConfVars.HIVE_AUTHORIZATION_ENABLED) && conf.getBoolVar(HiveConf.ConfVars.HIVE_SERVER2_ENABLE_DOAS);
    }

    private static HivePrivilegeObject tableObject(TableReference table, HivePrivObjectActionType action)
    {
        return new HivePrivilegeObject(HivePrivilegeObjectType.TABLE_OR_VIEW, table.schemaName(), table.tableName(), action);
    }

    private static void check(HiveOperationType operation, List<HivePrivilegeObject> inputs, List<HivePrivilegeObject> outputs, String action, String command)
    {
        SessionState session = SessionState.get();
        if (session == null || !session.getConf().getBoolVar(HiveConf.ConfVars.HIVE_AUTHORIZATION_ENABLED)) {
            return;
        }
        HiveAuthorizer authorizer = session.getAuthorizerV2();
        if (authorizer == null) {
            throw new DredgeException(ACCESS_DENIED, "Dredge's functions check access with Hive's authorization V2 (hive.security.authorization.manager); this session's authorization is the legacy one");
        }
        HiveAuthzContext.Builder context = new HiveAuthzContext.Builder();
        context.setUserIpAddress(session.getUserIpAddress());
        context.setCommandString(command + " (Dredge)");
        try {
            authorizer.checkPrivileges(operation, inputs, outputs, context.build());
        }
        catch (HiveAccessControlException | HiveAuthzPluginException e) {
            throw new DredgeException(ACCESS_DENIED, "user %s may not %s: %s".formatted(session.getUserName(), action, e.getMessage()), e);
        }
    }
}
