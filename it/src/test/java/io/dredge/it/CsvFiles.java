package io.dredge.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.String.format;

/**
 * Comma-separated files of {@code id, name} rows written straight into a table's or partition's directory, as an
 * export tool leaves them: each file with a header line, or a footer line, that the table says to skip.
 */
final class CsvFiles
{
    static final int ROWS_PER_FILE = 5;

    private CsvFiles() {}

    /**
     * Writes {@code files} files of {@link #ROWS_PER_FILE} rows each, ids from {@code firstId}, each file starting
     * with the header line {@code id,name}.
     */
    static void writeWithHeader(Path directory, int files, int firstId)
            throws IOException
    {
        write(directory, files, firstId, "id,name\n", "");
    }

    /**
     * As {@link #writeWithHeader}, each file ending with the footer line {@code total,5} instead.
     */
    static void writeWithFooter(Path directory, int files, int firstId)
            throws IOException
    {
        write(directory, files, firstId, "", format("total,%s\n", ROWS_PER_FILE));
    }

    private static void write(Path directory, int files, int firstId, String header, String footer)
            throws IOException
    {
        Files.createDirectories(directory);
        for (int file = 0; file < files; file++) {
            StringBuilder text = new StringBuilder(header);
            for (int row = 0; row < ROWS_PER_FILE; row++) {
                int id = firstId + file * ROWS_PER_FILE + row;
                text.append(id).append(",n").append(id).append('\n');
            }
            Files.writeString(directory.resolve(format("export_%03d.csv", file)), text.append(footer));
        }
    }
}
