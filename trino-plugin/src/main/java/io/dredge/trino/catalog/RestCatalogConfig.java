package io.dredge.trino.catalog;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.ConfigSecuritySensitive;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.util.Optional;

/**
 * An Iceberg REST catalog, with the properties of Trino's Iceberg connector.
 */
public class RestCatalogConfig
{
    public enum Security
    {
        NONE,
        OAUTH2,
    }

    private URI uri;
    private Optional<String> warehouse = Optional.empty();
    private Optional<String> prefix = Optional.empty();
    private Security security = Security.NONE;
    private Optional<String> token = Optional.empty();
    private Optional<String> credential = Optional.empty();
    private Optional<String> scope = Optional.empty();
    private Optional<URI> serverUri = Optional.empty();

    @NotNull
    public URI getUri()
    {
        return uri;
    }

    @Config("iceberg.rest-catalog.uri")
    @ConfigDescription("The REST catalog's address: http://catalog:8181")
    public RestCatalogConfig setUri(URI uri)
    {
        this.uri = uri;
        return this;
    }

    public Optional<String> getWarehouse()
    {
        return warehouse;
    }

    @Config("iceberg.rest-catalog.warehouse")
    @ConfigDescription("The warehouse the catalog serves, where a server holds several")
    public RestCatalogConfig setWarehouse(String warehouse)
    {
        this.warehouse = Optional.ofNullable(warehouse).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<String> getPrefix()
    {
        return prefix;
    }

    @Config("iceberg.rest-catalog.prefix")
    @ConfigDescription("Path prefix of the catalog's endpoints")
    public RestCatalogConfig setPrefix(String prefix)
    {
        this.prefix = Optional.ofNullable(prefix).filter(value -> !value.isBlank());
        return this;
    }

    @NotNull
    public Security getSecurity()
    {
        return security;
    }

    @Config("iceberg.rest-catalog.security")
    @ConfigDescription("NONE, or OAUTH2 with a token or a credential")
    public RestCatalogConfig setSecurity(Security security)
    {
        this.security = security;
        return this;
    }

    public Optional<String> getToken()
    {
        return token;
    }

    @Config("iceberg.rest-catalog.oauth2.token")
    @ConfigSecuritySensitive
    @ConfigDescription("Bearer token sent to the catalog")
    public RestCatalogConfig setToken(String token)
    {
        this.token = Optional.ofNullable(token).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<String> getCredential()
    {
        return credential;
    }

    @Config("iceberg.rest-catalog.oauth2.credential")
    @ConfigSecuritySensitive
    @ConfigDescription("client_id:client_secret exchanged for a token")
    public RestCatalogConfig setCredential(String credential)
    {
        this.credential = Optional.ofNullable(credential).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<String> getScope()
    {
        return scope;
    }

    @Config("iceberg.rest-catalog.oauth2.scope")
    @ConfigDescription("Scope asked for with the credential")
    public RestCatalogConfig setScope(String scope)
    {
        this.scope = Optional.ofNullable(scope).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<URI> getServerUri()
    {
        return serverUri;
    }

    @Config("iceberg.rest-catalog.oauth2.server-uri")
    @ConfigDescription("Token endpoint of the OAuth2 server, where it is not the catalog's")
    public RestCatalogConfig setServerUri(URI serverUri)
    {
        this.serverUri = Optional.ofNullable(serverUri);
        return this;
    }

    @AssertTrue(message = "iceberg.rest-catalog.security=OAUTH2 needs iceberg.rest-catalog.oauth2.token or iceberg.rest-catalog.oauth2.credential, and NONE neither")
    public boolean isSecurityValid()
    {
        boolean secret = token.isPresent() || credential.isPresent();
        return security == Security.OAUTH2 ? secret : secret == false;
    }
}
