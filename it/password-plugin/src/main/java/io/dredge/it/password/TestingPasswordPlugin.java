package io.dredge.it.password;

import io.trino.spi.Plugin;
import io.trino.spi.security.AccessDeniedException;
import io.trino.spi.security.BasicPrincipal;
import io.trino.spi.security.PasswordAuthenticator;
import io.trino.spi.security.PasswordAuthenticatorFactory;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code password-authenticator.name=dredge-testing} with {@code testing.users=user:password,...}: lets the
 * real-server test run Trino with password authentication, as a production cluster does.
 */
public final class TestingPasswordPlugin
        implements Plugin
{
    @Override
    public Iterable<PasswordAuthenticatorFactory> getPasswordAuthenticatorFactories()
    {
        return List.of(new PasswordAuthenticatorFactory()
        {
            @Override
            public String getName()
            {
                return "dredge-testing";
            }

            @Override
            public PasswordAuthenticator create(Map<String, String> config)
            {
                Map<String, String> passwords = Stream.of(config.getOrDefault("testing.users", "").split(","))
                        .filter(entry -> entry.contains(":"))
                        .collect(Collectors.toUnmodifiableMap(entry -> entry.substring(0, entry.indexOf(':')), entry -> entry.substring(entry.indexOf(':') + 1)));
                return (user, password) -> {
                    if (!password.equals(passwords.get(user))) {
                        throw new AccessDeniedException("Invalid credentials for " + user);
                    }
                    return new BasicPrincipal(user);
                };
            }
        });
    }
}
