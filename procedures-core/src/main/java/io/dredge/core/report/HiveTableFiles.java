package io.dredge.core.report;

import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * The data files of a Hive table or partition directory, as Hive itself would read them.
 */
public final class HiveTableFiles
{
    private HiveTableFiles() {}

    public static List<TableFile> listDataFiles(FileStore fileStore, String location)
    {
        try {
            return fileStore.listFilesRecursively(location).stream()
                    .filter(file -> isDataFile(location, file.path()))
                    .collect(toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
    }

    /**
     * Hive and Trino skip every file below a directory or file whose name starts with {@code .} or {@code _}
     * (staging directories, {@code _SUCCESS}, Trino's metastore files).
     */
    public static boolean isDataFile(String location, String path)
    {
        String base = pathPart(location);
        base = base.endsWith("/") ? base : base + "/";
        String file = pathPart(path);
        // file systems may spell the scheme differently from the metastore (file:/x vs local:///x): compare paths
        String relative = file.startsWith(base) ? file.substring(base.length()) : file.substring(file.lastIndexOf('/') + 1);
        for (String name : relative.split("/")) {
            if (name.startsWith(".") || name.startsWith("_")) {
                return false;
            }
        }
        return !relative.isEmpty();
    }

    /**
     * The path of a location URI without scheme and authority: {@code /a/b} for {@code s3://bucket/a/b},
     * {@code file:/a/b} and {@code local:///a/b}.
     */
    private static String pathPart(String location)
    {
        int schemeEnd = location.indexOf(':');
        if (schemeEnd < 0 || location.indexOf('/') < schemeEnd) {
            return location;
        }
        String rest = location.substring(schemeEnd + 1);
        if (rest.startsWith("//")) {
            int pathStart = rest.indexOf('/', 2);
            return pathStart < 0 ? "/" : rest.substring(pathStart);
        }
        return rest;
    }
}
