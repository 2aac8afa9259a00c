package io.dredge.core.testing;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.PartitionNames;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The {@link SqlEngine} port as a very small Trino over TEXTFILE tables, for the core's fast tier. Tables are those of
 * an {@link InMemoryMetastore}; a table's rows are the lines of the visible files directly in each partition's
 * directory (or the table's), fields separated by Hive's default {@code \u0001}, {@code \N} for NULL, partition values
 * read from the partition's name. Each statement is executed on that state: the rewrite {@code INSERT} writes new
 * files and registers new partitions, the verification counts and checksums the rows it reads on both sides, so a
 * copy that lost or moved a value fails verification here as on Trino.
 *
 * <p>It parses the statement shapes Dredge generates in the Trino dialect and throws
 * {@link UnsupportedOperationException} for any other, so that a change to that SQL fails a fast test rather than
 * passing unseen; an error Trino would raise (a table or column that does not exist, a type mismatch) is an
 * {@link IllegalArgumentException}. Every statement received is recorded, in order.
 */
public final class TextTableEngine
        implements SqlEngine
{
    public static final String FIELD_SEPARATOR = "\u0001";
    public static final String NULL_FIELD = "\\N";
    private static final String PARTITION_NAME_COLUMN = "$partition";
    private static final String PARTITIONS_TABLE_SUFFIX = "$partitions";
    private static final String HASH_OPERATOR = "$operator$xx_hash_64";
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "int", "integer", "bigint");
    private static final Pattern BYTES = Pattern.compile("([0-9]+)B");
    private static final HashFunction HASH = Hashing.murmur3_128();

    private final InMemoryMetastore metastore;
    private final String catalog;
    private final List<String> statements = new CopyOnWriteArrayList<>();
    private final AtomicInteger queries = new AtomicInteger();

    public TextTableEngine(InMemoryMetastore metastore, String catalog)
    {
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public SqlDialect dialect()
    {
        return SqlDialect.TRINO;
    }

    /**
     * Every statement received, refused ones too, in the order they came.
     */
    public List<String> statements()
    {
        return List.copyOf(statements);
    }

    /**
     * The rows the table reads now, each as its columns' values in {@code SELECT *} order; for a test, and not recorded.
     */
    public List<List<Object>> rows(TableReference table)
    {
        TableDescriptor descriptor = textTable(table);
        List<List<Object>> rows = new ArrayList<>();
        for (Source source : sources(descriptor)) {
            for (Map<String, Object> row : read(descriptor, source)) {
                rows.add(descriptor.allColumns().stream().map(row::get).toList());
            }
        }
        return rows;
    }

    @Override
    public List<List<Object>> query(String sql, Map<String, String> sessionProperties)
    {
        statements.add(sql);
        Parser parser = new Parser(sql);
        if (parser.acceptWord("explain")) {
            // the access checks: analysed, not run
            parser.expectSymbol("(");
            parser.expectWord("type");
            parser.expectWord("validate");
            parser.expectSymbol(")");
            if (parser.acceptWord("select")) {
                // the read-access check
                parser.expectSymbol("*");
                parser.expectWord("from");
                List<String> name = parser.qualifiedName();
                parser.expectEnd();
                textTable(new TableReference(name.get(1), name.get(2)));
                return List.of(List.of(true));
            }
            Insert insert = parser.insert();
            parser.expectEnd();
            requireInsertable(insert);
            return List.of(List.of(true));
        }
        List<List<Object>> rows = new ArrayList<>(execute(parser.select()));
        while (parser.acceptWord("union")) {
            parser.expectWord("all");
            rows.addAll(execute(parser.select()));
        }
        parser.expectEnd();
        return rows;
    }

    @Override
    public long update(String sql, Map<String, String> sessionProperties)
    {
        statements.add(sql);
        Parser parser = new Parser(sql);
        if (parser.acceptWord("call")) {
            List<String> procedure = parser.qualifiedName();
            if (!procedure.equals(List.of(catalog, "system", "flush_metadata_cache"))) {
                throw parser.unknown("procedure " + procedure);
            }
            Map<String, String> arguments = parser.namedArguments();
            parser.expectEnd();
            requireTable(new TableReference(arguments.get("schema_name"), arguments.get("table_name")));
            // nothing to flush: every statement here reads the metastore and the files afresh
            return 0;
        }
        Insert insert = parser.insert();
        parser.expectEnd();
        return insert(insert, sessionProperties);
    }

    // ---- execution

    private record Insert(TableReference target, TableReference source, Optional<Expression> where) {}

    private record Select(boolean distinct, List<Item> items, TableReference table, boolean partitionsTable, Optional<Expression> where, OptionalInt groupBy) {}

    /**
     * A partition (or the whole unpartitioned table): where its files are, and the values its rows have beside their
     * files' (partition columns and {@code "$partition"}).
     */
    private record Source(Optional<String> name, String location, Map<String, Object> values) {}

    private void requireInsertable(Insert insert)
    {
        TableDescriptor target = textTable(insert.target());
        TableDescriptor source = textTable(insert.source());
        if (!target.allColumns().equals(source.allColumns()) || !target.partitionColumns().equals(source.partitionColumns())) {
            throw new IllegalArgumentException("Insert query has mismatched columns: %s into %s".formatted(source.allColumns(), target.allColumns()));
        }
        insert.where().ifPresent(where -> requirePartitionLevel(source, where));
    }

    /**
     * Copies the selected partitions' rows into the target's same-named partitions, as new files of at most
     * {@code <catalog>.target_max_file_size} (one writer per partition: a partition's small files become one when
     * they fit); a partition without rows gets no file and no partition, as Trino's writer does.
     */
    private long insert(Insert insert, Map<String, String> sessionProperties)
    {
        requireInsertable(insert);
        TableDescriptor target = textTable(insert.target());
        TableDescriptor source = textTable(insert.source());
        long maxFileBytes = Optional.ofNullable(sessionProperties.get(catalog + ".target_max_file_size")).map(TextTableEngine::bytes).orElse(Long.MAX_VALUE);
        String query = "query_%s".formatted(queries.incrementAndGet());
        long written = 0;
        for (Source partition : selected(source, insert.where())) {
            List<String> lines = read(source, partition).stream().map(row -> line(source, row)).toList();
            if (lines.isEmpty()) {
                continue;
            }
            String location = target.partitioned() ? writablePartition(target, partition.name().orElseThrow()) : target.location().orElseThrow();
            write(location, query, lines, maxFileBytes);
            written += lines.size();
        }
        return written;
    }

    private String writablePartition(TableDescriptor table, String name)
    {
        List<PartitionDescriptor> existing = metastore.getPartitions(table.table(), List.of(name));
        if (!existing.isEmpty()) {
            return existing.get(0).location();
        }
        String location = Locations.child(table.location().orElseThrow(), name);
        metastore.addPartition(table.table(), new PartitionDescriptor(name, location, table.storageFormat(), Optional.empty()));
        return location;
    }

    private static void write(String location, String query, List<String> lines, long maxFileBytes)
    {
        List<StringBuilder> files = new ArrayList<>();
        StringBuilder file = null;
        long fileBytes = 0;
        for (String line : lines) {
            long bytes = line.getBytes(UTF_8).length + 1;
            // a file takes at least one line, and no more than fit in the target size
            if (file == null || fileBytes + bytes > maxFileBytes) {
                file = new StringBuilder();
                files.add(file);
                fileBytes = 0;
            }
            file.append(line).append('\n');
            fileBytes += bytes;
        }
        try {
            Path directory = NioFileStore.path(location);
            Files.createDirectories(directory);
            for (int i = 0; i < files.size(); i++) {
                Files.writeString(directory.resolve("%s_%s_%s".formatted(query, i, UUID.randomUUID())), files.get(i), UTF_8);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<List<Object>> execute(Select select)
    {
        TableDescriptor table = textTable(select.table());
        List<String> columns = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        if (select.partitionsTable()) {
            // the partitions table has the partition columns only
            columns.addAll(table.partitionColumns());
            select.where().ifPresent(where -> requireColumns(columns, where.columns()));
            for (Source source : sources(table)) {
                Map<String, Object> values = new HashMap<>(source.values());
                values.remove(PARTITION_NAME_COLUMN);
                if (select.where().map(where -> isTrue(where.evaluate(values))).orElse(true)) {
                    rows.add(values);
                }
            }
        }
        else {
            columns.addAll(table.allColumns());
            if (table.partitioned()) {
                columns.add(PARTITION_NAME_COLUMN);
            }
            for (Source source : selected(table, select.where())) {
                rows.addAll(read(table, source));
            }
        }
        for (Item item : select.items()) {
            requireColumns(columns, item.columns());
        }
        if (select.items().stream().anyMatch(Item::aggregate)) {
            return aggregate(select, rows);
        }
        Set<List<Object>> distinct = new LinkedHashSet<>();
        List<List<Object>> result = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<Object> values = select.items().stream().map(item -> ((Value) item).expression().evaluate(row)).toList();
            if (!select.distinct() || distinct.add(values)) {
                result.add(values);
            }
        }
        return result;
    }

    private static List<List<Object>> aggregate(Select select, List<Map<String, Object>> rows)
    {
        Map<Object, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        Optional<Item> key = Optional.empty();
        if (select.groupBy().isPresent()) {
            int index = select.groupBy().getAsInt() - 1;
            if (index < 0 || index >= select.items().size() || select.items().get(index).aggregate()) {
                throw new IllegalArgumentException("GROUP BY position %s is not a column of the select list".formatted(index + 1));
            }
            Expression grouping = ((Value) select.items().get(index)).expression();
            key = Optional.of(select.items().get(index));
            for (Map<String, Object> row : rows) {
                groups.computeIfAbsent(grouping.evaluate(row), ignored -> new ArrayList<>()).add(row);
            }
        }
        else {
            // a global aggregate has its one row even without input rows
            groups.put("", rows);
        }
        List<List<Object>> result = new ArrayList<>();
        for (List<Map<String, Object>> group : groups.values()) {
            List<Object> values = new ArrayList<>();
            for (Item item : select.items()) {
                if (item instanceof Count) {
                    values.add((long) group.size());
                }
                else if (item instanceof Checksum checksum) {
                    values.add(checksum.of(group));
                }
                else if (key.map(item::equals).orElse(false) || item.columns().isEmpty()) {
                    values.add(group.isEmpty() ? ((Value) item).expression().evaluate(Map.of()) : ((Value) item).expression().evaluate(group.get(0)));
                }
                else {
                    throw new IllegalArgumentException("'%s' must be an aggregate expression or appear in GROUP BY clause".formatted(item));
                }
            }
            result.add(values);
        }
        return result;
    }

    /**
     * The partitions the predicate selects; it is evaluated once per partition, so it may name partition columns only
     * (what Dredge's rewrite and verification predicates do).
     */
    private List<Source> selected(TableDescriptor table, Optional<Expression> where)
    {
        where.ifPresent(expression -> requirePartitionLevel(table, expression));
        return sources(table).stream()
                .filter(source -> where.map(expression -> isTrue(expression.evaluate(source.values()))).orElse(true))
                .toList();
    }

    private static void requirePartitionLevel(TableDescriptor table, Expression where)
    {
        List<String> columns = new ArrayList<>(table.allColumns());
        columns.add(PARTITION_NAME_COLUMN);
        requireColumns(columns, where.columns());
        where.columns().stream()
                .filter(table.dataColumns()::contains)
                .findFirst()
                .ifPresent(column -> {
                    throw new UnsupportedOperationException("the test engine evaluates WHERE per partition; it names data column " + column);
                });
    }

    private static void requireColumns(List<String> available, Set<String> used)
    {
        for (String column : used) {
            if (!available.contains(column)) {
                throw new IllegalArgumentException("Column '%s' cannot be resolved".formatted(column));
            }
        }
    }

    private List<Source> sources(TableDescriptor table)
    {
        if (!table.partitioned()) {
            return List.of(new Source(Optional.empty(), table.location().orElseThrow(), Map.of()));
        }
        List<Source> sources = new ArrayList<>();
        for (PartitionDescriptor partition : metastore.getPartitions(table.table(), metastore.getPartitionNames(table))) {
            if (!partition.storageFormat().equals("TEXTFILE") || partition.storageDifference().isPresent()) {
                throw new UnsupportedOperationException("the test engine reads text partitions stored as their table is, not " + partition);
            }
            List<Optional<String>> values = PartitionNames.values(partition.name());
            Map<String, Object> typed = new HashMap<>();
            for (int i = 0; i < table.partitionColumns().size(); i++) {
                String type = table.partitionColumnTypes().get(i);
                typed.put(table.partitionColumns().get(i), values.get(i).map(value -> typedValue(type, value)).orElse(null));
            }
            typed.put(PARTITION_NAME_COLUMN, partition.name());
            sources.add(new Source(Optional.of(partition.name()), partition.location(), typed));
        }
        return sources;
    }

    private static Object typedValue(String hiveType, String value)
    {
        String type = hiveType.toLowerCase(Locale.ROOT);
        if (type.equals("string") || type.startsWith("varchar")) {
            return value;
        }
        if (INTEGER_TYPES.contains(type)) {
            return Long.parseLong(value);
        }
        if (type.equals("date")) {
            return LocalDate.parse(value);
        }
        if (type.equals("boolean")) {
            return Boolean.parseBoolean(value);
        }
        throw new UnsupportedOperationException("the test engine has no partition values of type " + hiveType);
    }

    private static List<Map<String, Object>> read(TableDescriptor table, Source source)
    {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path file : dataFiles(source)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, UTF_8);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                String[] fields = line.split(FIELD_SEPARATOR, -1);
                Map<String, Object> row = new HashMap<>(source.values());
                for (int i = 0; i < table.dataColumns().size(); i++) {
                    // a short line reads NULL for its missing fields, as Hive's text serde does
                    String field = i < fields.length ? fields[i] : NULL_FIELD;
                    row.put(table.dataColumns().get(i), field.equals(NULL_FIELD) ? null : field);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * The visible files directly in the location: Trino skips names starting with {@code .} or {@code _} and, with
     * {@code hive.recursive-directories} off, subdirectories. A partition whose directory is gone fails the query.
     */
    private static List<Path> dataFiles(Source source)
    {
        Path directory = NioFileStore.path(source.location());
        if (!Files.isDirectory(directory)) {
            if (source.name().isPresent()) {
                throw new IllegalStateException("Partition location does not exist: " + source.location());
            }
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith(".") && !file.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(TableDescriptor table, Map<String, Object> row)
    {
        return String.join(FIELD_SEPARATOR, table.dataColumns().stream().map(column -> row.get(column) == null ? NULL_FIELD : row.get(column).toString()).toList());
    }

    private TableDescriptor requireTable(TableReference table)
    {
        return metastore.getTable(table)
                .orElseThrow(() -> new IllegalArgumentException("Table '%s.%s' does not exist".formatted(catalog, table)));
    }

    private TableDescriptor textTable(TableReference table)
    {
        TableDescriptor descriptor = requireTable(table);
        if (descriptor.view() || !descriptor.storageFormat().equals("TEXTFILE")) {
            throw new UnsupportedOperationException("the test engine reads text tables only, not " + table);
        }
        for (String skipped : List.of("skip.header.line.count", "skip.footer.line.count")) {
            if (!descriptor.parameter(skipped).orElse("0").equals("0")) {
                throw new UnsupportedOperationException("the test engine reads no skipped lines: %s has %s".formatted(table, skipped));
            }
        }
        return descriptor;
    }

    private static long bytes(String size)
    {
        Matcher matcher = BYTES.matcher(size);
        if (!matcher.matches()) {
            throw new UnsupportedOperationException("the test engine takes file sizes in bytes, not " + size);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static boolean isTrue(Object value)
    {
        return Boolean.TRUE.equals(value);
    }

    // ---- select items and expressions

    private interface Item
    {
        default boolean aggregate()
        {
            return false;
        }

        Set<String> columns();
    }

    private record Value(Expression expression)
            implements Item
    {
        @Override
        public Set<String> columns()
        {
            return expression.columns();
        }
    }

    private record Count()
            implements Item
    {
        @Override
        public boolean aggregate()
        {
            return true;
        }

        @Override
        public Set<String> columns()
        {
            return Set.of();
        }
    }

    /**
     * {@code checksum(<row hash>)}: order-independent, the sum of a hash of each row's hash, as Trino's is (with
     * other hash functions); NULL without rows.
     */
    private record Checksum(RowHash hash)
            implements Item
    {
        @Override
        public boolean aggregate()
        {
            return true;
        }

        @Override
        public Set<String> columns()
        {
            return hash.columns();
        }

        byte[] of(List<Map<String, Object>> rows)
        {
            if (rows.isEmpty()) {
                return null;
            }
            long sum = 0;
            for (Map<String, Object> row : rows) {
                Long rowHash = hash.hash(row);
                sum += rowHash == null ? 0x9E3779B97F4A7C15L : HASH.hashLong(rowHash).asLong();
            }
            return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(sum).array();
        }
    }

    /**
     * The row hash of {@link SqlDialect#rowHash}: {@code "$operator$xx_hash_64"(x)}, {@code coalesce(h, 0)} and
     * {@code combine_hash(a, b) = 31 * a + b}.
     */
    private interface RowHash
    {
        Long hash(Map<String, Object> row);

        Set<String> columns();
    }

    private record HashOfColumn(String column)
            implements RowHash
    {
        @Override
        public Long hash(Map<String, Object> row)
        {
            Object value = row.get(column);
            return value == null ? null : HASH.hashString(value.toString(), UTF_8).asLong();
        }

        @Override
        public Set<String> columns()
        {
            return Set.of(column);
        }
    }

    private record HashOfHash(RowHash inner)
            implements RowHash
    {
        @Override
        public Long hash(Map<String, Object> row)
        {
            Long value = inner.hash(row);
            return value == null ? null : HASH.hashLong(value).asLong();
        }

        @Override
        public Set<String> columns()
        {
            return inner.columns();
        }
    }

    private record CoalesceToZero(RowHash inner)
            implements RowHash
    {
        @Override
        public Long hash(Map<String, Object> row)
        {
            return Objects.requireNonNullElse(inner.hash(row), 0L);
        }

        @Override
        public Set<String> columns()
        {
            return inner.columns();
        }
    }

    private record CombineHash(RowHash left, RowHash right)
            implements RowHash
    {
        @Override
        public Long hash(Map<String, Object> row)
        {
            Long first = left.hash(row);
            Long second = right.hash(row);
            return first == null || second == null ? null : 31 * first + second;
        }

        @Override
        public Set<String> columns()
        {
            Set<String> columns = new LinkedHashSet<>(left.columns());
            columns.addAll(right.columns());
            return columns;
        }
    }

    /**
     * A WHERE predicate or a plain select item, evaluated with SQL's three-valued logic: NULL is {@code null}.
     */
    private interface Expression
    {
        Object evaluate(Map<String, Object> row);

        Set<String> columns();
    }

    private record Literal(Object value)
            implements Expression
    {
        @Override
        public Object evaluate(Map<String, Object> row)
        {
            return value;
        }

        @Override
        public Set<String> columns()
        {
            return Set.of();
        }
    }

    private record Column(String name)
            implements Expression
    {
        @Override
        public Object evaluate(Map<String, Object> row)
        {
            return row.get(name);
        }

        @Override
        public Set<String> columns()
        {
            return Set.of(name);
        }
    }

    private record Logical(String operator, List<Expression> operands)
            implements Expression
    {
        @Override
        public Object evaluate(Map<String, Object> row)
        {
            if (operator.equals("not")) {
                Boolean value = bool(operands.get(0).evaluate(row));
                return value == null ? null : !value;
            }
            boolean and = operator.equals("and");
            boolean unknown = false;
            for (Expression operand : operands) {
                Boolean value = bool(operand.evaluate(row));
                if (value == null) {
                    unknown = true;
                }
                else if (value != and) {
                    return value;
                }
            }
            return unknown ? null : and;
        }

        @Override
        public Set<String> columns()
        {
            return union(operands);
        }

        private static Boolean bool(Object value)
        {
            if (value != null && !(value instanceof Boolean)) {
                throw new IllegalArgumentException("not a boolean: " + value);
            }
            return (Boolean) value;
        }
    }

    private record Comparison(String operator, Expression left, Expression right)
            implements Expression
    {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Object evaluate(Map<String, Object> row)
        {
            Object first = left.evaluate(row);
            Object second = right.evaluate(row);
            if (first == null || second == null) {
                return null;
            }
            requireSameType(operator, first, second);
            int order = ((Comparable) first).compareTo(second);
            return switch (operator) {
                case "=" -> order == 0;
                case "<>", "!=" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> throw new UnsupportedOperationException("operator " + operator);
            };
        }

        @Override
        public Set<String> columns()
        {
            return union(List.of(left, right));
        }
    }

    private record In(Expression value, List<Expression> list, boolean negated)
            implements Expression
    {
        @Override
        public Object evaluate(Map<String, Object> row)
        {
            Object searched = value.evaluate(row);
            if (searched == null) {
                return null;
            }
            boolean unknown = false;
            for (Expression candidate : list) {
                Object other = candidate.evaluate(row);
                if (other == null) {
                    unknown = true;
                    continue;
                }
                requireSameType("IN", searched, other);
                if (searched.equals(other)) {
                    return !negated;
                }
            }
            return unknown ? null : negated;
        }

        @Override
        public Set<String> columns()
        {
            List<Expression> all = new ArrayList<>(list);
            all.add(value);
            return union(all);
        }
    }

    private record IsNull(Expression value, boolean negated)
            implements Expression
    {
        @Override
        public Object evaluate(Map<String, Object> row)
        {
            return (value.evaluate(row) == null) != negated;
        }

        @Override
        public Set<String> columns()
        {
            return value.columns();
        }
    }

    private static void requireSameType(String operator, Object left, Object right)
    {
        if (left.getClass() != right.getClass()) {
            throw new IllegalArgumentException("Cannot apply operator: %s %s %s".formatted(left.getClass().getSimpleName(), operator, right.getClass().getSimpleName()));
        }
    }

    private static Set<String> union(List<Expression> expressions)
    {
        Set<String> columns = new LinkedHashSet<>();
        expressions.forEach(expression -> columns.addAll(expression.columns()));
        return columns;
    }

    // ---- parsing

    private enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL, END }

    private record Token(Kind kind, String text)
    {
        boolean is(Kind expected, String value)
        {
            return kind == expected && (kind == Kind.WORD ? text.equalsIgnoreCase(value) : text.equals(value));
        }
    }

    /**
     * Recursive descent over the shapes Dredge generates, and a partition filter's comparisons.
     */
    private final class Parser
    {
        private final String sql;
        private final List<Token> tokens;
        private int position;

        Parser(String sql)
        {
            this.sql = sql;
            this.tokens = tokenize(sql);
        }

        Insert insert()
        {
            expectWord("insert");
            expectWord("into");
            TableReference target = table(qualifiedName());
            expectWord("select");
            expectSymbol("*");
            expectWord("from");
            TableReference source = table(qualifiedName());
            Optional<Expression> where = acceptWord("where") ? Optional.of(or()) : Optional.empty();
            return new Insert(target, source, where);
        }

        Select select()
        {
            expectWord("select");
            boolean distinct = acceptWord("distinct");
            List<Item> items = new ArrayList<>();
            do {
                items.add(item());
            }
            while (acceptSymbol(","));
            expectWord("from");
            List<String> name = qualifiedName();
            boolean partitionsTable = name.size() == 3 && name.get(2).endsWith(PARTITIONS_TABLE_SUFFIX);
            if (partitionsTable) {
                name = List.of(name.get(0), name.get(1), name.get(2).substring(0, name.get(2).length() - PARTITIONS_TABLE_SUFFIX.length()));
            }
            Optional<Expression> where = acceptWord("where") ? Optional.of(or()) : Optional.empty();
            OptionalInt groupBy = OptionalInt.empty();
            if (acceptWord("group")) {
                expectWord("by");
                groupBy = OptionalInt.of(Integer.parseInt(expect(Kind.NUMBER).text()));
            }
            return new Select(distinct, items, table(name), partitionsTable, where, groupBy);
        }

        private Item item()
        {
            if (peek().is(Kind.WORD, "count") && peek(1).is(Kind.SYMBOL, "(")) {
                position += 2;
                expectSymbol("*");
                expectSymbol(")");
                return new Count();
            }
            if (peek().is(Kind.WORD, "checksum") && peek(1).is(Kind.SYMBOL, "(")) {
                position += 2;
                RowHash hash = rowHash();
                expectSymbol(")");
                return new Checksum(hash);
            }
            return new Value(primary());
        }

        private RowHash rowHash()
        {
            if (acceptWord("combine_hash")) {
                expectSymbol("(");
                RowHash left = rowHash();
                expectSymbol(",");
                RowHash right = rowHash();
                expectSymbol(")");
                return new CombineHash(left, right);
            }
            if (acceptWord("coalesce")) {
                expectSymbol("(");
                RowHash inner = rowHash();
                expectSymbol(",");
                if (!next().is(Kind.NUMBER, "0")) {
                    throw unknown("coalesce of a row hash with anything but 0");
                }
                expectSymbol(")");
                return new CoalesceToZero(inner);
            }
            if (peek().is(Kind.QUOTED, HASH_OPERATOR)) {
                next();
                expectSymbol("(");
                boolean column = (peek().kind() == Kind.QUOTED || peek().kind() == Kind.WORD) && peek(1).is(Kind.SYMBOL, ")");
                RowHash hash = column ? new HashOfColumn(identifier()) : new HashOfHash(rowHash());
                expectSymbol(")");
                return hash;
            }
            throw unknown("a row hash");
        }

        private Expression or()
        {
            List<Expression> operands = new ArrayList<>(List.of(and()));
            while (acceptWord("or")) {
                operands.add(and());
            }
            return operands.size() == 1 ? operands.get(0) : new Logical("or", operands);
        }

        private Expression and()
        {
            List<Expression> operands = new ArrayList<>(List.of(not()));
            while (acceptWord("and")) {
                operands.add(not());
            }
            return operands.size() == 1 ? operands.get(0) : new Logical("and", operands);
        }

        private Expression not()
        {
            if (acceptWord("not")) {
                return new Logical("not", List.of(not()));
            }
            Expression left = primary();
            if (peek().kind() == Kind.SYMBOL && List.of("=", "<>", "!=", "<", "<=", ">", ">=").contains(peek().text())) {
                return new Comparison(next().text(), left, primary());
            }
            if (acceptWord("is")) {
                boolean negated = acceptWord("not");
                expectWord("null");
                return new IsNull(left, negated);
            }
            boolean negated = acceptWord("not");
            if (acceptWord("in")) {
                expectSymbol("(");
                List<Expression> list = new ArrayList<>();
                do {
                    list.add(primary());
                }
                while (acceptSymbol(","));
                expectSymbol(")");
                return new In(left, list, negated);
            }
            if (negated) {
                throw unknown("IN after NOT");
            }
            return left;
        }

        private Expression primary()
        {
            if (acceptSymbol("(")) {
                Expression inner = or();
                expectSymbol(")");
                return inner;
            }
            Token token = peek();
            switch (token.kind()) {
                case STRING -> {
                    next();
                    return new Literal(token.text());
                }
                case NUMBER -> {
                    next();
                    return new Literal(Long.parseLong(token.text()));
                }
                case QUOTED -> {
                    return new Column(identifier());
                }
                case SYMBOL -> {
                    if (acceptSymbol("-")) {
                        return new Literal(-Long.parseLong(expect(Kind.NUMBER).text()));
                    }
                    throw unknown("an expression");
                }
                case WORD -> {
                    if (acceptWord("true") || acceptWord("false")) {
                        return new Literal(token.text().equalsIgnoreCase("true"));
                    }
                    if (acceptWord("null")) {
                        return new Literal(null);
                    }
                    if (token.is(Kind.WORD, "date") && peek(1).kind() == Kind.STRING) {
                        position++;
                        String value = next().text();
                        try {
                            return new Literal(LocalDate.parse(value));
                        }
                        catch (DateTimeParseException e) {
                            throw new IllegalArgumentException("Value cannot be cast to date: " + value, e);
                        }
                    }
                    if (peek(1).is(Kind.SYMBOL, "(")) {
                        throw unknown("function " + token.text());
                    }
                    return new Column(identifier());
                }
                default -> throw unknown("an expression");
            }
        }

        List<String> qualifiedName()
        {
            List<String> parts = new ArrayList<>(List.of(identifier()));
            while (acceptSymbol(".")) {
                parts.add(identifier());
            }
            return parts;
        }

        private TableReference table(List<String> name)
        {
            if (name.size() != 3) {
                throw unknown("a table name without its catalog " + name);
            }
            if (!name.get(0).equals(catalog)) {
                throw new IllegalArgumentException("Catalog '%s' not found".formatted(name.get(0)));
            }
            return new TableReference(name.get(1), name.get(2));
        }

        Map<String, String> namedArguments()
        {
            Map<String, String> arguments = new HashMap<>();
            expectSymbol("(");
            do {
                String name = identifier();
                expectSymbol("=>");
                arguments.put(name, expect(Kind.STRING).text());
            }
            while (acceptSymbol(","));
            expectSymbol(")");
            return arguments;
        }

        private String identifier()
        {
            Token token = next();
            return switch (token.kind()) {
                case QUOTED -> token.text();
                // Trino folds unquoted names to lower case
                case WORD -> token.text().toLowerCase(Locale.ROOT);
                default -> throw unknown("an identifier, not " + token.text());
            };
        }

        boolean acceptWord(String word)
        {
            if (peek().is(Kind.WORD, word)) {
                position++;
                return true;
            }
            return false;
        }

        void expectWord(String word)
        {
            if (!acceptWord(word)) {
                throw unknown(word.toUpperCase(Locale.ROOT));
            }
        }

        boolean acceptSymbol(String symbol)
        {
            if (peek().is(Kind.SYMBOL, symbol)) {
                position++;
                return true;
            }
            return false;
        }

        void expectSymbol(String symbol)
        {
            if (!acceptSymbol(symbol)) {
                throw unknown("'" + symbol + "'");
            }
        }

        void expectEnd()
        {
            if (peek().kind() != Kind.END) {
                throw unknown("the end of the statement");
            }
        }

        private Token expect(Kind kind)
        {
            if (peek().kind() != kind) {
                throw unknown(kind.name().toLowerCase(Locale.ROOT));
            }
            return next();
        }

        private Token peek()
        {
            return peek(0);
        }

        private Token peek(int ahead)
        {
            return tokens.get(Math.min(position + ahead, tokens.size() - 1));
        }

        private Token next()
        {
            Token token = peek();
            position = Math.min(position + 1, tokens.size() - 1);
            return token;
        }

        UnsupportedOperationException unknown(String expected)
        {
            return new UnsupportedOperationException("the test engine does not know this statement (expected %s at token %s of %s): %s".formatted(expected, position, tokens.size(), sql));
        }
    }

    private static List<Token> tokenize(String sql)
    {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            }
            else if (c == '"' || c == '\'') {
                // quotes inside are doubled
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= sql.length()) {
                        throw new UnsupportedOperationException("the test engine does not know an unterminated quote: " + sql);
                    }
                    if (sql.charAt(j) == c) {
                        if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
                            text.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.append(sql.charAt(j));
                    j++;
                }
                tokens.add(new Token(c == '"' ? Kind.QUOTED : Kind.STRING, text.toString()));
                i = j + 1;
            }
            else if (Character.isDigit(c)) {
                int j = i;
                while (j < sql.length() && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (j < sql.length() && (sql.charAt(j) == '.' || Character.isLetter(sql.charAt(j)))) {
                    throw new UnsupportedOperationException("the test engine knows integer literals only: " + sql);
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(i, j)));
                i = j;
            }
            else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(i, j)));
                i = j;
            }
            else {
                String two = sql.substring(i, Math.min(i + 2, sql.length()));
                String symbol = List.of("<>", "<=", ">=", "!=", "=>").contains(two) ? two : String.valueOf(c);
                if (!List.of("(", ")", ",", ".", "*", "=", "<", ">", "-", "<>", "<=", ">=", "!=", "=>").contains(symbol)) {
                    throw new UnsupportedOperationException("the test engine does not know the character '%s': %s".formatted(c, sql));
                }
                tokens.add(new Token(Kind.SYMBOL, symbol));
                i += symbol.length();
            }
        }
        tokens.add(new Token(Kind.END, ""));
        return tokens;
    }
}
