package io.dredge.it;

import io.trino.metastore.HiveMetastore;
import io.trino.metastore.HiveMetastoreFactory;
import io.trino.metastore.Table;
import io.trino.plugin.hive.HiveConnector;
import io.trino.testing.DistributedQueryRunner;

import java.util.Map;
import java.util.Optional;

import static io.trino.plugin.hive.metastore.MetastoreUtil.buildInitialPrivilegeSet;

/**
 * Insert-only ACID tables as Hive makes them: Trino creates only full ACID tables, which a thrift metastore cannot
 * validate without Hive's ORC classes, so a plain table is marked transactional through the metastore.
 */
final class AcidTables
{
    private AcidTables() {}

    static void markInsertOnlyAcid(DistributedQueryRunner queryRunner, String schema, String table)
    {
        HiveMetastore hiveMetastore = ((HiveConnector) queryRunner.getCoordinator().getConnector("hive")).getInjector()
                .getInstance(HiveMetastoreFactory.class)
                .createMetastore(Optional.empty());
        Table plain = hiveMetastore.getTable(schema, table).orElseThrow();
        hiveMetastore.replaceTable(schema, table, Table.builder(plain)
                        .setParameter("transactional", "true")
                        .setParameter("transactional_properties", "insert_only")
                        .build(),
                buildInitialPrivilegeSet(plain.getOwner().orElseThrow()),
                Map.of());
    }
}
