package io.dredge.core.report;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The data files of a Hive table or partition directory, as the engines read them.
 */
public final class HiveTableFiles
{
    private HiveTableFiles() {}

    /**
     * What one directory holds: the files directly in it, which every engine reads as the partition's (or the
     * table's) data, and the visible files in its subdirectories, which Hive reads for some layouts
     * ({@code HIVE_UNION_SUBDIR_n} of a {@code UNION ALL} insert on Tez) and Trino does not
     * ({@code hive.recursive-directories} is off by default), or which belong to another partition nested there.
     */
    public record DirectoryListing(List<TableFile> dataFiles, List<TableFile> nestedFiles)
    {
        public DirectoryListing
        {
            dataFiles = ImmutableList.copyOf(requireNonNull(dataFiles, "dataFiles is null"));
            nestedFiles = ImmutableList.copyOf(requireNonNull(nestedFiles, "nestedFiles is null"));
        }
    }

    /**
     * The files directly in {@code location} that the engines read: what a partition (or an unpartitioned table) holds.
     */
    public static List<TableFile> listDataFiles(FileStore fileStore, String location)
    {
        return list(fileStore, location).dataFiles();
    }

    /**
     * As {@link #listDataFiles}, with when each file was last written.
     */
    public static List<StoredFile> listStoredDataFiles(FileStore fileStore, String location)
    {
        try {
            return fileStore.listStoredFiles(location).stream()
                    .filter(file -> isDataFile(location, file.path()))
                    .collect(ImmutableList.toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
    }

    public static DirectoryListing list(FileStore fileStore, String location)
    {
        List<TableFile> files;
        try {
            files = fileStore.listFilesRecursively(location);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
        ImmutableList.Builder<TableFile> data = ImmutableList.builder();
        ImmutableList.Builder<TableFile> nested = ImmutableList.builder();
        for (TableFile file : files) {
            String relative = relativePath(location, file.path());
            if (isVisible(relative)) {
                (relative.contains("/") ? nested : data).add(file);
            }
        }
        return new DirectoryListing(data.build(), nested.build());
    }

    /**
     * Whether {@code path} is a data file directly in {@code location}: visible, and not in a subdirectory.
     */
    public static boolean isDataFile(String location, String path)
    {
        String relative = relativePath(location, path);
        return isVisible(relative) && !relative.contains("/");
    }

    /**
     * Whether {@code path} is visible below {@code location} at any depth: Hive and Trino skip every file below a
     * directory or file whose name starts with {@code .} or {@code _} (staging directories, {@code _SUCCESS},
     * Trino's metastore files).
     */
    public static boolean isVisibleFile(String location, String path)
    {
        return isVisible(relativePath(location, path));
    }

    private static boolean isVisible(String relative)
    {
        for (String name : relative.split("/")) {
            if (name.startsWith(".") || name.startsWith("_")) {
                return false;
            }
        }
        return !relative.isEmpty();
    }

    public static String relativePath(String location, String path)
    {
        String base = withSlash(Locations.pathPart(location));
        String file = Locations.pathPart(path);
        // file systems may spell the scheme differently from the metastore (file:/x vs local:///x): compare paths
        return file.startsWith(base) ? file.substring(base.length()) : file.substring(file.lastIndexOf('/') + 1);
    }

    private static String withSlash(String path)
    {
        return path.endsWith("/") ? path : path + "/";
    }
}
