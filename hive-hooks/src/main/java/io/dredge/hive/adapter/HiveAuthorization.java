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
        context.setCommandString("INSERT INTO %s SELECT * FROM %s (Dredge maintenance)".formatted(table, table));
        try {
            authorizer.checkPrivileges(
                    HiveOperationType.QUERY,
                    List.of(new HivePrivilegeObject(HivePrivilegeObjectType.TABLE_OR_VIEW, table.schemaName(), table.tableName())),
                    List.of(new HivePrivilegeObject(HivePrivilegeObjectType.TABLE_OR_VIEW, table.schemaName(), table.tableName(), HivePrivObjectActionType.INSERT)),
                    context.build());
        }
        catch (HiveAccessControlException | HiveAuthzPluginException e) {
            throw new DredgeException(ACCESS_DENIED, "user %s may not write %s: %s".formatted(session.getUserName(), table, e.getMessage()), e);
        }
    }
}
