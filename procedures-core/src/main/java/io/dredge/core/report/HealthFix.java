package io.dredge.core.report;

import io.dredge.core.Units;
import io.dredge.core.model.TableReference;
import io.dredge.core.sql.SqlDialect;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * One statement of a table's fix: the procedure and its arguments, which {@code maintain_schema} runs and
 * {@code table_health} shows as SQL. Most are Dredge's procedures; {@link Procedure#OPTIMIZE} and
 * {@link Procedure#OPTIMIZE_MANIFESTS} are Trino's own table procedures of the Iceberg connector, which Dredge has no
 * counterpart of.
 *
 * @param olderThan and {@code retainLast}: {@code expire_snapshots}' arguments
 */
public record HealthFix(Procedure procedure, TableReference table, Optional<Duration> olderThan, OptionalInt retainLast)
{
    public enum Procedure
    {
        RECOVER,
        COMPACT_TABLE,
        /**
         * {@code ALTER TABLE ... EXECUTE optimize(file_size_threshold => '0B')} of a whole Iceberg table: Trino's
         * {@code optimize} rewrites every data file a delete file applies to, whatever its size, and drops the delete
         * files it applied; the threshold keeps it from rewriting any other file.
         */
        OPTIMIZE,
        /**
         * {@code ALTER TABLE ... EXECUTE optimize_manifests}: rewrites an Iceberg table's data manifests into as few
         * as its {@code commit.manifest.target-size-bytes} allows.
         */
        OPTIMIZE_MANIFESTS,
        EXPIRE_SNAPSHOTS,
        REMOVE_ORPHAN_FILES;

        /**
         * Whether this is a table procedure of Trino's Iceberg connector rather than one of Dredge's.
         */
        public boolean isTrinoTableProcedure()
        {
            return this == OPTIMIZE || this == OPTIMIZE_MANIFESTS;
        }
    }

    public HealthFix
    {
        requireNonNull(procedure, "procedure is null");
        requireNonNull(table, "table is null");
        requireNonNull(olderThan, "olderThan is null");
        requireNonNull(retainLast, "retainLast is null");
    }

    public static HealthFix of(Procedure procedure, TableReference table)
    {
        return new HealthFix(procedure, table, Optional.empty(), OptionalInt.empty());
    }

    public static HealthFix expireSnapshots(TableReference table, Duration olderThan, int retainLast)
    {
        return new HealthFix(Procedure.EXPIRE_SNAPSHOTS, table, Optional.of(olderThan), OptionalInt.of(retainLast));
    }

    /**
     * The {@code CALL} of the Dredge catalog {@code catalog}, names quoted as literals; for Trino's own table
     * procedures, the {@code ALTER TABLE ... EXECUTE} of the table in the Iceberg catalog {@code icebergCatalog}.
     */
    public String sql(String catalog, String icebergCatalog)
    {
        if (procedure.isTrinoTableProcedure()) {
            return tableProcedureSql(icebergCatalog);
        }
        StringBuilder arguments = new StringBuilder("schema_name => %s, table_name => %s".formatted(
                SqlDialect.TRINO.stringLiteral(table.schemaName()),
                SqlDialect.TRINO.stringLiteral(table.tableName())));
        olderThan.ifPresent(value -> arguments.append(", older_than => ").append(SqlDialect.TRINO.stringLiteral(Units.text(value))));
        retainLast.ifPresent(value -> arguments.append(", retain_last => ").append(value));
        return "CALL %s.system.%s(%s)".formatted(SqlDialect.TRINO.quoteIdentifier(catalog), procedure.name().toLowerCase(Locale.ROOT), arguments);
    }

    /**
     * Trino's table procedure on the table of the Iceberg catalog {@code icebergCatalog}, names quoted as
     * identifiers.
     */
    public String tableProcedureSql(String icebergCatalog)
    {
        checkState(procedure.isTrinoTableProcedure(), "%s is not a table procedure of Trino", procedure);
        return "ALTER TABLE %s EXECUTE %s%s".formatted(
                SqlDialect.TRINO.qualifiedName(Optional.of(icebergCatalog), table.schemaName(), table.tableName()),
                procedure.name().toLowerCase(Locale.ROOT),
                procedure == Procedure.OPTIMIZE ? "(file_size_threshold => '0B')" : "");
    }

    /**
     * The same as a call of Dredge's Hive function ({@code dredge_compact_table}, ...), names quoted as HiveQL
     * literals, its other arguments as the function's options.
     */
    public String hiveSql()
    {
        checkState(!procedure.isTrinoTableProcedure(), "%s has no Hive function: it is Trino's", procedure);
        StringBuilder arguments = new StringBuilder("%s, %s".formatted(
                SqlDialect.HIVE.stringLiteral(table.schemaName()),
                SqlDialect.HIVE.stringLiteral(table.tableName())));
        StringBuilder options = new StringBuilder();
        olderThan.ifPresent(value -> options.append("'older_than', ").append(SqlDialect.HIVE.stringLiteral(Units.text(value))));
        retainLast.ifPresent(value -> options.append(options.isEmpty() ? "" : ", ").append("'retain_last', '").append(value).append("'"));
        if (!options.isEmpty()) {
            arguments.append(", map(").append(options).append(")");
        }
        return "SELECT dredge_%s(%s)".formatted(procedure.name().toLowerCase(Locale.ROOT), arguments);
    }
}
