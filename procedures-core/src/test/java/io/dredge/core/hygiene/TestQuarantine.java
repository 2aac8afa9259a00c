package io.dredge.core.hygiene;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestQuarantine
{
    @Test
    void testParksOnlyWhereAMoveIsARenameOutsideTheTable()
    {
        assertThat(Quarantine.movesByRenaming("hdfs://nn:8020/lake/s/t", "hdfs://nn:8020/lake/s/.dredge/quarantine")).isTrue();
        assertThat(Quarantine.movesByRenaming("file:/lake/s/t", "local:///lake/s/.dredge/quarantine")).isTrue();
        // a move would copy every byte
        assertThat(Quarantine.movesByRenaming("s3://bucket/s/t", "s3://bucket/s/.dredge/quarantine")).isFalse();
        assertThat(Quarantine.movesByRenaming("hdfs://nn:8020/lake/s/t", "hdfs://other:8020/lake/s/.dredge/quarantine")).isFalse();
        // inside the table (a schema without a location): parked files would look like the table's own orphans
        assertThat(Quarantine.movesByRenaming("hdfs://nn:8020/lake/s/t", "hdfs://nn:8020/lake/s/t/.dredge/quarantine")).isFalse();
    }
}
