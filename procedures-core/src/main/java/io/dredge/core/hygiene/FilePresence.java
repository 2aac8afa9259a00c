package io.dredge.core.hygiene;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the files a table needs are on storage, found by listing its location (and asking for each file the
 * listing did not show, as one outside it): a check of a removal that does not trust the removal's own reading.
 */
final class FilePresence
{
    private FilePresence() {}

    /**
     * The paths of {@code needed} that are not on storage, in their order.
     */
    static List<String> missing(FileStore fileStore, String location, Collection<String> needed)
    {
        return missing(fileStore, listed(fileStore, location), needed);
    }

    /**
     * The comparable paths of every file below {@code location}, for several {@link #missing} calls on one listing.
     */
    static Set<String> listed(FileStore fileStore, String location)
    {
        Set<String> present = new HashSet<>();
        try {
            for (TableFile file : fileStore.listFilesRecursively(location)) {
                present.add(Locations.comparablePath(file.path()));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
        return present;
    }

    static List<String> missing(FileStore fileStore, Set<String> present, Collection<String> needed)
    {
        ImmutableList.Builder<String> missing = ImmutableList.builder();
        for (String path : needed) {
            if (!present.contains(Locations.comparablePath(path)) && !exists(fileStore, path)) {
                missing.add(path);
            }
        }
        return missing.build();
    }

    static boolean exists(FileStore fileStore, String path)
    {
        try {
            fileStore.length(path);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
