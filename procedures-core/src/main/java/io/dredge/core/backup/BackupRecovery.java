package io.dredge.core.backup;

import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.Locations;
import io.dredge.core.operation.MaintenanceContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Closes a backup whose process died: its manifest, still {@code RUNNING}, becomes {@code FAILED}, so that it is never
 * restored; its files stay until {@code drop_backup}, and a later backup of the table replaces them.
 */
public final class BackupRecovery
{
    private BackupRecovery() {}

    public static String markFailed(MaintenanceContext context, OperationRecord backup)
    {
        String manifestLocation = backup.backup().manifestLocation();
        byte[] json;
        try {
            Optional<byte[]> content = context.fileStore().readFile(manifestLocation);
            if (content.isEmpty()) {
                return "no manifest was written";
            }
            json = content.get();
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read " + manifestLocation, e);
        }
        BackupManifest manifest = BackupManifestCodec.fromJson(json);
        if (manifest.state() != BackupState.RUNNING) {
            return "backup %s is %s".formatted(manifest.name(), manifest.state());
        }
        BackupManifest failed = manifest.withState(BackupState.FAILED, Optional.of("interrupted; closed by recover (operation %s)".formatted(backup.id())));
        BackupRepository catalog = BackupRepository.ofManifest(context.fileStore(), manifestLocation);
        catalog.write(failed);
        if (!Locations.samePath(catalog.root(), manifest.repository())) {
            new BackupRepository(context.fileStore(), manifest.repository()).write(failed);
        }
        return "backup %s marked FAILED".formatted(manifest.name());
    }
}
