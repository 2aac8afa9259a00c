package io.dredge.trino.adapter;

import io.dredge.core.model.TableFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.dredge.trino.adapter.LocalFileListing.localDirectory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestLocalFileListing
{
    @Test
    public void testOnlyLocalFileLocationsAreListedDirectly()
    {
        assertThat(localDirectory("file:/data/lake/t")).contains(Path.of("/data/lake/t"));
        assertThat(localDirectory("file:///data/lake/t/")).contains(Path.of("/data/lake/t"));
        // partition directories are named with Hive's escapes, which are part of the name on disk
        assertThat(localDirectory("file:/data/t/p=a%20b")).contains(Path.of("/data/t/p=a%20b"));
        assertThat(localDirectory("file://otherhost/data/t")).isEmpty();
        assertThat(localDirectory("hdfs://namenode/data/t")).isEmpty();
        assertThat(localDirectory("local:///data/t")).isEmpty();
        assertThat(localDirectory("s3://bucket/file:/t")).isEmpty();
    }

    @Test
    public void testListsWhatHadoopListsWithItsSizes(@TempDir Path temporary)
            throws IOException
    {
        Path directory = Files.createDirectories(temporary.resolve("table"));
        Path partition = Files.createDirectories(directory.resolve("p=a%20b"));
        Files.writeString(partition.resolve("data-1"), "12345");
        Files.writeString(partition.resolve(".data-1.crc"), "crc");
        Files.createDirectories(partition.resolve("HIVE_UNION_SUBDIR_1"));
        Files.writeString(partition.resolve("HIVE_UNION_SUBDIR_1").resolve("data-2"), "12");
        Files.writeString(directory.resolve("_SUCCESS"), "");
        Files.createDirectories(directory.resolve("empty"));
        Path elsewhere = Files.createDirectories(temporary.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("linked-data"), "123");
        Files.createSymbolicLink(directory.resolve("linked"), elsewhere);

        String location = "file:" + directory;
        assertThat(listFilesRecursively(location, directory)).containsExactlyInAnyOrder(
                new TableFile(location + "/p=a%20b/data-1", 5),
                new TableFile(location + "/p=a%20b/HIVE_UNION_SUBDIR_1/data-2", 2),
                new TableFile(location + "/_SUCCESS", 0),
                new TableFile(location + "/linked/linked-data", 3));
        assertThat(listFilesRecursively(location + "/", directory)).hasSize(4);
        // with each file's modification time, as the file system keeps it
        assertThat(LocalFileListing.listStoredFiles(location, directory))
                .filteredOn(file -> file.path().endsWith("/p=a%20b/data-1"))
                .singleElement()
                .satisfies(file -> assertThat(file.lastModified()).isEqualTo(Files.getLastModifiedTime(directory.resolve("p=a%20b/data-1")).toInstant()));
    }

    @Test
    public void testMissingDirectoryHasNoFiles(@TempDir Path directory)
            throws IOException
    {
        assertThat(listFilesRecursively("file:" + directory.resolve("gone"), directory.resolve("gone"))).isEmpty();
    }

    @Test
    public void testSymbolicLinkLoopFails(@TempDir Path directory)
            throws IOException
    {
        Path inner = Files.createDirectories(directory.resolve("a"));
        Files.createSymbolicLink(inner.resolve("loop"), directory);
        assertThatThrownBy(() -> listFilesRecursively("file:" + directory, directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("symbolic link loop below file:" + directory);
    }

    private static List<TableFile> listFilesRecursively(String location, Path directory)
            throws IOException
    {
        return LocalFileListing.listStoredFiles(location, directory).stream()
                .map(file -> new TableFile(file.path(), file.sizeBytes()))
                .toList();
    }
}
