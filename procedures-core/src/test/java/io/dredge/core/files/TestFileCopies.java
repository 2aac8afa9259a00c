package io.dredge.core.files;

import io.dredge.core.testing.NioFileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestFileCopies
{
    private static final byte[] CONTENT = "eight bytes and some more".getBytes(UTF_8);

    @TempDir
    Path directory;

    @Test
    public void testCopyChecksumsTheBytesItWrote()
            throws IOException
    {
        Path source = Files.write(directory.resolve("source"), CONTENT);
        CopiedFile copied = FileCopies.copy(new NioFileStore(), new FileCopy(source.toUri().toString(), directory.resolve("target").toUri().toString(), CONTENT.length));
        CRC32C expected = new CRC32C();
        expected.update(CONTENT);
        assertThat(copied.crc32c()).isEqualTo(expected.getValue());
        assertThat(copied.sizeBytes()).isEqualTo(CONTENT.length);
        assertThat(directory.resolve("target")).hasBinaryContent(CONTENT);
    }

    @Test
    public void testCopyThatReadsBackOtherwiseFails()
            throws IOException
    {
        Path source = Files.write(directory.resolve("source"), CONTENT);
        // a storage that damages what it is given: the bytes the copy wrote are right, the stored ones are not
        NioFileStore damaging = new NioFileStore()
        {
            @Override
            public OutputStream create(String path)
                    throws IOException
            {
                return new FilterOutputStream(super.create(path))
                {
                    private boolean first = true;

                    @Override
                    public void write(byte[] buffer, int offset, int length)
                            throws IOException
                    {
                        byte[] stored = buffer.clone();
                        if (first && length > 0) {
                            stored[offset] ^= 1;
                            first = false;
                        }
                        out.write(stored, offset, length);
                    }
                };
            }
        };
        String target = directory.resolve("target").toUri().toString();
        assertThatThrownBy(() -> FileCopies.copy(damaging, new FileCopy(source.toUri().toString(), target, CONTENT.length)))
                .isInstanceOf(IOException.class)
                .hasMessageMatching("the copy .*target reads back as 25 bytes, crc32c [0-9a-f]{8}, not the 25 bytes, crc32c [0-9a-f]{8} read from .*source");
        assertThatThrownBy(() -> FileCopies.copy(new NioFileStore(), new FileCopy(source.toUri().toString(), directory.resolve("other").toUri().toString(), CONTENT.length + 1)))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("changed while it was copied: 26 bytes planned, 25 read");
    }
}
