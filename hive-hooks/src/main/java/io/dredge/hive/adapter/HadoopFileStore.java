package io.dredge.hive.adapter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.orc.OrcFile;
import org.apache.orc.Reader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The lake's files through Hadoop's {@code FileSystem}, configured as Hive's session is: HDFS, object stores and
 * local disk as Hive itself reaches them.
 */
public final class HadoopFileStore
        implements FileStore
{
    private final Configuration configuration;

    public HadoopFileStore(Configuration configuration)
    {
        this.configuration = requireNonNull(configuration, "configuration is null");
    }

    @Override
    public List<StoredFile> listStoredFiles(String location)
            throws IOException
    {
        Path path = new Path(location);
        FileSystem fileSystem = fileSystem(path);
        ImmutableList.Builder<StoredFile> files = ImmutableList.builder();
        try {
            if (fileSystem instanceof LocalFileSystem) {
                // listFiles makes a LocatedFileStatus of each file, which on local disk without Hadoop's native library
                // runs a shell command per file for its permissions: seconds per thousand files
                Deque<Path> directories = new ArrayDeque<>(List.of(path));
                while (!directories.isEmpty()) {
                    for (FileStatus status : fileSystem.listStatus(directories.pop())) {
                        if (status.isDirectory()) {
                            directories.push(status.getPath());
                        }
                        else {
                            files.add(new StoredFile(status.getPath().toString(), status.getLen(), Instant.ofEpochMilli(status.getModificationTime())));
                        }
                    }
                }
                return files.build();
            }
            RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(path, true);
            while (iterator.hasNext()) {
                LocatedFileStatus status = iterator.next();
                files.add(new StoredFile(status.getPath().toString(), status.getLen(), Instant.ofEpochMilli(status.getModificationTime())));
            }
        }
        catch (FileNotFoundException e) {
            return ImmutableList.of();
        }
        return files.build();
    }

    @Override
    public long length(String path)
            throws IOException
    {
        Path file = new Path(path);
        return fileSystem(file).getFileStatus(file).getLen();
    }

    @Override
    public SeekableInput newInput(String path)
            throws IOException
    {
        Path file = new Path(path);
        return new HadoopSeekableInput(fileSystem(file).open(file));
    }

    @Override
    public Optional<byte[]> readFile(String path)
            throws IOException
    {
        Path file = new Path(path);
        try (FSDataInputStream input = fileSystem(file).open(file)) {
            return Optional.of(input.readAllBytes());
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public OutputStream create(String path)
            throws IOException
    {
        Path file = new Path(path);
        return fileSystem(file).create(file, false);
    }

    @Override
    public void writeFile(String path, byte[] content)
            throws IOException
    {
        Path file = new Path(path);
        try (OutputStream output = fileSystem(file).create(file, true)) {
            output.write(content);
        }
    }

    @Override
    public void moveFile(String source, String target)
            throws IOException
    {
        Path from = new Path(source);
        Path to = new Path(target);
        FileSystem fileSystem = fileSystem(from);
        if (fileSystem.exists(to)) {
            throw new IOException("cannot move %s: %s exists".formatted(source, target));
        }
        fileSystem.mkdirs(to.getParent());
        if (!fileSystem.rename(from, to)) {
            throw new IOException("failed to move %s to %s".formatted(source, target));
        }
    }

    @Override
    public boolean renameDirectory(String source, String target)
            throws IOException
    {
        Path from = new Path(source);
        Path to = new Path(target);
        FileSystem fileSystem = fileSystem(from);
        // object stores copy object by object: no single step, so no rename at all
        if (Locations.isObjectStore(fileSystem.getUri().toString()) || fileSystem.exists(to)) {
            return false;
        }
        fileSystem.mkdirs(to.getParent());
        return fileSystem.rename(from, to);
    }

    @Override
    public void deleteFile(String path)
            throws IOException
    {
        Path file = new Path(path);
        fileSystem(file).delete(file, false);
    }

    @Override
    public void deleteDirectory(String location)
            throws IOException
    {
        Path directory = new Path(location);
        fileSystem(directory).delete(directory, true);
    }

    @Override
    public Map<String, Long> footerRowCounts(String storageFormat, Collection<TableFile> files)
    {
        ImmutableMap.Builder<String, Long> counts = ImmutableMap.builder();
        for (TableFile file : files) {
            rowCount(storageFormat, new Path(file.path())).ifPresent(count -> counts.put(file.path(), count));
        }
        return counts.buildKeepingLast();
    }

    private Optional<Long> rowCount(String storageFormat, Path file)
    {
        try {
            return switch (storageFormat) {
                case "PARQUET" -> {
                    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, configuration))) {
                        yield Optional.of(reader.getRecordCount());
                    }
                }
                case "ORC" -> {
                    try (Reader reader = OrcFile.createReader(file, OrcFile.readerOptions(configuration))) {
                        yield Optional.of(reader.getNumberOfRows());
                    }
                }
                default -> Optional.empty();
            };
        }
        catch (IOException | RuntimeException e) {
            // not a file of that format: the caller counts it some other way
            return Optional.empty();
        }
    }

    private FileSystem fileSystem(Path path)
            throws IOException
    {
        return path.getFileSystem(configuration);
    }

    private static final class HadoopSeekableInput
            extends SeekableInput
    {
        private final FSDataInputStream stream;

        private HadoopSeekableInput(FSDataInputStream stream)
        {
            this.stream = requireNonNull(stream, "stream is null");
        }

        @Override
        public long getPosition()
                throws IOException
        {
            return stream.getPos();
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
