package io.dredge.hive.adapter;

import io.dredge.core.model.TableFile;
import io.dredge.core.port.SeekableInput;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Hive side's file store on Hadoop's local file system, a real one: what the core expects of every file store.
 */
public class TestHadoopFileStore
{
    private final HadoopFileStore store = new HadoopFileStore(new Configuration());

    @Test
    public void testFilesAreWrittenReadMovedAndDeletedAsTheCoreExpects(@TempDir Path directory)
            throws IOException
    {
        String root = directory.toUri().toString();
        assertThat(store.listFilesRecursively(root + "missing")).isEmpty();
        assertThat(store.readFile(root + "missing.json")).isEmpty();

        store.writeFile(root + "a/b/record.json", "first".getBytes(UTF_8));
        store.writeFile(root + "a/b/record.json", "second".getBytes(UTF_8));
        assertThat(store.readFile(root + "a/b/record.json")).hasValueSatisfying(content -> assertThat(new String(content, UTF_8)).isEqualTo("second"));
        try (OutputStream output = store.create(root + "a/data")) {
            output.write("0123456789".getBytes(UTF_8));
        }
        assertThatThrownBy(() -> store.create(root + "a/data")).isInstanceOf(IOException.class);
        assertThat(store.length(root + "a/data")).isEqualTo(10);
        try (SeekableInput input = store.newInput(root + "a/data")) {
            input.seek(7);
            assertThat(input.getPosition()).isEqualTo(7);
            assertThat(new String(input.readAllBytes(), UTF_8)).isEqualTo("789");
        }
        assertThat(store.listFilesRecursively(root + "a").stream().map(TableFile::path).map(path -> path.substring(path.indexOf("/a/"))))
                .contains("/a/data", "/a/b/record.json");

        store.moveFile(root + "a/data", root + "c/moved");
        assertThat(directory.resolve("c/moved")).hasContent("0123456789");
        assertThat(directory.resolve("a/data")).doesNotExist();
        store.writeFile(root + "a/other", new byte[1]);
        assertThatThrownBy(() -> store.moveFile(root + "a/other", root + "c/moved")).hasMessageContaining("exists");

        assertThat(store.renameDirectory(root + "a", root + "c")).isFalse();
        assertThat(store.renameDirectory(root + "a", root + "d/renamed")).isTrue();
        assertThat(directory.resolve("d/renamed/b/record.json")).exists();
        assertThat(directory.resolve("a")).doesNotExist();

        store.deleteFile(root + "c/moved");
        store.deleteFile(root + "c/moved");
        store.deleteDirectory(root + "d");
        store.deleteDirectory(root + "d");
        assertThat(Files.exists(directory.resolve("d"))).isFalse();
        assertThat(directory.resolve("c/moved")).doesNotExist();
    }

    @Test
    public void testFilesThatAreNotOfTheFormatHaveNoFooterCount(@TempDir Path directory)
            throws IOException
    {
        Path text = Files.writeString(directory.resolve("not-parquet"), "plain text");
        List<TableFile> files = List.of(new TableFile(text.toUri().toString(), Files.size(text)));
        assertThat(store.footerRowCounts("PARQUET", files)).isEmpty();
        assertThat(store.footerRowCounts("ORC", files)).isEmpty();
        assertThat(store.footerRowCounts("TEXTFILE", files)).isEmpty();
    }
}
