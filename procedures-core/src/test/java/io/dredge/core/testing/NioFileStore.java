package io.dredge.core.testing;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.ChannelSeekableInput;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The {@link FileStore} port over the local disk, for {@code file:} locations as the thrift metastore spells them. The
 * plugin's own file store is built inside a Trino catalog; tests that call the core directly use this one.
 */
public class NioFileStore
        implements FileStore
{
    public static Path path(String location)
    {
        return Path.of(URI.create(location.startsWith("file:") ? location : "file:" + location));
    }

    @Override
    public List<StoredFile> listStoredFiles(String location)
            throws IOException
    {
        Path directory = path(location);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            ImmutableList.Builder<StoredFile> result = ImmutableList.builder();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                result.add(new StoredFile(file.toUri().toString(), Files.size(file), Files.getLastModifiedTime(file).toInstant()));
            }
            return result.build();
        }
    }

    @Override
    public long length(String path)
            throws IOException
    {
        return Files.size(path(path));
    }

    @Override
    public SeekableInput newInput(String path)
            throws IOException
    {
        return ChannelSeekableInput.open(path(path));
    }

    @Override
    public Optional<byte[]> readFile(String path)
            throws IOException
    {
        Path file = path(path);
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    public OutputStream create(String path)
            throws IOException
    {
        Path file = path(path);
        Files.createDirectories(file.getParent());
        return Files.newOutputStream(file, CREATE_NEW, WRITE);
    }

    @Override
    public void writeFile(String path, byte[] content)
            throws IOException
    {
        Path file = path(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    @Override
    public void moveFile(String source, String target)
            throws IOException
    {
        Files.createDirectories(path(target).getParent());
        Files.move(path(source), path(target));
    }

    @Override
    public boolean renameDirectory(String source, String target)
            throws IOException
    {
        if (Files.exists(path(target))) {
            return false;
        }
        // as the engines' adapters do (HDFS wants the new parent to exist)
        Files.createDirectories(path(target).getParent());
        Files.move(path(source), path(target), StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    @Override
    public void deleteFile(String path)
            throws IOException
    {
        Files.deleteIfExists(path(path));
    }

    @Override
    public void deleteDirectory(String location)
            throws IOException
    {
        Path directory = path(location);
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Override
    public Map<String, Long> footerRowCounts(String storageFormat, Collection<TableFile> files)
    {
        return Map.of();
    }
}
