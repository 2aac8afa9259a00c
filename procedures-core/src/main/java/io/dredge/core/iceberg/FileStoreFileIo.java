package io.dredge.core.iceberg;

import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;

import java.io.IOException;
import java.io.UncheckedIOException;

import static java.util.Objects.requireNonNull;

/**
 * Iceberg's {@link FileIO} over Dredge's {@link FileStore} port, so that Iceberg metadata is read through the
 * same file-system configuration as the engine's. Read-only until an operation needs to write metadata.
 */
public final class FileStoreFileIo
        implements FileIO
{
    private final FileStore fileStore;

    public FileStoreFileIo(FileStore fileStore)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
    }

    @Override
    public InputFile newInputFile(String path)
    {
        return new StoreInputFile(path, -1);
    }

    @Override
    public InputFile newInputFile(String path, long length)
    {
        return new StoreInputFile(path, length);
    }

    @Override
    public OutputFile newOutputFile(String path)
    {
        throw new UnsupportedOperationException("Dredge reads Iceberg metadata only: " + path);
    }

    @Override
    public void deleteFile(String path)
    {
        throw new UnsupportedOperationException("Dredge reads Iceberg metadata only: " + path);
    }

    private final class StoreInputFile
            implements InputFile
    {
        private final String path;
        private long length;

        private StoreInputFile(String path, long length)
        {
            this.path = requireNonNull(path, "path is null");
            this.length = length;
        }

        @Override
        public long getLength()
        {
            if (length < 0) {
                try {
                    length = fileStore.length(path);
                }
                catch (IOException e) {
                    throw new UncheckedIOException("failed to get length of " + path, e);
                }
            }
            return length;
        }

        @Override
        public SeekableInputStream newStream()
        {
            try {
                return new StoreInputStream(fileStore.newInput(path));
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to open " + path, e);
            }
        }

        @Override
        public String location()
        {
            return path;
        }

        @Override
        public boolean exists()
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

    private static final class StoreInputStream
            extends SeekableInputStream
    {
        private final SeekableInput input;

        private StoreInputStream(SeekableInput input)
        {
            this.input = requireNonNull(input, "input is null");
        }

        @Override
        public long getPos()
                throws IOException
        {
            return input.getPosition();
        }

        @Override
        public void seek(long position)
                throws IOException
        {
            input.seek(position);
        }

        @Override
        public int read()
                throws IOException
        {
            return input.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            return input.read(buffer, offset, length);
        }

        @Override
        public void close()
                throws IOException
        {
            input.close();
        }
    }
}
