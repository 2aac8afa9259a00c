package io.dredge.hive.hook;

import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.TableReference;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hive.ql.hooks.Entity;
import org.apache.hadoop.hive.ql.hooks.ReadEntity;
import org.apache.hadoop.hive.ql.hooks.WriteEntity;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The places a HiveQL statement reaches by path rather than by a table's name, as Hive's hook context describes the
 * statement, and the tables those places belong to. A location is not a table: moving the files of a directory, or
 * writing into it, changes every table and partition that reads it, whatever the statement names. Read from Hive
 * 4.0.1's analyzers, each lists its paths as a directory entity ({@code DFS_DIR}, or {@code LOCAL_DIR} on the local
 * file system):
 * <ul>
 * <li>{@code LOAD DATA INPATH} its source (a file, a directory or a pattern), whose files it moves; when Hive runs the
 * {@code LOAD} as an {@code INSERT ... SELECT} instead (a source directory holding directories, a partitioned target
 * without a partition, a bucketed target), the statement is a {@code QUERY} reading the source through a table Hive
 * makes up over the source's location, named {@code <target>__temp_table_for_load_data__}, and lists that
 * table, not the path;</li>
 * <li>{@code INSERT OVERWRITE [LOCAL] DIRECTORY} the directory whose files it replaces; {@code EXPORT} its target;
 * {@code IMPORT} its source and its {@code LOCATION};</li>
 * <li>the {@code LOCATION} of {@code CREATE TABLE} (with {@code LIKE} and {@code AS SELECT} too), {@code ALTER TABLE
 * ... SET LOCATION}, {@code ADD PARTITION}, {@code CREATE DATABASE} and {@code ALTER DATABASE}: the table made there
 * writes into the files of any table already reading that place;</li>
 * <li>the resources of {@code CREATE FUNCTION ... USING}, and the key store a table's properties name.</li>
 * </ul>
 * Left out are Hive's own scratch directories: a query's result directory (Hive marks it as temporary) and the staging
 * directory into which {@code CREATE TABLE ... AS SELECT} and {@code CREATE MATERIALIZED VIEW} write the new table's
 * files before moving them to its location (a {@code LOCATION} they are given is listed on its own). Statements that
 * reach no path, nearly all of them, list none of these.
 */
final class StatementPaths
{
    // HiveOperation constants' names, compared as text so that the hook loads on any Hive 4.0.x
    private static final Set<String> STAGING_OPERATIONS = Set.of("CREATETABLE_AS_SELECT", "CREATE_MATERIALIZED_VIEW");
    // LoadSemanticAnalyzer's name for the table it makes up over a LOAD's source (it exists in no metastore)
    private static final String LOAD_SOURCE_SUFFIX = "__temp_table_for_load_data__";

    private StatementPaths() {}

    /**
     * The locations the statement reaches by path, as Hive spells them; empty for a statement that reaches none.
     *
     * @param operation the name of the statement's {@code HiveOperation} constant; empty when Hive gives none
     */
    static List<String> paths(Optional<String> operation, Collection<ReadEntity> inputs, Collection<WriteEntity> outputs)
    {
        requireNonNull(operation, "operation is null");
        Set<String> paths = new LinkedHashSet<>();
        for (ReadEntity input : inputs) {
            if (input.isPathType()) {
                paths.add(path(input));
            }
            else if (isLoadSource(input)) {
                Optional.ofNullable(input.getTable().getDataLocation()).map(Path::toString).ifPresent(paths::add);
            }
        }
        boolean staging = operation.filter(STAGING_OPERATIONS::contains).isPresent();
        for (WriteEntity output : outputs) {
            if (output.isPathType() && !output.isTempURI() && !staging) {
                paths.add(path(output));
            }
        }
        return List.copyOf(paths);
    }

    /**
     * The tables whose location, or the location of one of whose partitions, is one of {@code paths}, lies inside
     * one, or holds one: those whose files a statement reaching {@code paths} can move, replace or write into.
     */
    static Set<TableReference> tablesAt(Collection<String> paths, LocationReaders readers)
    {
        Set<TableReference> tables = new LinkedHashSet<>();
        for (String path : paths) {
            readers.overlapping(path).forEach(reader -> tables.add(reader.table()));
        }
        return tables;
    }

    private static boolean isLoadSource(Entity entity)
    {
        return entity.getType() == Entity.Type.TABLE && entity.getTable() != null && entity.getTable().getTableName().endsWith(LOAD_SOURCE_SUFFIX);
    }

    private static String path(Entity entity)
    {
        return entity.getD().toString();
    }
}
