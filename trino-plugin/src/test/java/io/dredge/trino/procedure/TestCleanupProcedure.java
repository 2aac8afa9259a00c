package io.dredge.trino.procedure;

import io.trino.spi.TrinoException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.dredge.trino.procedure.CleanupProcedure.retention;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCleanupProcedure
{
    @Test
    void testRetentionIsAnAirliftDuration()
    {
        assertThat(retention("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(retention(" 12 H ")).isEqualTo(Duration.ofHours(12));
        assertThat(retention("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(retention("0s")).isEqualTo(Duration.ZERO);
        assertThat(retention("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> retention("-1d")).isInstanceOf(TrinoException.class);
        assertThatThrownBy(() -> retention("7 days")).isInstanceOf(TrinoException.class);
        assertThatThrownBy(() -> retention("soon")).hasMessageContaining("older_than must be a number and a unit");
    }
}
