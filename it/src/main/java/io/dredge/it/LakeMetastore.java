package io.dredge.it;

import com.google.common.collect.ImmutableMap;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The metastore and warehouse that the hive, iceberg and dredge catalogs share: Trino's file metastore in a
 * local directory, or a real thrift metastore.
 */
public sealed interface LakeMetastore
{
    /**
     * Catalog properties that point a Trino connector (hive, iceberg or dredge) at this metastore.
     */
    Map<String, String> catalogProperties(String connector);

    /**
     * The local directory under which table data lives.
     */
    Path warehouse();

    /**
     * The properties every lake catalog shares, around what is particular to one kind of metastore:
     * {@code common} for all connectors, and the Iceberg catalog type or Hive metastore type.
     */
    private static Map<String, String> catalogProperties(String connector, Map<String, String> common, String icebergCatalogType, String hiveMetastoreType)
    {
        ImmutableMap.Builder<String, String> properties = ImmutableMap.<String, String>builder().putAll(common);
        switch (connector) {
            case "iceberg" -> properties
                    .put("iceberg.catalog.type", icebergCatalogType)
                    // let tests and the demo expire snapshots and remove orphans almost right away; a minimum above
                    // zero shows Dredge's expiry refusing less
                    .put("iceberg.expire-snapshots.min-retention", "1s")
                    // tests make tables that Iceberg may not delete files of, or that keep little history
                    .put("iceberg.allowed-extra-properties", "gc.enabled,history.expire.max-snapshot-age-ms")
                    .put("iceberg.remove-orphan-files.min-retention", "0s");
            case "hive" -> properties
                    .put("hive.metastore", hiveMetastoreType)
                    // tests register partitions whose values Trino cannot write itself (unicode)
                    .put("hive.allow-register-partition-procedure", "true");
            default -> properties.put("hive.metastore", hiveMetastoreType);
        }
        return properties.buildOrThrow();
    }

    /**
     * Location for a new schema's data, or empty to let the metastore choose.
     */
    Optional<String> schemaLocation(String schemaName);

    record FileMetastore(Path warehouse)
            implements LakeMetastore
    {
        public FileMetastore
        {
            requireNonNull(warehouse, "warehouse is null");
        }

        @Override
        public Map<String, String> catalogProperties(String connector)
        {
            return LakeMetastore.catalogProperties(
                    connector,
                    Map.of(
                            "hive.metastore.catalog.dir", "local:///",
                            "fs.local.enabled", "true",
                            "local.location", warehouse.toAbsolutePath().toString()),
                    "TESTING_FILE_METASTORE",
                    "file");
        }

        @Override
        public Optional<String> schemaLocation(String schemaName)
        {
            return Optional.empty();
        }
    }

    record ThriftMetastore(String uri, Path warehouse)
            implements LakeMetastore
    {
        public ThriftMetastore
        {
            requireNonNull(uri, "uri is null");
            requireNonNull(warehouse, "warehouse is null");
        }

        @Override
        public Map<String, String> catalogProperties(String connector)
        {
            return LakeMetastore.catalogProperties(
                    connector,
                    Map.of(
                            "hive.metastore.uri", uri,
                            // the metastore hands out file: locations, which Trino reads through Hadoop's local file
                            // system as Hive does (Trino's native local file system lists them as local:// and finds nothing)
                            "fs.hadoop.enabled", "true"),
                    "hive_metastore",
                    "thrift");
        }

        @Override
        public Optional<String> schemaLocation(String schemaName)
        {
            return Optional.of("file:" + warehouse.resolve(schemaName).toAbsolutePath());
        }
    }
}
