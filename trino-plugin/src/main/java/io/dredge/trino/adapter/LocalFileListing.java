package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.StoredFile;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;


/**
 * Recursive listings of {@code file:} locations (a thrift metastore's local or NFS-mounted warehouse) read straight
 * from the operating system. Trino reads these locations through Hadoop's local file system, which lists a directory
 * several times slower than the operating system does (a status object, and a permission lookup, per file), and
 * hands back exactly what this returns: every file below the directory, following symbolic links, without the
 * {@code .crc} files its checksumming layer writes beside each file.
 */
final class LocalFileListing
{
    private LocalFileListing() {}

    /**
     * The directory a {@code file:} location names, or empty for every other scheme.
     */
    static Optional<Path> localDirectory(String location)
    {
        if (!location.startsWith("file:")) {
            return Optional.empty();
        }
        // a literal path, as Hadoop reads it: partition directories hold escapes such as "%20" in their names
        String rest = location.substring("file:".length());
        if (rest.startsWith("//") && !rest.startsWith("///")) {
            // file://host/...: another machine's disk
            return Optional.empty();
        }
        return Optional.of(Path.of(Locations.pathPart(location)));
    }

    /**
     * Every file below {@code directory}, named as {@code location} plus its relative path, as Trino's file system
     * names them, with its size and modification time; nothing when the directory does not exist, as Trino's file
     * systems answer.
     */
    static List<StoredFile> listStoredFiles(String location, Path directory)
            throws IOException
    {
        if (!Files.isDirectory(directory)) {
            return ImmutableList.of();
        }
        String prefix = location.endsWith("/") ? location : location + "/";
        ImmutableList.Builder<StoredFile> files = ImmutableList.builder();
        Files.walkFileTree(directory, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            {
                String name = file.getFileName().toString();
                if (attributes.isRegularFile() && !isChecksumFile(name)) {
                    files.add(new StoredFile(prefix + directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"), attributes.size(), attributes.lastModifiedTime().toInstant()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure)
                    throws IOException
            {
                if (failure instanceof FileSystemLoopException) {
                    throw new IOException("symbolic link loop below " + location + ": " + file, failure);
                }
                // deleted while listed, as a concurrent writer's temporary file is: not part of the answer
                if (Files.notExists(file)) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }
        });
        return files.build();
    }

    // Hadoop's checksummed local file system keeps ".<name>.crc" beside each file and leaves it out of its listings
    private static boolean isChecksumFile(String name)
    {
        return name.startsWith(".") && name.endsWith(".crc");
    }
}
