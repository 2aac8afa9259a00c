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

    static Map<String, String> icebergProperties()
    {
        // let tests and the demo expire snapshots and remove orphans right away
        return Map.of("iceberg.expire-snapshots.min-retention", "0s", "iceberg.remove-orphan-files.min-retention", "0s");
    }

    static Map<String, String> hiveOnlyProperties(String connector)
    {
        // tests register partitions whose values Trino cannot write itself (unicode)
        return connector.equals("hive") ? Map.of("hive.allow-register-partition-procedure", "true") : Map.of();
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
            ImmutableMap.Builder<String, String> properties = ImmutableMap.<String, String>builder()
                    .put("hive.metastore.catalog.dir", "local:///")
                    .put("fs.local.enabled", "true")
                    .put("local.location", warehouse.toAbsolutePath().toString());
            if (connector.equals("iceberg")) {
                properties.put("iceberg.catalog.type", "TESTING_FILE_METASTORE");
                properties.putAll(icebergProperties());
            }
            else {
                properties.put("hive.metastore", "file");
            }
            return properties.putAll(hiveOnlyProperties(connector)).buildOrThrow();
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
            ImmutableMap.Builder<String, String> properties = ImmutableMap.<String, String>builder()
                    .put("hive.metastore.uri", uri)
                    // the metastore hands out file: locations; Trino's local file system serves them from the root
                    .put("fs.local.enabled", "true")
                    .put("local.location", "/");
            if (connector.equals("iceberg")) {
                properties.put("iceberg.catalog.type", "hive_metastore");
                properties.putAll(icebergProperties());
            }
            else {
                properties.put("hive.metastore", "thrift");
            }
            return properties.putAll(hiveOnlyProperties(connector)).buildOrThrow();
        }

        @Override
        public Optional<String> schemaLocation(String schemaName)
        {
            return Optional.of("file:" + warehouse.resolve(schemaName).toAbsolutePath());
        }
    }
}
