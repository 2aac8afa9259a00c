package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.sql.SqlDialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * Header and footer lines of text files that a table skips ({@code skip.header.line.count},
 * {@code skip.footer.line.count}, as a table parameter or as a serde parameter of the table or of a partition): the
 * engines do not read them alike, and an operation refuses such a table before it writes anything where its engine
 * would get them wrong.
 *
 * <p>Hive 4.0.1 does not skip them in files it reads combined (its default input format), so its row counts and
 * checksums take them for rows, and a rewrite by Hive stores them as rows: a verification by Hive reads the original
 * the same wrong way and cannot see it (a reader is not a witness). Trino skips them as it reads and writes one header
 * line, and its writer refuses footer lines and more than one header line. So Hive refuses every table that skips a
 * line; Trino refuses to rewrite one its writer cannot write, and copies (backup, restore) any.
 */
public final class SkippedLines
{
    public static final String HEADER_PROPERTY = "skip.header.line.count";
    public static final String FOOTER_PROPERTY = "skip.footer.line.count";

    private final SqlDialect engine;
    private final boolean rewrite;

    private SkippedLines(SqlDialect engine, boolean rewrite)
    {
        this.engine = requireNonNull(engine, "engine is null");
        this.rewrite = rewrite;
    }

    /**
     * A compaction: the engine reads the table, writes a copy and verifies it against the original.
     */
    public static SkippedLines compaction(SqlDialect engine)
    {
        return new SkippedLines(engine, true);
    }

    /**
     * A backup or a restore: the files are copied as they are and the engine counts and checksums the rows.
     */
    public static SkippedLines copy(SqlDialect engine)
    {
        return new SkippedLines(engine, false);
    }

    /**
     * Whether this engine refuses any table for this operation: when not, there is nothing to read.
     */
    public boolean refusesAny()
    {
        return engine == SqlDialect.HIVE || rewrite;
    }

    /**
     * Refuses the table, or the backup of it, when it or one of {@code partitions} skips lines this engine would get
     * wrong.
     *
     * @param refused what cannot be done, to start the message ({@code cannot compact demo.events})
     * @param procedure the procedure of Trino's Dredge that does it right
     */
    public void require(String refused, String procedure, HiveTableDefinition table, List<HivePartitionDefinition> partitions)
    {
        if (!refusesAny()) {
            return;
        }
        List<String> found = new ArrayList<>();
        addRefused(found, "table parameter", table.parameters());
        addRefused(found, "serde parameter", table.storage().serdeParameters());
        for (HivePartitionDefinition partition : partitions) {
            addRefused(found, "serde parameter of partition " + partition.name(), partition.storage().serdeParameters());
            addRefused(found, "parameter of partition " + partition.name(), partition.parameters());
        }
        if (found.isEmpty()) {
            return;
        }
        String setting = found.get(0) + (found.size() > 1 ? " (and %s more)".formatted(found.size() - 1) : "");
        if (engine == SqlDialect.HIVE) {
            throw new DredgeException(NOT_SUPPORTED, ("%s: its text files have lines to skip (%s), and Hive 4.0.1 does not skip header and footer lines in files it reads combined, " +
                    "so its row counts and checksums would take those lines for rows, and so would a copy Hive wrote; use Trino's Dredge (CALL dredge.system.%s), which reads them as the table says")
                    .formatted(refused, setting, procedure));
        }
        throw new DredgeException(NOT_SUPPORTED, ("%s: its text files have lines to skip (%s), and Trino's Hive connector writes no footer lines and at most one header line, " +
                "so a rewritten copy would lose them; the table is left as it is").formatted(refused, setting));
    }

    private void addRefused(List<String> found, String where, Map<String, String> properties)
    {
        for (String property : List.of(HEADER_PROPERTY, FOOTER_PROPERTY)) {
            String value = properties.get(property);
            if (value != null && refuses(property, lines(value))) {
                found.add("%s %s = %s".formatted(where, property, value));
            }
        }
    }

    private boolean refuses(String property, long lines)
    {
        if (engine == SqlDialect.HIVE) {
            return lines > 0;
        }
        return rewrite && (property.equals(FOOTER_PROPERTY) ? lines > 0 : lines > 1);
    }

    /**
     * A value that is no number may mean anything to either engine: it counts as lines to skip.
     */
    private static long lines(String value)
    {
        try {
            return Long.parseLong(value.trim());
        }
        catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
