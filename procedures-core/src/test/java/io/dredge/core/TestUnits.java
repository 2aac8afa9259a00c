package io.dredge.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestUnits
{
    @Test
    public void testDurationsAsAirliftWritesThem()
    {
        assertThat(Units.duration("7d", "older_than")).isEqualTo(Duration.ofDays(7));
        assertThat(Units.duration(" 12 H ", "older_than")).isEqualTo(Duration.ofHours(12));
        assertThat(Units.duration("30m", "older_than")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Units.duration("0s", "older_than")).isEqualTo(Duration.ZERO);
        assertThat(Units.duration("1.5h", "older_than")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Units.duration("250ms", "older_than")).isEqualTo(Duration.ofMillis(250));
        for (String bad : new String[] {"-1d", "7 days", "soon", "", "7", "d", "1e3d"}) {
            assertThatThrownBy(() -> Units.duration(bad, "older_than"))
                    .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(DredgeException.Kind.INVALID_ARGUMENT))
                    .hasMessageContaining("older_than must be a number and a unit");
        }
    }

    @Test
    public void testSizesAsAirliftWritesThem()
    {
        assertThat(Units.bytes("128MB", "target_file_size")).isEqualTo(128L << 20);
        assertThat(Units.bytes(" 1gb ", "target_file_size")).isEqualTo(1L << 30);
        assertThat(Units.bytes("1.5kB", "target_file_size")).isEqualTo(1536);
        assertThat(Units.bytes("100B", "target_file_size")).isEqualTo(100);
        for (String bad : new String[] {"huge", "-1MB", "128", "12 parsecs", "99999999999PB"}) {
            assertThatThrownBy(() -> Units.bytes(bad, "target_file_size"))
                    .isInstanceOf(DredgeException.class)
                    .hasMessageContaining("target_file_size must be a size like '128MB'");
        }
    }
}
