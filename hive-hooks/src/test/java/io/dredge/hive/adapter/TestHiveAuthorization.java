package io.dredge.hive.adapter;

import org.apache.hadoop.hive.conf.HiveConf;
import org.junit.jupiter.api.Test;

import static org.apache.hadoop.hive.conf.HiveConf.ConfVars.HIVE_AUTHORIZATION_ENABLED;
import static org.apache.hadoop.hive.conf.HiveConf.ConfVars.HIVE_SERVER2_ENABLE_DOAS;
import static org.assertj.core.api.Assertions.assertThat;

public class TestHiveAuthorization
{
    @Test
    public void testReadsAreCheckedOnlyByFilesUnderDoAsWithoutAnAuthorizer()
    {
        assertThat(HiveAuthorization.readsCheckedOnlyByFiles(conf(true, false))).isTrue();
        // an authorizer decides, or HiveServer2 reads as itself either way
        assertThat(HiveAuthorization.readsCheckedOnlyByFiles(conf(true, true))).isFalse();
        assertThat(HiveAuthorization.readsCheckedOnlyByFiles(conf(false, false))).isFalse();
        assertThat(HiveAuthorization.readsCheckedOnlyByFiles(conf(false, true))).isFalse();
    }

    private static HiveConf conf(boolean doAs, boolean authorization)
    {
        HiveConf conf = new HiveConf();
        conf.setBoolVar(HIVE_SERVER2_ENABLE_DOAS, doAs);
        conf.setBoolVar(HIVE_AUTHORIZATION_ENABLED, authorization);
        return conf;
    }
}
