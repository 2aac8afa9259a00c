package io.dredge.trino.catalog;

import com.google.common.collect.ImmutableMap;
import jakarta.validation.constraints.AssertTrue;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.testing.ValidationAssertions.assertFailsValidation;
import static io.airlift.testing.ValidationAssertions.assertValidates;

public class TestCatalogConfigs
{
    @Test
    public void testCatalogType()
    {
        assertRecordedDefaults(recordDefaults(IcebergCatalogConfig.class)
                .setCatalogType(IcebergCatalogConfig.CatalogType.HIVE_METASTORE));
        assertFullMapping(Map.of("iceberg.catalog.type", "REST"), new IcebergCatalogConfig().setCatalogType(IcebergCatalogConfig.CatalogType.REST));
    }

    @Test
    public void testRestCatalog()
    {
        assertRecordedDefaults(recordDefaults(RestCatalogConfig.class)
                .setUri(null)
                .setWarehouse(null)
                .setPrefix(null)
                .setSecurity(RestCatalogConfig.Security.NONE)
                .setToken(null)
                .setCredential(null)
                .setScope(null)
                .setServerUri(null));
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("iceberg.rest-catalog.uri", "http://catalog:8181")
                .put("iceberg.rest-catalog.warehouse", "lake")
                .put("iceberg.rest-catalog.prefix", "v2")
                .put("iceberg.rest-catalog.security", "OAUTH2")
                .put("iceberg.rest-catalog.oauth2.token", "secret-token")
                .put("iceberg.rest-catalog.oauth2.credential", "id:secret")
                .put("iceberg.rest-catalog.oauth2.scope", "PRINCIPAL_ROLE:ALL")
                .put("iceberg.rest-catalog.oauth2.server-uri", "http://auth:8080/token")
                .buildOrThrow();
        assertFullMapping(properties, new RestCatalogConfig()
                .setUri(URI.create("http://catalog:8181"))
                .setWarehouse("lake")
                .setPrefix("v2")
                .setSecurity(RestCatalogConfig.Security.OAUTH2)
                .setToken("secret-token")
                .setCredential("id:secret")
                .setScope("PRINCIPAL_ROLE:ALL")
                .setServerUri(URI.create("http://auth:8080/token")));
    }

    @Test
    public void testRestCatalogSecurityNeedsItsSecret()
    {
        RestCatalogConfig config = new RestCatalogConfig().setUri(URI.create("http://catalog:8181"));
        assertValidates(config);
        assertFailsValidation(new RestCatalogConfig().setUri(URI.create("http://catalog:8181")).setSecurity(RestCatalogConfig.Security.OAUTH2), "securityValid", "iceberg.rest-catalog.security=OAUTH2 needs iceberg.rest-catalog.oauth2.token or iceberg.rest-catalog.oauth2.credential, and NONE neither", AssertTrue.class);
        assertFailsValidation(new RestCatalogConfig().setUri(URI.create("http://catalog:8181")).setToken("forgotten"), "securityValid", "iceberg.rest-catalog.security=OAUTH2 needs iceberg.rest-catalog.oauth2.token or iceberg.rest-catalog.oauth2.credential, and NONE neither", AssertTrue.class);
        assertValidates(new RestCatalogConfig().setUri(URI.create("http://catalog:8181")).setSecurity(RestCatalogConfig.Security.OAUTH2).setCredential("id:secret"));
    }

    @Test
    public void testJdbcCatalog()
    {
        assertRecordedDefaults(recordDefaults(JdbcCatalogConfig.class)
                .setDriverClass(null)
                .setConnectionUrl(null)
                .setConnectionUser(null)
                .setConnectionPassword(null)
                .setCatalogName(null)
                .setDefaultWarehouseDir(null)
                .setSchemaVersion(JdbcCatalogConfig.SchemaVersion.V1));
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("iceberg.jdbc-catalog.driver-class", "org.postgresql.Driver")
                .put("iceberg.jdbc-catalog.connection-url", "jdbc:postgresql://db:5432/iceberg")
                .put("iceberg.jdbc-catalog.connection-user", "iceberg")
                .put("iceberg.jdbc-catalog.connection-password", "secret")
                .put("iceberg.jdbc-catalog.catalog-name", "lake")
                .put("iceberg.jdbc-catalog.default-warehouse-dir", "s3://lake/warehouse")
                .put("iceberg.jdbc-catalog.schema-version", "V0")
                .buildOrThrow();
        assertFullMapping(properties, new JdbcCatalogConfig()
                .setDriverClass("org.postgresql.Driver")
                .setConnectionUrl("jdbc:postgresql://db:5432/iceberg")
                .setConnectionUser("iceberg")
                .setConnectionPassword("secret")
                .setCatalogName("lake")
                .setDefaultWarehouseDir("s3://lake/warehouse")
                .setSchemaVersion(JdbcCatalogConfig.SchemaVersion.V0));
    }
}
