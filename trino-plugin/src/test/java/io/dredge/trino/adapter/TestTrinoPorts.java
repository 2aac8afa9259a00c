package io.dredge.trino.adapter;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static io.dredge.trino.adapter.TrinoPorts.jdbcUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestTrinoPorts
{
    @Test
    public void testJdbcUrlKeepsAnExplicitPort()
    {
        assertThat(jdbcUrl(URI.create("http://127.0.0.1:8080"))).isEqualTo("jdbc:trino://127.0.0.1:8080");
        assertThat(jdbcUrl(URI.create("https://trino.example.net:8443/"))).isEqualTo("jdbc:trino://trino.example.net:8443");
    }

    @Test
    public void testJdbcUrlWithoutPortUsesTheSchemeDefault()
    {
        assertThat(jdbcUrl(URI.create("http://trino.example.net"))).isEqualTo("jdbc:trino://trino.example.net:80");
        assertThat(jdbcUrl(URI.create("https://trino.example.net"))).isEqualTo("jdbc:trino://trino.example.net:443");
        assertThat(jdbcUrl(URI.create("HTTPS://trino.example.net/"))).isEqualTo("jdbc:trino://trino.example.net:443");
        assertThat(jdbcUrl(URI.create("http://[::1]"))).isEqualTo("jdbc:trino://[::1]:80");
    }

    @Test
    public void testJdbcUrlRefusesOtherSchemes()
    {
        assertThatThrownBy(() -> jdbcUrl(URI.create("ftp://trino.example.net")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("engine URI must be http or https: ftp://trino.example.net");
    }
}
