package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.airlift.log.Logger;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.ChannelSeekableInput;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;
import io.trino.filesystem.FileEntry;
import io.trino.filesystem.FileIterator;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoInputFile;
import io.trino.filesystem.TrinoInputStream;
import io.trino.orc.OrcDataSource;
import io.trino.orc.OrcDataSourceId;
import io.trino.orc.OrcReader;
import io.trino.orc.OrcReaderOptions;
import io.trino.orc.metadata.StripeInformation;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.reader.MetadataReader;
import io.trino.plugin.base.metrics.FileFormatDataSourceStats;
import io.trino.plugin.hive.orc.HdfsOrcDataSource;
import io.trino.plugin.hive.parquet.TrinoParquetDataSource;
import org.apache.parquet.format.RowGroup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

/**
 * The {@link FileStore} port over the file system Trino's Hive connector would use for the same locations.
 */
final class TrinoFileStore
        implements FileStore
{
    private static final Logger log = Logger.get(TrinoFileStore.class);
    private static final int LOCAL_BUFFER_SIZE = 64 * 1024;

    private final TrinoFileSystem fileSystem;
    private final Executor footerExecutor;

    TrinoFileStore(TrinoFileSystem fileSystem, Executor footerExecutor)
    {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.footerExecutor = requireNonNull(footerExecutor, "footerExecutor is null");
    }

    @Override
    public List<StoredFile> listStoredFiles(String location)
            throws IOException
    {
        Optional<Path> localDirectory = LocalFileListing.localDirectory(location);
        if (localDirectory.isPresent()) {
            return LocalFileListing.listStoredFiles(location, localDirectory.get());
        }
        ImmutableList.Builder<StoredFile> files = ImmutableList.builder();
        FileIterator iterator = fileSystem.listFiles(Location.of(location));
        while (iterator.hasNext()) {
            FileEntry entry = iterator.next();
            files.add(new StoredFile(entry.location().toString(), entry.length(), entry.lastModified()));
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
        Optional<Path> localFile = LocalFileListing.localDirectory(path);
        if (localFile.isPresent()) {
            // as create() writes them: Hadoop's local file system looks for a .crc file beside every file it opens,
            // which was a sixth of a backup's copy threads' time on a table of small files
            return ChannelSeekableInput.open(localFile.get());
        }
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
    public OutputStream create(String path)
            throws IOException
    {
        Optional<Path> localFile = LocalFileListing.localDirectory(path);
        if (localFile.isPresent()) {
            // straight to the operating system, as file: locations are listed: Hadoop's local file system would write a
            // .crc file beside every file and checksum it again, which made backup copies several times slower than cp
            Files.createDirectories(localFile.get().getParent());
            return new BufferedOutputStream(Files.newOutputStream(localFile.get(), CREATE_NEW, WRITE), LOCAL_BUFFER_SIZE);
        }
        Location location = Location.of(path);
        fileSystem.createDirectory(location.parentDirectory());
        return fileSystem.newOutputFile(location).create();
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
    public boolean renameDirectory(String source, String target)
            throws IOException
    {
        Location to = Location.of(target);
        if (fileSystem.directoryExists(to).orElse(false) || fileSystem.newInputFile(to).exists()) {
            return false;
        }
        try {
            // a file system that renames directories (HDFS) wants the new parent to exist
            fileSystem.createDirectory(to.parentDirectory());
            fileSystem.renameDirectory(Location.of(source), to);
            return true;
        }
        catch (IOException | UnsupportedOperationException e) {
            // object stores have no directory rename; the caller moves the files one by one
            if (fileSystem.directoryExists(Location.of(source)).orElse(true)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void deleteDirectory(String location)
            throws IOException
    {
        fileSystem.deleteDirectory(Location.of(location));
    }

    @Override
    public Map<String, Long> footerRowCounts(String storageFormat, Collection<TableFile> files)
    {
        FooterReader reader = switch (storageFormat) {
            case "ORC" -> TrinoFileStore::orcRowCount;
            case "PARQUET" -> TrinoFileStore::parquetRowCount;
            default -> null;
        };
        if (reader == null) {
            return ImmutableMap.of();
        }
        // each footer is a small read at the end of its file: many at a time, as a split loader would
        Map<String, CompletableFuture<OptionalLong>> pending = new LinkedHashMap<>();
        for (TableFile file : files) {
            pending.put(file.path(), CompletableFuture.supplyAsync(() -> rowCount(reader, file), footerExecutor));
        }
        ImmutableMap.Builder<String, Long> counts = ImmutableMap.builder();
        pending.forEach((path, count) -> count.join().ifPresent(rows -> counts.put(path, rows)));
        return counts.buildKeepingLast();
    }

    private OptionalLong rowCount(FooterReader reader, TableFile file)
    {
        if (file.sizeBytes() == 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(reader.rowCount(fileSystem.newInputFile(Location.of(file.path()), file.sizeBytes())));
        }
        catch (IOException | RuntimeException e) {
            // not this format after all, or unreadable: the caller counts these rows through the engine instead
            log.debug("no footer row count for %s: %s", file.path(), e.toString());
            return OptionalLong.empty();
        }
    }

    /**
     * The rows of the file's stripes (ORC) or row groups (Parquet): what the engine adds up for {@code count(*)}.
     */
    private static long orcRowCount(TrinoInputFile file)
            throws IOException
    {
        OrcReaderOptions options = new OrcReaderOptions();
        try (OrcDataSource source = new HdfsOrcDataSource(new OrcDataSourceId(file.location().toString()), file.length(), options, file, new FileFormatDataSourceStats())) {
            return OrcReader.createOrcReader(source, options)
                    .orElseThrow(() -> new IOException("empty ORC file " + file.location()))
                    .getFooter()
                    .getStripes().stream()
                    .mapToLong(StripeInformation::getNumberOfRows)
                    .sum();
        }
    }

    private static long parquetRowCount(TrinoInputFile file)
            throws IOException
    {
        try (ParquetDataSource source = new TrinoParquetDataSource(file, ParquetReaderOptions.defaultOptions(), new FileFormatDataSourceStats())) {
            return MetadataReader.readFooter(source, Optional.empty()).getParquetMetadata().getRow_groups().stream()
                    .mapToLong(RowGroup::getNum_rows)
                    .sum();
        }
    }

    @FunctionalInterface
    private interface FooterReader
    {
        long rowCount(TrinoInputFile file)
                throws IOException;
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
