package io.dredge.core.backup;

import io.dredge.core.DredgeException;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.ProtocolStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.core.backup.BackupSql.describe;

/**
 * Restores a Hive backup: copies every file and checks it against the manifest, creates the table and its partitions
 * in the metastore, and compares the rows the engine counts with the manifest's. Whatever fails, nothing is left
 * registered or at the location.
 */
final class HiveRestore
{
    private static final Logger log = LoggerFactory.getLogger(HiveRestore.class);

    private HiveRestore() {}

    static Backups.RestoreResult restore(MaintenanceContext context, BackupManifest manifest, TableReference target, RestoreLocation location, BackupRepository repository, BackupVerification verification)
    {
        String backupName = manifest.name();
        String targetLocation = location.location();
        boolean created = false;
        try {
            location.requireIntact(location.copy(repository, manifest.files()));
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            HiveTableDefinition definition = manifest.hiveTable().orElseThrow();
            Map<String, String> partitionLocations = new HashMap<>();
            for (BackupPartition partition : manifest.partitions()) {
                partitionLocations.put(partition.definition().name(), Locations.child(targetLocation, partition.path()));
            }
            context.metastore().createTable(target, definition, targetLocation, context.user(),
                    manifest.partitions().stream().map(BackupPartition::definition).toList(), partitionLocations);
            created = true;
            if (verification == BackupVerification.ROWS) {
                requireBackedUpRows(context, manifest, target);
            }
            log.info("restored backup {} as {} at {}: {} files, {} rows", backupName, target, targetLocation, manifest.files().size(), manifest.rows());
            return new Backups.RestoreResult(target, targetLocation, manifest.files().size(), manifest.bytes(), manifest.rows());
        }
        catch (FaultInjector.InjectedFault e) {
            // a simulated crash leaves what a killed process would
            throw e;
        }
        catch (RuntimeException e) {
            location.discard(e, created ? Optional.of(() -> context.metastore().dropTableKeepingData(target)) : Optional.empty());
            throw e;
        }
    }

    /**
     * Fails unless the restored table has the manifest's rows and checksum in every partition.
     */
    private static void requireBackedUpRows(MaintenanceContext context, BackupManifest manifest, TableReference target)
    {
        TableDescriptor restored = context.metastore().getTable(target).orElseThrow(() -> new IllegalStateException("restored table %s vanished".formatted(target)));
        Map<String, BackupSql.Figures> figures = new BackupSql(context, context.catalog()).figures(restored);
        List<String> mismatches = new ArrayList<>();
        Map<String, BackupSql.Figures> expected = new HashMap<>();
        if (restored.partitioned()) {
            manifest.partitions().stream()
                    .filter(partition -> partition.rows() > 0)
                    .forEach(partition -> expected.put(partition.definition().name(), new BackupSql.Figures(partition.rows(), partition.rowChecksum())));
        }
        else if (manifest.rows() > 0) {
            expected.put("", new BackupSql.Figures(manifest.rows(), manifest.rowChecksum().orElse("")));
        }
        Set<String> names = new HashSet<>(figures.keySet());
        names.addAll(expected.keySet());
        for (String name : names) {
            BackupSql.Figures restoredFigures = figures.get(name);
            if (restoredFigures == null || !restoredFigures.matches(expected.get(name))) {
                mismatches.add("%s: restored %s, backed up %s".formatted(name.isEmpty() ? target.toString() : name, describe(restoredFigures), describe(expected.get(name))));
            }
        }
        if (!mismatches.isEmpty()) {
            throw new DredgeException(UNSAFE, "restored rows of backup %s differ from the backup's, nothing was kept: %s".formatted(manifest.name(), String.join("; ", mismatches)));
        }
    }
}
