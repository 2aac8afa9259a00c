package io.dredge.trino.adapter;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static io.dredge.trino.adapter.IcebergCatalogPorts.normalized;
import static org.assertj.core.api.Assertions.assertThat;

public class TestIcebergCatalogPorts
{
    @Test
    public void testOneAddressOneSpelling()
    {
        assertThat(normalized(URI.create("http://catalog:8181"))).isEqualTo("http://catalog:8181");
        assertThat(normalized(URI.create("HTTP://Catalog:8181/"))).isEqualTo("http://catalog:8181");
        assertThat(normalized(URI.create("http://catalog:80/api/v2/"))).isEqualTo("http://catalog/api/v2");
        assertThat(normalized(URI.create("https://catalog:443"))).isEqualTo("https://catalog");
        assertThat(normalized(URI.create("https://catalog:8443//"))).isEqualTo("https://catalog:8443");
        // one host under two names stays two addresses: nothing here resolves names
        assertThat(normalized(URI.create("http://localhost:8181"))).isNotEqualTo(normalized(URI.create("http://127.0.0.1:8181")));
    }
}
