package io.dredge.hive.hook;

import org.apache.hadoop.hive.ql.hooks.ExecuteWithHookContext;
import org.apache.hadoop.hive.ql.hooks.HookContext;

/**
 * A pre-execution hook for the HiveServer2 tests: fails every statement of a session that has set
 * {@value #FAILURE_MESSAGE} (the message it fails with), and lets every other statement run. It shows what a client
 * sees when one of Dredge's hooks refuses a statement.
 */
public class FailingPreHook
        implements ExecuteWithHookContext
{
    public static final String FAILURE_MESSAGE = "dredge.test.pre-hook.failure";

    @Override
    public void run(HookContext hookContext)
    {
        String message = hookContext.getConf().get(FAILURE_MESSAGE);
        if (message != null && !message.isEmpty()) {
            throw new IllegalStateException(message);
        }
    }
}
