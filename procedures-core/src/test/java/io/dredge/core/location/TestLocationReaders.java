package io.dredge.core.location;

import io.dredge.core.location.LocationReaders.Reader;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableReference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TestLocationReaders
{
    private static final TableReference OUTER = new TableReference("s", "outer");
    private static final TableReference SHARED = new TableReference("s", "shared");
    private static final TableReference BORROWER = new TableReference("s", "borrower");

    private final LocationReaders readers = new LocationReaders(List.of(
            new Reader(OUTER, Optional.empty(), "file:/lake/outer"),
            new Reader(OUTER, Optional.of("day=a"), "file:/lake/outer/day=a"),
            new Reader(SHARED, Optional.empty(), "file:///lake/outer/day=a/"),
            new Reader(BORROWER, Optional.of("day=b"), "s3://bucket/lake/outer/day=a/inner"),
            new Reader(new TableReference("s", "elsewhere"), Optional.empty(), "file:/lake/outer_2")));

    @Test
    public void testAtOrBelowMatchesTheDirectoryAndWhatLiesInsideItWhateverTheSpelling()
    {
        assertThat(readers.atOrBelow("file:/lake/outer/day=a")).extracting(Reader::displayName)
                .containsExactly("s.borrower partition day=b", "s.outer partition day=a", "s.shared");
        // a sibling whose name starts the same is not inside
        assertThat(readers.atOrBelow("file:/lake/outer")).extracting(Reader::displayName).doesNotContain("s.elsewhere");
        assertThat(readers.atOrBelow("file:/lake/nothing")).isEmpty();
    }

    @Test
    public void testAtOrAboveAndOverlapping()
    {
        assertThat(readers.atOrAbove("file:/lake/outer/day=a/backups")).extracting(Reader::displayName)
                .containsExactly("s.outer", "s.outer partition day=a", "s.shared");
        assertThat(readers.overlapping("file:/lake")).hasSize(5);
        assertThat(readers.overlapping("file:/lake/outer/day=a/inner/x")).extracting(Reader::displayName)
                .containsExactly("s.borrower partition day=b", "s.outer", "s.outer partition day=a", "s.shared");
        assertThat(readers.overlapping("file:/other")).isEmpty();
    }

    @Test
    public void testDescribeNamesTheFirstThree()
    {
        assertThat(LocationReaders.describe(readers.overlapping("file:/lake"))).isEqualTo("s.borrower partition day=b, s.elsewhere, s.outer and 2 more");
        assertThat(LocationReaders.describe(readers.atOrBelow("file:/lake/outer_2"))).isEqualTo("s.elsewhere");
    }

    @Test
    public void testParentAndName()
    {
        assertThat(Locations.parent("s3://bucket/a/b/")).contains("s3://bucket/a");
        assertThat(Locations.parent("file:/warehouse/db/t")).contains("file:/warehouse/db");
        assertThat(Locations.parent("s3://bucket/a")).isEmpty();
        assertThat(Locations.parent("file:/")).isEmpty();
        assertThat(Locations.name("s3://bucket/a/b/")).isEqualTo("b");
    }
}
