package io.dredge.trino;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import io.dredge.trino.adapter.TrinoPorts;
import io.dredge.trino.system.SmallFileReportSystemTable;
import io.trino.spi.connector.SystemTable;

import java.util.concurrent.ExecutorService;

import static com.google.inject.multibindings.Multibinder.newSetBinder;
import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static io.airlift.configuration.ConfigBinder.configBinder;
import static java.util.concurrent.Executors.newFixedThreadPool;

public class DredgeModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(DredgeConfig.class);
        binder.bind(DredgeConnector.class).in(Scopes.SINGLETON);
        binder.bind(TrinoPorts.class).in(Scopes.SINGLETON);

        newSetBinder(binder, SystemTable.class).addBinding().to(SmallFileReportSystemTable.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    @ForListing
    public static ExecutorService createListingExecutor(DredgeConfig config)
    {
        return newFixedThreadPool(config.getListingConcurrency(), daemonThreadsNamed("dredge-listing-%s"));
    }
}
