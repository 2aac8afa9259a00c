package io.dredge.core.iceberg;

import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import static java.util.Objects.requireNonNull;

/**
 * Iceberg's {@link FileIO} over Dredge's {@link FileStore} port, so that Iceberg metadata is read through the
 * same file-system configuration as the engine's. Files are written as {@link FileStore#create} writes them: a file
 * that exists is never overwritten.
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
        return new StoreOutputFile(path);
    }

    @Override
    public void deleteFile(String path)
    {
        try {
            fileStore.deleteFile(path);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to delete " + path, e);
        }
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

    private final class StoreOutputFile
            implements OutputFile
    {
        private final String path;

        private StoreOutputFile(String path)
        {
            this.path = requireNonNull(path, "path is null");
        }

        @Override
        public PositionOutputStream create()
        {
            try {
                return new StoreOutputStream(fileStore.create(path));
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to create " + path, e);
            }
        }

        @Override
        public PositionOutputStream createOrOverwrite()
        {
            // the port cannot replace a file in one step; Dredge writes Iceberg files only where none exist
            throw new UnsupportedOperationException("Dredge does not overwrite Iceberg files: " + path);
        }

        @Override
        public String location()
        {
            return path;
        }

        @Override
        public InputFile toInputFile()
        {
            return new StoreInputFile(path, -1);
        }
    }

    private static final class StoreOutputStream
            extends PositionOutputStream
    {
        private final OutputStream output;
        private long position;

        private StoreOutputStream(OutputStream output)
        {
            this.output = requireNonNull(output, "output is null");
        }

        @Override
        public long getPos()
        {
            return position;
        }

        @Override
        public void write(int b)
                throws IOException
        {
            output.write(b);
            position++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length)
                throws IOException
        {
            output.write(buffer, offset, length);
            position += length;
        }

        @Override
        public void flush()
                throws IOException
        {
            output.flush();
        }

        @Override
        public void close()
                throws IOException
        {
            output.close();
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
