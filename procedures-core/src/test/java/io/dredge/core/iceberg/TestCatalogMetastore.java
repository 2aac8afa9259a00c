package io.dredge.core.iceberg;

import io.dredge.core.DredgeException;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.testing.NioFileStore;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The metastore port over an Iceberg catalog, on iceberg-core's in-memory catalog; the REST and JDBC catalogs run in
 * {@code TestIcebergCatalogs}.
 */
public class TestCatalogMetastore
{
    private static final Schema SCHEMA = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()));

    @Test
    public void testTablesViewsAndSchemas()
    {
        InMemoryCatalog catalog = catalog();
        catalog.createNamespace(Namespace.of("sales"), Map.of(CatalogMetastore.NAMESPACE_LOCATION_PROPERTY, "s3://lake/sales"));
        catalog.createNamespace(Namespace.of("bare"));
        catalog.createNamespace(Namespace.of("sales", "nested"));
        catalog.createTable(TableIdentifier.of("sales", "orders"), SCHEMA, PartitionSpec.unpartitioned(), Map.of("write.format.default", "orc"));
        catalog.buildView(TableIdentifier.of("sales", "recent"))
                .withSchema(SCHEMA)
                .withDefaultNamespace(Namespace.of("sales"))
                .withQuery("trino", "SELECT * FROM orders")
                .create();
        CatalogMetastore metastore = new CatalogMetastore(() -> catalog, "in-memory catalog", IllegalStateException::new);

        assertThat(metastore.listSchemas()).containsExactly("bare", "sales");
        assertThat(metastore.schemaExists("sales")).isTrue();
        assertThat(metastore.schemaExists("missing")).isFalse();
        assertThat(metastore.listTables("sales")).containsExactly("orders", "recent");
        assertThat(metastore.listTables("missing")).isEmpty();
        assertThat(metastore.getSchemaLocation("sales")).contains("s3://lake/sales");
        assertThat(metastore.getSchemaLocation("bare")).isEmpty();

        TableDescriptor orders = metastore.getTable(new TableReference("sales", "orders")).orElseThrow();
        assertThat(orders.tableType()).isEqualTo(TableType.ICEBERG);
        assertThat(orders.view()).isFalse();
        assertThat(orders.storageFormat()).isEqualTo("ORC");
        assertThat(orders.dataColumns()).containsExactly("id", "name");
        assertThat(orders.partitioned()).isFalse();
        assertThat(orders.icebergMetadataLocation()).contains(catalog.loadTable(TableIdentifier.of("sales", "orders")).location() + "/metadata/" + metadataFileName(catalog));
        assertThat(metastore.getPartitionNames(orders)).isEmpty();

        TableDescriptor recent = metastore.getTable(new TableReference("sales", "recent")).orElseThrow();
        assertThat(recent.view()).isTrue();
        assertThat(metastore.getTable(new TableReference("sales", "missing"))).isEmpty();
        assertThat(metastore.getTable(new TableReference("missing", "orders"))).isEmpty();
    }

    @Test
    public void testHiveOnlyChangesAreRefused()
    {
        InMemoryCatalog catalog = catalog();
        CatalogMetastore metastore = new CatalogMetastore(() -> catalog, "in-memory catalog", IllegalStateException::new);
        TableReference table = new TableReference("sales", "orders");
        assertThat(metastore.canRelocateData()).isFalse();
        assertThat(metastore.getTableDefinition(table)).isEmpty();
        assertThatThrownBy(() -> metastore.updateTableParameters(table, Map.of("a", Optional.of("b"))))
                .isInstanceOf(DredgeException.class)
                .hasMessage("cannot mark sales.orders: the in-memory catalog holds Iceberg tables only");
        assertThatThrownBy(() -> metastore.setPartitionLocation(table, "part=a", "s3://elsewhere"))
                .isInstanceOf(DredgeException.class)
                .hasMessageContaining("holds Iceberg tables only");
        assertThatThrownBy(() -> metastore.dropTableKeepingData(table))
                .isInstanceOf(DredgeException.class)
                .hasMessageContaining("holds Iceberg tables only");
    }

    @Test
    public void testFailingCatalogIsNamed()
    {
        CatalogMetastore metastore = new CatalogMetastore(() -> {
            throw new RuntimeException("outer", new ConnectException("Connection refused"));
        }, "Iceberg REST catalog http://catalog:8181", IllegalStateException::new);
        assertThatThrownBy(metastore::listSchemas)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the Iceberg REST catalog http://catalog:8181 failed: outer (java.net.ConnectException: Connection refused)");
        assertThatThrownBy(() -> metastore.getTable(new TableReference("sales", "orders")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the Iceberg REST catalog http://catalog:8181 failed");
    }

    @Test
    public void testRefusalOfTheCatalogIsAccessDenied()
    {
        CatalogMetastore metastore = new CatalogMetastore(() -> {
            throw new ForbiddenException("Forbidden: principal dredge may not read sales.secret");
        }, "Iceberg REST catalog http://catalog:8181", IllegalStateException::new);
        assertThatThrownBy(() -> metastore.getTable(new TableReference("sales", "secret")))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(DredgeException.Kind.ACCESS_DENIED))
                .hasMessage("the Iceberg REST catalog http://catalog:8181 refused Dredge: Forbidden: principal dredge may not read sales.secret");
    }

    @Test
    public void testEachCatalogKeepsAJournalOfItsOwn()
    {
        InMemoryCatalog catalog = catalog();
        CatalogMetastore rest = new CatalogMetastore(() -> catalog, "Iceberg REST catalog http://catalog:8181", IllegalStateException::new);
        CatalogMetastore sameRest = new CatalogMetastore(() -> catalog, "Iceberg REST catalog http://catalog:8181", IllegalStateException::new);
        CatalogMetastore otherBranch = new CatalogMetastore(() -> catalog, "Nessie catalog http://nessie:19120/api/v2 (branch dev)", IllegalStateException::new);
        assertThat(rest.journalSubdirectory()).isPresent().isEqualTo(sameRest.journalSubdirectory());
        assertThat(rest.journalSubdirectory().orElseThrow()).matches("catalog-[0-9a-f]{16}");
        assertThat(otherBranch.journalSubdirectory()).isNotEqualTo(rest.journalSubdirectory());
    }

    @Test
    public void testJournalSkipsANamespaceWithoutLocation()
            throws Exception
    {
        Path directory = Files.createTempDirectory("dredge-journal");
        InMemoryCatalog catalog = catalog();
        catalog.createNamespace(Namespace.of("placed"), Map.of(CatalogMetastore.NAMESPACE_LOCATION_PROPERTY, directory.toUri().toString()));
        catalog.createNamespace(Namespace.of("plain"));
        CatalogMetastore metastore = new CatalogMetastore(() -> catalog, "in-memory catalog", IllegalStateException::new);
        OperationJournal journal = new OperationJournal(new NioFileStore(), metastore, Optional.empty());
        OperationRecord record = OperationRecord.start(OperationKind.COMPACT, new TableReference("placed", "orders"), "alice", Optional.empty(), CompactionDetails.unplanned(), Instant.parse("2026-12-07T12:00:00Z"));
        journal.save(record);

        assertThat(journal.listAll()).extracting(OperationRecord::id).containsExactly(record.id());
        assertThatThrownBy(() -> journal.list("plain"))
                .hasMessage("schema plain has no location to keep Dredge's journal in: set dredge.journal-location");
        // below the schema's journal directory, in the catalog's own
        try (Stream<Path> files = Files.walk(directory)) {
            assertThat(files.filter(Files::isRegularFile).map(directory::relativize).map(Path::toString).toList())
                    .allMatch(path -> path.startsWith(".dredge/operations/" + metastore.journalSubdirectory().orElseThrow() + "/"))
                    .isNotEmpty();
        }
    }

    private static InMemoryCatalog catalog()
    {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("lake", Map.of(CatalogProperties.WAREHOUSE_LOCATION, "memory://lake"));
        return catalog;
    }

    private static String metadataFileName(InMemoryCatalog catalog)
    {
        String location = ((HasTableOperations) catalog.loadTable(TableIdentifier.of("sales", "orders"))).operations().current().metadataFileLocation();
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
