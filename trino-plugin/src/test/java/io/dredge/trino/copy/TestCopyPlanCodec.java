package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.TableFile;
import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCopyPlanCodec
{
    private static final CopyPlanCodec CODEC = new CopyPlanCodec("0123456789abcdef0123456789abcdef".getBytes(UTF_8));
    private static final CopyPlan PLAN = new CopyPlan("alice", ImmutableList.of(
            new FileCopy("s3://lake/events/p=a b/000000_0", "s3://backups/b1/data/p=a b/000000_0", 1234),
            new FileCopy("file:/lake/events/\"quoted\"/x.parquet", "file:/backups/b1/data/\"quoted\"/x.parquet", 0)));

    @Test
    void testRoundTripKeepsEveryCopy()
    {
        assertThat(CODEC.decode(CODEC.encode(PLAN))).isEqualTo(PLAN);
        assertThat(CODEC.decode(CODEC.encode(new CopyPlan("bob", ImmutableList.of())))).isEqualTo(new CopyPlan("bob", ImmutableList.of()));
        CopyPlan moves = new CopyPlan("bob", CopyPlan.Action.MOVE, PLAN.copies());
        assertThat(CODEC.decode(CODEC.encode(moves))).isEqualTo(moves);
        CopyPlan deletes = CopyPlan.delete("bob", ImmutableList.of("s3://lake/events/x", "s3://lake/events/y"));
        assertThat(CODEC.decode(CODEC.encode(deletes))).isEqualTo(deletes);
        CopyPlan checksums = CopyPlan.checksum("bob", ImmutableList.of("s3://lake/events/x"));
        assertThat(CODEC.decode(CODEC.encode(checksums))).isEqualTo(checksums);
        CopyPlan footers = CopyPlan.footerRows("bob", "ORC", ImmutableList.of(new TableFile("s3://lake/events/x", 12)));
        assertThat(CODEC.decode(CODEC.encode(footers))).isEqualTo(footers);
        // the format is signed too
        String otherFormat = new String(CODEC.encode(footers), UTF_8).replace("\"ORC\"", "\"PARQUET\"");
        assertThatThrownBy(() -> CODEC.decode(otherFormat.getBytes(UTF_8)))
                .hasMessage("not signed by this catalog: only plans that Dredge writes can be run");
    }

    @Test
    void testPlanIsReadableJson()
    {
        assertThat(new String(CODEC.encode(PLAN), UTF_8))
                .contains("\"format-version\" : 3", "\"user\" : \"alice\"", "\"action\" : \"COPY\"", "\"source\" : \"s3://lake/events/p=a b/000000_0\"", "\"size\" : 1234", "\"signature\"");
    }

    @Test
    void testRefusesPlansThisKeyDidNotSign()
    {
        CopyPlanCodec other = new CopyPlanCodec("another key, another catalog...!".getBytes(UTF_8));
        assertThatThrownBy(() -> CODEC.decode(other.encode(PLAN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not signed by this catalog: only plans that Dredge writes can be run");

        String tampered = new String(CODEC.encode(PLAN), UTF_8).replace("s3://backups/b1", "s3://elsewhere/b1");
        assertThatThrownBy(() -> CODEC.decode(tampered.getBytes(UTF_8)))
                .hasMessage("not signed by this catalog: only plans that Dredge writes can be run");

        // a copy the user could run is no licence to delete its sources
        String otherAction = new String(CODEC.encode(PLAN), UTF_8).replace("\"COPY\"", "\"MOVE\"");
        assertThatThrownBy(() -> CODEC.decode(otherAction.getBytes(UTF_8)))
                .hasMessage("not signed by this catalog: only plans that Dredge writes can be run");

        String otherUser = new String(CODEC.encode(PLAN), UTF_8).replace("\"alice\"", "\"mallory\"");
        assertThatThrownBy(() -> CODEC.decode(otherUser.getBytes(UTF_8)))
                .hasMessage("not signed by this catalog: only plans that Dredge writes can be run");
    }

    @Test
    void testRefusesMalformedPlans()
    {
        assertThatThrownBy(() -> CODEC.decode("[1, 2".getBytes(UTF_8)))
                .hasMessageStartingWith("not a JSON document");
        assertThatThrownBy(() -> CODEC.decode("[]".getBytes(UTF_8)))
                .hasMessage("not a JSON object");
        assertThatThrownBy(() -> CODEC.decode("{\"format-version\": 1}".getBytes(UTF_8)))
                .hasMessage("unknown format version 1 (this Dredge reads version 3)");
        assertThatThrownBy(() -> CODEC.decode("{\"format-version\": 3, \"user\": \"alice\"}".getBytes(UTF_8)))
                .hasMessage("field 'copies' is missing or not an array");
        assertThatThrownBy(() -> CODEC.decode("{\"format-version\": 3, \"user\": \"alice\", \"copies\": [{\"source\": \"s3://a/b\", \"target\": \"s3://a/c\", \"size\": -1}]}".getBytes(UTF_8)))
                .hasMessage("field 'size' is missing or not a size");
        assertThatThrownBy(() -> CODEC.decode("{\"format-version\": 3, \"user\": \"alice\", \"action\": \"SHRED\", \"copies\": []}".getBytes(UTF_8)))
                .hasMessage("unknown action 'SHRED'");
        assertThatThrownBy(() -> CODEC.decode("{\"format-version\": 3, \"user\": \"alice\", \"action\": \"FOOTER_ROWS\", \"copies\": []}".getBytes(UTF_8)))
                .hasMessage("not a valid plan: a footer read, and only it, names a storage format");
    }
}
