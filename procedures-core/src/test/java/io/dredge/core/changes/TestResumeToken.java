package io.dredge.core.changes;

import io.dredge.core.DredgeException;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.OptionalLong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestResumeToken
{
    @Test
    void testRoundTrip()
    {
        ResumeToken token = new ResumeToken("iceberg-uuid:7c2f0b1e-1b9f-4f6e-9c5d-0a1b2c3d4e5f", OptionalLong.of(-8712345678901234567L));
        assertThat(ResumeToken.decode(token.encode())).isEqualTo(token);
        ResumeToken empty = new ResumeToken("iceberg-uuid:7c2f0b1e-1b9f-4f6e-9c5d-0a1b2c3d4e5f", OptionalLong.empty());
        assertThat(ResumeToken.decode(empty.encode())).isEqualTo(empty);
        // safe in a URL and in a SQL string literal
        assertThat(token.encode()).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void testRefusesWhatNoAnswerGave()
    {
        for (String text : new String[] {"", "not a token", encode("v1|iceberg-uuid:x"), encode("v2|iceberg-uuid:x|12"), encode("v1||12"), encode("v1|iceberg-uuid:x|twelve")}) {
            assertThatThrownBy(() -> ResumeToken.decode(text))
                    .isInstanceOf(DredgeException.class)
                    .hasMessage("'%s' is not a resume token of changed_partitions".formatted(text));
        }
    }

    private static String encode(String text)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(UTF_8));
    }
}
