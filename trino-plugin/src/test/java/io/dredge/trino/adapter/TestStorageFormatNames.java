package io.dredge.trino.adapter;

import io.trino.metastore.StorageFormat;
import io.trino.plugin.hive.HiveStorageFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

public class TestStorageFormatNames
{
    @Test
    public void testEveryFormatTrinoKnowsHasTrinosName()
    {
        // the Hive side names formats with the core's table: both reports must agree with Trino's own names
        for (HiveStorageFormat format : HiveStorageFormat.values()) {
            assertThat(TrinoMetastore.storageFormatName(StorageFormat.create(format.getSerde(), format.getInputFormat(), format.getOutputFormat()))).isEqualTo(format.name());
        }
        assertThat(TrinoMetastore.storageFormatName(StorageFormat.create("x.Serde", "x.InputFormat", "x.OutputFormat"))).isEqualTo("x.InputFormat");
        assertThat(TrinoMetastore.storageFormatName(StorageFormat.createNullable(null, null, null))).isEqualTo("UNKNOWN");
    }
}
