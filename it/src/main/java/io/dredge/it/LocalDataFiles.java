package io.dredge.it;

import io.dredge.core.report.HiveTableFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The data files under a local table directory, by Hive's rule for what a table reads
 * ({@link HiveTableFiles#isVisibleFile}), in every partition directory below it: what the demo and the benchmarks copy, move and count.
 */
public final class LocalDataFiles
{
    private LocalDataFiles() {}

    public static List<Path> list(Path tableDirectory)
            throws IOException
    {
        String location = tableDirectory.toUri().toString();
        try (Stream<Path> paths = Files.walk(tableDirectory)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> HiveTableFiles.isVisibleFile(location, path.toUri().toString()))
                    .toList();
        }
    }
}
