package io.dredge.it.server;

import io.trino.server.Server;

/**
 * What Trino's launcher runs, for the server tarball Central does not publish for 483: the engine reads
 * {@code -Dconfig=etc/config.properties} and loads every plugin under {@code plugin.dir}.
 */
public final class TrinoServerMain
{
    private TrinoServerMain() {}

    public static void main(String[] args)
    {
        new Server().start("483");
    }
}
