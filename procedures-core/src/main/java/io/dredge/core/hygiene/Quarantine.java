package io.dredge.core.hygiene;

import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.operation.MaintenanceContext;

/**
 * Where removed files wait before they are deleted: {@code .dredge/quarantine} of the table's schema (of the table,
 * for a schema without a location), one directory per operation, each file under its index in the operation's file
 * list and its name, so that two files of one name never meet.
 */
final class Quarantine
{
    private static final String DIRECTORY = ".dredge/quarantine";

    private Quarantine() {}

    static String root(MaintenanceContext context, TableDescriptor table)
    {
        String base = context.metastore().getSchemaLocation(table.table().schemaName()).orElse(table.location().orElseThrow());
        return Locations.child(base, DIRECTORY);
    }

    static String operationDirectory(String quarantine, String operationId)
    {
        return Locations.child(quarantine, operationId);
    }

    static String path(String quarantine, String operationId, int index, String file)
    {
        return Locations.child(operationDirectory(quarantine, operationId), index + "-" + Locations.name(file));
    }

    /**
     * Whether moving a file of the table into {@code quarantine} renames it: on one file system that renames (not an
     * object store), and outside the table's location, where nothing of the table (nor another engine's orphan
     * removal of it) would take the parked files for its own.
     */
    static boolean movesByRenaming(String tableLocation, String quarantine)
    {
        return !Locations.isObjectStore(tableLocation)
                && Locations.fileSystem(tableLocation).equals(Locations.fileSystem(quarantine))
                && !Locations.isBelow(tableLocation, quarantine);
    }
}
