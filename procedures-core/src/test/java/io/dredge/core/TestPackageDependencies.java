package io.dredge.core;

import com.google.common.collect.ImmutableSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's packages form no cycle, and the frame every operation shares ({@code operation}) and the layers under
 * it know nothing of the operations: read from the imports of the sources, so a change that adds a cycle fails here.
 */
class TestPackageDependencies
{
    private static final Path SOURCES = Path.of("src/main/java/io/dredge/core");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.dredge\\.core\\.([a-z]+)\\.", Pattern.MULTILINE);
    private static final Set<String> OPERATIONS = ImmutableSet.of("compaction", "backup", "hygiene", "maintenance");

    @Test
    void testNoPackageCycle()
    {
        Map<String, Set<String>> dependencies = dependencies();
        assertThat(dependencies).containsKeys("operation", "compaction", "backup", "model", "port");
        for (String start : dependencies.keySet()) {
            assertThat(reachable(dependencies, start)).as("packages reachable from %s", start).doesNotContain(start);
        }
    }

    @Test
    void testTheFrameAndWhatItStandsOnKnowNoOperation()
    {
        Map<String, Set<String>> dependencies = dependencies();
        for (String layer : List.of("operation", "model", "port", "sql", "journal", "location", "iceberg", "report")) {
            assertThat(reachable(dependencies, layer)).as("packages %s depends on", layer).doesNotContainAnyElementsOf(OPERATIONS);
        }
    }

    private static Set<String> reachable(Map<String, Set<String>> dependencies, String start)
    {
        Set<String> seen = new HashSet<>();
        List<String> pending = new ArrayList<>(dependencies.getOrDefault(start, Set.of()));
        while (!pending.isEmpty()) {
            String next = pending.remove(pending.size() - 1);
            if (seen.add(next)) {
                pending.addAll(dependencies.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }

    private static Map<String, Set<String>> dependencies()
    {
        Map<String, Set<String>> dependencies = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String from = relative.getName(0).toString();
                Set<String> targets = dependencies.computeIfAbsent(from, ignored -> new TreeSet<>());
                Matcher matcher = IMPORT.matcher(Files.readString(file));
                while (matcher.find()) {
                    if (!matcher.group(1).equals(from)) {
                        targets.add(matcher.group(1));
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dependencies;
    }
}
