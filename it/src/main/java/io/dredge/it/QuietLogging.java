package io.dredge.it;

import io.airlift.log.Level;
import io.airlift.log.Logging;

/**
 * Keeps the terminal of the demo and the benchmarks for what the user must read: the engine, its bootstrap and
 * Iceberg log only warnings, set before the cluster starts so that its startup is quiet too.
 */
public final class QuietLogging
{
    private QuietLogging() {}

    public static void apply(String... moreLoggers)
    {
        Logging logging = Logging.initialize();
        for (String logger : new String[] {"io.trino", "io.dredge.bootstrap", "Bootstrap", "org.apache.iceberg", "org.apache.hadoop"}) {
            logging.setLevel(logger, Level.WARN);
        }
        for (String logger : moreLoggers) {
            logging.setLevel(logger, Level.WARN);
        }
        // the REST catalog server logs every "no such table" it answers as an error, stack trace included
        logging.setLevel("org.apache.iceberg.rest.RESTCatalogServlet", Level.OFF);
    }
}
