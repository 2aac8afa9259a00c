package io.dredge.it;

import io.trino.Session;
import io.trino.spi.security.Identity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dredge.system.operations} under Trino's file-based access control, over a real thrift metastore: a user
 * sees the operations of the tables they may see, and no others; filters on schema and table narrow the rows.
 */
public class TestOperationsAccessControl
        extends AbstractTestWithThriftMetastore
{
    private static final String TABLES = "SELECT schema_name || '.' || table_name FROM dredge.system.operations";

    @Override
    protected DredgeQueryRunner.Builder configure(DredgeQueryRunner.Builder builder, Path directory)
            throws IOException
    {
        // user "outsider" may see nothing of schema hidden_ops and not table open_ops.secret; everyone may do anything
        // else (a schema's owner sees all its tables: outsider owns none)
        Path rules = Files.writeString(directory.resolve("rules.json"), """
                {
                  "catalogs": [{"allow": "all"}],
                  "schemas": [{"user": "outsider", "owner": false}, {"owner": true}],
                  "procedures": [{"privileges": ["EXECUTE"]}],
                  "tables": [
                    {"user": "outsider", "schema": "hidden_ops", "privileges": []},
                    {"user": "outsider", "schema": "open_ops", "table": "secret", "privileges": []},
                    {"privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"]}
                  ]
                }
                """);
        return builder.setAccessControlRules(rules);
    }

    @BeforeAll
    public void journalOperations()
    {
        createSchema("open_ops");
        createSchema("hidden_ops");
        // a dry run journals a PLANNED operation and changes nothing
        for (String table : List.of("open_ops.events", "open_ops.secret", "hidden_ops.events")) {
            assertUpdate(format("CREATE TABLE hive.%s (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])", table));
            assertUpdate(format("INSERT INTO hive.%s VALUES (1, 'a'), (2, 'b')", table), 2);
            String[] name = table.split("\\.");
            assertUpdate(format("CALL dredge.system.compact_table(schema_name => '%s', table_name => '%s', dry_run => true)", name[0], name[1]));
        }
    }

    @Test
    public void testUserSeesOnlyOperationsOfTablesTheyMaySee()
    {
        assertThat(computeActual(TABLES).getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("open_ops.events", "open_ops.secret", "hidden_ops.events");

        Session outsider = Session.builder(getSession()).setIdentity(Identity.ofUser("outsider")).build();
        assertThat(computeActual(outsider, TABLES).getOnlyColumnAsSet()).containsExactly("open_ops.events");
        assertThat(computeActual(outsider, "SELECT state, partitions_considered FROM dredge.system.operations").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactly("PLANNED:2");
        // naming what they may not see does not show it either
        assertThat(computeActual(outsider, TABLES + " WHERE schema_name = 'hidden_ops'").getRowCount()).isZero();
        assertThat(computeActual(outsider, TABLES + " WHERE schema_name = 'open_ops' AND table_name = 'secret'").getRowCount()).isZero();
    }

    @Test
    public void testSchemaAndTableFiltersNarrowTheRows()
    {
        assertThat(computeActual(TABLES + " WHERE schema_name = 'hidden_ops'").getOnlyColumnAsSet()).containsExactly("hidden_ops.events");
        assertThat(computeActual(TABLES + " WHERE schema_name IN ('open_ops', 'hidden_ops') AND table_name = 'events'").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("open_ops.events", "hidden_ops.events");
        assertThat(computeActual(TABLES + " WHERE table_name = 'secret'").getOnlyColumnAsSet()).containsExactly("open_ops.secret");
        assertThat(computeActual(TABLES + " WHERE schema_name = 'open_ops' AND table_name LIKE 's%'").getOnlyColumnAsSet()).containsExactly("open_ops.secret");
        assertThat(computeActual(TABLES + " WHERE schema_name = 'no_such_schema'").getRowCount()).isZero();
        assertThat(computeActual(TABLES + " WHERE schema_name = 'open_ops' OR table_name = 'secret'").getOnlyColumnAsSet())
                .isEqualTo(Set.of("open_ops.events", "open_ops.secret"));
    }
}
