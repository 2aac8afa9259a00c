package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;
import io.trino.filesystem.FileEntry;
import io.trino.filesystem.FileIterator;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoInputFile;
import io.trino.filesystem.TrinoInputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The {@link FileStore} port over the file system Trino's Hive connector would use for the same locations.
 */
final class TrinoFileStore
        implements FileStore
{
    private final TrinoFileSystem fileSystem;

    TrinoFileStore(TrinoFileSystem fileSystem)
    {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
    }

    @Override
    public List<TableFile> listFilesRecursively(String location)
            throws IOException
    {
        ImmutableList.Builder<TableFile> files = ImmutableList.builder();
        FileIterator iterator = fileSystem.listFiles(Location.of(location));
        while (iterator.hasNext()) {
            FileEntry entry = iterator.next();
            files.add(new TableFile(entry.location().toString(), entry.length()));
        }
        return files.build();
    }

    @Override
    public long length(String path)
            throws IOException
    {
        return fileSystem.newInputFile(Location.of(path)).length();
    }

    @Override
    public SeekableInput newInput(String path)
            throws IOException
    {
        return new TrinoSeekableInput(fileSystem.newInputFile(Location.of(path)).newStream());
    }

    @Override
    public Optional<byte[]> readFile(String path)
            throws IOException
    {
        TrinoInputFile file = fileSystem.newInputFile(Location.of(path));
        if (!file.exists()) {
            return Optional.empty();
        }
        try (TrinoInputStream stream = file.newStream()) {
            return Optional.of(stream.readAllBytes());
        }
    }

    @Override
    public void writeFile(String path, byte[] content)
            throws IOException
    {
        Location location = Location.of(path);
        fileSystem.createDirectory(location.parentDirectory());
        fileSystem.newOutputFile(location).createOrOverwrite(content);
    }

    @Override
    public void moveFile(String source, String target)
            throws IOException
    {
        Location from = Location.of(source);
        Location to = Location.of(target);
        if (fileSystem.newInputFile(to).exists()) {
            throw new IOException("cannot move %s: %s exists".formatted(source, target));
        }
        try {
            fileSystem.renameFile(from, to);
            return;
        }
        catch (IOException | UnsupportedOperationException e) {
            // object stores cannot rename: copy, then delete
            if (!fileSystem.newInputFile(from).exists()) {
                throw e;
            }
        }
        try (TrinoInputStream input = fileSystem.newInputFile(from).newStream();
                OutputStream output = fileSystem.newOutputFile(to).create()) {
            input.transferTo(output);
        }
        fileSystem.deleteFile(from);
    }

    @Override
    public void deleteFile(String path)
            throws IOException
    {
        Location location = Location.of(path);
        if (fileSystem.newInputFile(location).exists()) {
            fileSystem.deleteFile(location);
        }
    }

    @Override
    public void deleteDirectory(String location)
            throws IOException
    {
        fileSystem.deleteDirectory(Location.of(location));
    }

    private static final class TrinoSeekableInput
            extends SeekableInput
    {
        private final TrinoInputStream stream;

        private TrinoSeekableInput(TrinoInputStream stream)
        {
            this.stream = requireNonNull(stream, "stream is null");
        }

        @Override
        public long getPosition()
                throws IOException
        {
            return stream.getPosition();
        }

        @Override
        public void seek(long position)
                throws IOException
        {
            stream.seek(position);
        }

        @Override
        public int read()
                throws IOException
        {
            return stream.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            return stream.read(buffer, offset, length);
        }

        @Override
        public void close()
                throws IOException
        {
            stream.close();
        }
    }
}
