package io.dredge.trino.catalog;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.ConfigSecuritySensitive;
import io.airlift.units.Duration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.util.Optional;

import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * A Nessie catalog, with the properties of Trino's Iceberg connector.
 */
public class NessieCatalogConfig
{
    public enum AuthenticationType
    {
        BEARER,
    }

    private URI uri;
    private String ref = "main";
    private String defaultWarehouseDir;
    private Optional<AuthenticationType> authenticationType = Optional.empty();
    private Optional<String> bearerToken = Optional.empty();
    private Duration readTimeout = new Duration(25, SECONDS);
    private Duration connectionTimeout = new Duration(5, SECONDS);

    @NotNull
    public URI getUri()
    {
        return uri;
    }

    @Config("iceberg.nessie-catalog.uri")
    @ConfigDescription("The Nessie API's address, ending in its version: http://nessie:19120/api/v2")
    public NessieCatalogConfig setUri(URI uri)
    {
        this.uri = uri;
        return this;
    }

    @NotNull
    public String getRef()
    {
        return ref;
    }

    @Config("iceberg.nessie-catalog.ref")
    @ConfigDescription("The branch whose tables this catalog maintains")
    public NessieCatalogConfig setRef(String ref)
    {
        this.ref = ref;
        return this;
    }

    @NotNull
    public String getDefaultWarehouseDir()
    {
        return defaultWarehouseDir;
    }

    @Config("iceberg.nessie-catalog.default-warehouse-dir")
    @ConfigDescription("The catalog's warehouse location")
    public NessieCatalogConfig setDefaultWarehouseDir(String defaultWarehouseDir)
    {
        this.defaultWarehouseDir = defaultWarehouseDir;
        return this;
    }

    public Optional<AuthenticationType> getAuthenticationType()
    {
        return authenticationType;
    }

    @Config("iceberg.nessie-catalog.authentication.type")
    @ConfigDescription("BEARER to send iceberg.nessie-catalog.authentication.token")
    public NessieCatalogConfig setAuthenticationType(AuthenticationType authenticationType)
    {
        this.authenticationType = Optional.ofNullable(authenticationType);
        return this;
    }

    public Optional<String> getBearerToken()
    {
        return bearerToken;
    }

    @Config("iceberg.nessie-catalog.authentication.token")
    @ConfigSecuritySensitive
    @ConfigDescription("Bearer token sent to Nessie")
    public NessieCatalogConfig setBearerToken(String bearerToken)
    {
        this.bearerToken = Optional.ofNullable(bearerToken).filter(value -> !value.isBlank());
        return this;
    }

    @NotNull
    public Duration getReadTimeout()
    {
        return readTimeout;
    }

    @Config("iceberg.nessie-catalog.read-timeout")
    public NessieCatalogConfig setReadTimeout(Duration readTimeout)
    {
        this.readTimeout = readTimeout;
        return this;
    }

    @NotNull
    public Duration getConnectionTimeout()
    {
        return connectionTimeout;
    }

    @Config("iceberg.nessie-catalog.connection-timeout")
    public NessieCatalogConfig setConnectionTimeout(Duration connectionTimeout)
    {
        this.connectionTimeout = connectionTimeout;
        return this;
    }

    @AssertTrue(message = "iceberg.nessie-catalog.authentication.type=BEARER needs iceberg.nessie-catalog.authentication.token, and a token needs the type")
    public boolean isAuthenticationValid()
    {
        return authenticationType.isPresent() == bearerToken.isPresent();
    }

    @AssertTrue(message = "iceberg.nessie-catalog.uri must end in the API version, as /api/v2 or /api/v1")
    public boolean isUriVersioned()
    {
        return uri == null || uri.getPath().matches(".*/v\\d+/?");
    }
}
