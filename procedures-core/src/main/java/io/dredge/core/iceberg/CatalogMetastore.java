package io.dredge.core.iceberg;

import com.google.common.base.Throwables;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import io.dredge.core.DredgeException;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.Metastore;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.types.Types;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.core.DredgeException.Kind.ACCESS_DENIED;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.model.TableDescriptor.ICEBERG_METADATA_LOCATION_PROPERTY;
import static io.dredge.core.model.TableDescriptor.ICEBERG_TABLE_TYPE_PROPERTY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The metastore port over an Iceberg catalog that is not a Hive metastore (REST, JDBC, Nessie): its namespaces are
 * the schemas, its tables Iceberg tables and its views views. It holds no Hive tables, so what only Hive tables need
 * (partitions, definitions, locations to swap, parameters) is refused. A table's metadata location is the catalog's
 * current one, which is all Dredge reads the table by.
 */
public final class CatalogMetastore
        implements Metastore
{
    /**
     * The namespace property that holds a schema's location (Trino's {@code CREATE SCHEMA ... WITH (location = ...)}).
     */
    public static final String NAMESPACE_LOCATION_PROPERTY = "location";

    private final Supplier<Clients> clients;
    private final String description;
    private final BiFunction<String, RuntimeException, RuntimeException> unavailable;
    private final Traits traits;

    /**
     * The catalog's clients: its tables and namespaces, and its views where it serves them (a REST catalog's session
     * catalog answers views through a client of its own).
     */
    public record Clients(Catalog tables, Optional<ViewCatalog> views)
    {
        public Clients
        {
            requireNonNull(tables, "tables is null");
            requireNonNull(views, "views is null");
        }

        public static Clients of(Catalog catalog)
        {
            return new Clients(catalog, catalog instanceof ViewCatalog views ? Optional.of(views) : Optional.empty());
        }
    }

    /**
     * What sets one kind of catalog apart.
     *
     * @param filesReadBeyondMetadata why the catalog may read files that a table's metadata no longer references
     * (see {@link Metastore#filesReadBeyondMetadata}); empty where it cannot
     * @param registersTables whether Dredge registers restored tables through the catalog, because the engine cannot
     */
    public record Traits(String identity, Optional<String> filesReadBeyondMetadata, boolean registersTables)
    {
        /**
         * @param identity what tells this catalog from every other (kind, address, warehouse, branch), alike for two
         * Dredge catalogs configured for it alike: it names the catalog's journal
         */
        public Traits
        {
            requireNonNull(identity, "identity is null");
            requireNonNull(filesReadBeyondMetadata, "filesReadBeyondMetadata is null");
        }

        public static Traits plain(String identity)
        {
            return new Traits(identity, Optional.empty(), false);
        }
    }

    /**
     * This catalog's journal, below a journal directory it may share with a Hive metastore's or another catalog's
     * schema of the same name: named by the catalog's identity, which two Dredge catalogs over one catalog share, so
     * that each sees the other's operations.
     */
    @Override
    public Optional<String> journalSubdirectory()
    {
        return Optional.of("catalog-" + Hashing.sha256().hashString(traits.identity(), UTF_8).toString().substring(0, 16));
    }

    /**
     * @param catalog the catalog, made when first asked for: a catalog that cannot be reached fails the call that
     * needs it, not the start of the engine
     * @param description the catalog as error messages name it ({@code Iceberg REST catalog http://catalog:8181})
     * @param unavailable the engine's error for a catalog that could not answer, from a message and its cause
     */
    public CatalogMetastore(Supplier<Catalog> catalog, String description, BiFunction<String, RuntimeException, RuntimeException> unavailable)
    {
        this(() -> Clients.of(catalog.get()), description, unavailable, Traits.plain(description));
    }

    public CatalogMetastore(Supplier<Clients> clients, String description, BiFunction<String, RuntimeException, RuntimeException> unavailable, Traits traits)
    {
        this.clients = requireNonNull(clients, "clients is null");
        this.description = requireNonNull(description, "description is null");
        this.unavailable = requireNonNull(unavailable, "unavailable is null");
        this.traits = requireNonNull(traits, "traits is null");
    }

    @Override
    public Optional<String> filesReadBeyondMetadata(TableReference table)
    {
        return traits.filesReadBeyondMetadata();
    }

    @Override
    public Optional<IcebergTableRegistry> icebergTableRegistry()
    {
        if (!traits.registersTables()) {
            return Optional.empty();
        }
        return Optional.of(new IcebergTableRegistry()
        {
            @Override
            public void register(TableReference table, String metadataLocation)
            {
                call(() -> clients.get().tables().registerTable(TableIdentifier.of(table.schemaName(), table.tableName()), metadataLocation));
            }

            @Override
            public void unregister(TableReference table)
            {
                call(() -> clients.get().tables().dropTable(TableIdentifier.of(table.schemaName(), table.tableName()), false));
            }
        });
    }

    @Override
    public List<String> listSchemas()
    {
        return call(() -> namespaces().listNamespaces(Namespace.empty()).stream()
                .filter(namespace -> namespace.length() == 1)
                .map(namespace -> namespace.level(0))
                .sorted()
                .collect(toImmutableList()));
    }

    @Override
    public boolean schemaExists(String schemaName)
    {
        return call(() -> namespaces().namespaceExists(Namespace.of(schemaName)));
    }

    @Override
    public List<String> listTables(String schemaName)
    {
        return call(() -> {
            Namespace namespace = Namespace.of(schemaName);
            try {
                ImmutableList.Builder<String> names = ImmutableList.builder();
                clients.get().tables().listTables(namespace).forEach(identifier -> names.add(identifier.name()));
                views().ifPresent(views -> viewsOf(views, namespace).forEach(identifier -> names.add(identifier.name())));
                return names.build().stream().distinct().sorted().collect(toImmutableList());
            }
            catch (NoSuchNamespaceException e) {
                return ImmutableList.of();
            }
        });
    }

    @Override
    public Optional<TableDescriptor> getTable(TableReference reference)
    {
        return call(() -> {
            TableIdentifier identifier = TableIdentifier.of(reference.schemaName(), reference.tableName());
            try {
                return Optional.of(describe(reference, clients.get().tables().loadTable(identifier)));
            }
            catch (NoSuchTableException | NoSuchNamespaceException e) {
                try {
                    return views()
                            .filter(views -> viewExists(views, identifier))
                            .map(view -> new TableDescriptor(reference, true, Optional.empty(), "VIEW", List.of(), List.of(), List.of(), Map.of()));
                }
                catch (NoSuchViewException | NoSuchNamespaceException missing) {
                    return Optional.empty();
                }
            }
        });
    }

    private static TableDescriptor describe(TableReference reference, Table table)
    {
        String metadataLocation = ((HasTableOperations) table).operations().current().metadataFileLocation();
        return new TableDescriptor(
                reference,
                false,
                Optional.of(table.location()),
                table.properties().getOrDefault(TableProperties.DEFAULT_FILE_FORMAT, TableProperties.DEFAULT_FILE_FORMAT_DEFAULT).toUpperCase(Locale.ROOT),
                table.schema().columns().stream().map(Types.NestedField::name).collect(toImmutableList()),
                List.of(),
                List.of(),
                ImmutableMap.of(ICEBERG_TABLE_TYPE_PROPERTY, "ICEBERG", ICEBERG_METADATA_LOCATION_PROPERTY, metadataLocation));
    }

    /**
     * Iceberg tables have no metastore partitions: their partitions live in their metadata.
     */
    @Override
    public List<String> getPartitionNames(TableDescriptor table)
    {
        return List.of();
    }

    @Override
    public PartitionReader partitionReader(TableReference table)
    {
        return names -> List.of();
    }

    @Override
    public Optional<String> getSchemaLocation(String schemaName)
    {
        return call(() -> {
            try {
                return Optional.ofNullable(namespaces().loadNamespaceMetadata(Namespace.of(schemaName)).get(NAMESPACE_LOCATION_PROPERTY))
                        .filter(location -> !location.isBlank());
            }
            catch (NoSuchNamespaceException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<HiveTableDefinition> getTableDefinition(TableReference table)
    {
        return Optional.empty();
    }

    @Override
    public List<HivePartitionDefinition> getPartitionDefinitions(TableReference table, List<String> partitionNames)
    {
        return List.of();
    }

    @Override
    public void createTable(TableReference table, HiveTableDefinition definition, String location, String owner, List<HivePartitionDefinition> partitions, Map<String, String> partitionLocations)
    {
        throw noHiveTables("cannot create Hive table " + table);
    }

    @Override
    public boolean canRelocateData()
    {
        return false;
    }

    @Override
    public void setPartitionLocation(TableReference table, String partitionName, String location)
    {
        throw noHiveTables("cannot move a partition of " + table);
    }

    @Override
    public PartitionMover partitionMover(TableReference table, List<String> partitionNames)
    {
        throw noHiveTables("cannot move partitions of " + table);
    }

    @Override
    public void setTableLocation(TableReference table, String location)
    {
        throw noHiveTables("cannot move " + table);
    }

    @Override
    public void updateTableParameters(TableReference table, Map<String, Optional<String>> changes)
    {
        throw noHiveTables("cannot mark " + table);
    }

    @Override
    public void createTableLike(TableReference source, TableReference target, String location, boolean external, Map<String, String> parameters)
    {
        throw noHiveTables("cannot create Hive table " + target);
    }

    @Override
    public void addPartitionsLike(TableReference source, TableReference target, Map<String, String> locationsByPartitionName)
    {
        throw noHiveTables("cannot add partitions to " + target);
    }

    @Override
    public void dropTableKeepingData(TableReference table)
    {
        throw noHiveTables("cannot drop " + table);
    }

    @Override
    public void dropPartitionKeepingData(TableReference table, String partitionName)
    {
        throw noHiveTables("cannot drop a partition of " + table);
    }

    private DredgeException noHiveTables(String what)
    {
        return new DredgeException(NOT_SUPPORTED, "%s: the %s holds Iceberg tables only".formatted(what, description));
    }

    private SupportsNamespaces namespaces()
    {
        if (clients.get().tables() instanceof SupportsNamespaces namespaces) {
            return namespaces;
        }
        throw new DredgeException(NOT_SUPPORTED, "the %s has no namespaces".formatted(description));
    }

    /**
     * A REST server need not serve views: one that does not has none.
     */
    private static List<TableIdentifier> viewsOf(ViewCatalog views, Namespace namespace)
    {
        try {
            return views.listViews(namespace);
        }
        catch (UnsupportedOperationException e) {
            return List.of();
        }
    }

    private static boolean viewExists(ViewCatalog views, TableIdentifier identifier)
    {
        try {
            return views.viewExists(identifier);
        }
        catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private Optional<ViewCatalog> views()
    {
        return clients.get().views();
    }

    /**
     * A catalog that fails (down, refusing, misconfigured) fails the call with a message naming it; the answers Iceberg
     * gives for what does not exist are handled where they are asked.
     */
    private <T> T call(Supplier<T> action)
    {
        try {
            return action.get();
        }
        catch (DredgeException e) {
            throw e;
        }
        catch (UnsupportedOperationException e) {
            throw new DredgeException(NOT_SUPPORTED, "the %s does not support this: %s".formatted(description, e.getMessage()), e);
        }
        catch (ForbiddenException | NotAuthorizedException e) {
            throw new DredgeException(ACCESS_DENIED, "the %s refused Dredge: %s".formatted(description, e.getMessage()), e);
        }
        catch (RuntimeException e) {
            Throwable root = Throwables.getRootCause(e);
            String why = root == e ? String.valueOf(e.getMessage()) : "%s (%s)".formatted(e.getMessage(), root);
            throw unavailable.apply("the %s failed: %s".formatted(description, why), e);
        }
    }
}
