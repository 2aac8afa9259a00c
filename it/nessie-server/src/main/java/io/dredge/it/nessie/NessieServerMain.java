package io.dredge.it.nessie;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.message.DeflateEncoder;
import org.glassfish.jersey.message.GZipEncoder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.EncodingFilter;
import org.jboss.weld.environment.se.Weld;
import org.projectnessie.jaxrs.ext.AuthorizerExtension;
import org.projectnessie.jaxrs.ext.ContextPrincipalExtension;
import org.projectnessie.jaxrs.ext.ServerConfigExtension;
import org.projectnessie.jaxrs.ext.VersionStoreImplExtension;
import org.projectnessie.services.authz.AbstractBatchAccessChecker;
import org.projectnessie.services.impl.ConfigApiImpl;
import org.projectnessie.services.impl.TreeApiImpl;
import org.projectnessie.services.rest.AccessCheckExceptionMapper;
import org.projectnessie.services.rest.BackendLimitExceededExceptionMapper;
import org.projectnessie.services.rest.RestConfigResource;
import org.projectnessie.services.rest.RestContentResource;
import org.projectnessie.services.rest.RestDiffResource;
import org.projectnessie.services.rest.RestNamespaceResource;
import org.projectnessie.services.rest.RestTreeResource;
import org.projectnessie.services.rest.RestV2ConfigResource;
import org.projectnessie.services.rest.RestV2TreeResource;
import org.projectnessie.services.rest.converters.ContentKeyParamConverterProvider;
import org.projectnessie.services.rest.converters.NamespaceParamConverterProvider;
import org.projectnessie.services.rest.converters.ReferenceTypeParamConverterProvider;
import org.projectnessie.services.rest.exceptions.ConstraintViolationExceptionMapper;
import org.projectnessie.services.rest.exceptions.NessieExceptionMapper;
import org.projectnessie.services.rest.exceptions.NessieJaxRsJsonMappingExceptionMapper;
import org.projectnessie.services.rest.exceptions.NessieJaxRsJsonParseExceptionMapper;
import org.projectnessie.services.rest.exceptions.NotSupportedExceptionMapper;
import org.projectnessie.services.rest.exceptions.ValidationExceptionMapper;
import org.projectnessie.versioned.storage.common.config.StoreConfig;
import org.projectnessie.versioned.storage.common.logic.Logics;
import org.projectnessie.versioned.storage.common.persist.Persist;
import org.projectnessie.versioned.storage.inmemory.InmemoryBackend;

import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * An in-memory Nessie server with Nessie's own REST resources (Weld and Jersey on Grizzly, as Nessie's JAX-RS test
 * extension wires them, which only JUnit can start), on 127.0.0.1: {@code java NessieServerMain [port]}, 0 for a
 * free one. Prints {@code NESSIE_URI=http://127.0.0.1:<port>/api/v2} when it serves, then serves until killed.
 */
public final class NessieServerMain
{
    private NessieServerMain() {}

    public static void main(String[] args)
            throws Exception
    {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Persist persist = new InmemoryBackend().createFactory().newPersist(StoreConfig.Adjustable.empty());
        Logics.repositoryLogic(persist).initialize("main");

        Weld weld = new Weld();
        weld.addPackages(true, RestConfigResource.class);
        weld.addPackages(true, TreeApiImpl.class);
        weld.addExtension(new ContextPrincipalExtension(() -> null));
        weld.addExtension(new ServerConfigExtension());
        weld.addExtension(VersionStoreImplExtension.forPersist(() -> persist));
        weld.addExtension(new AuthorizerExtension().setAccessCheckerSupplier(context -> AbstractBatchAccessChecker.NOOP_ACCESS_CHECKER));
        weld.property("org.jboss.weld.se.shutdownHook", "false");
        weld.initialize();

        ResourceConfig config = new ResourceConfig();
        for (Class<?> resource : new Class<?>[] {
                RestV2ConfigResource.class, RestV2TreeResource.class, RestConfigResource.class, RestTreeResource.class, RestContentResource.class,
                RestDiffResource.class, RestNamespaceResource.class, ConfigApiImpl.class, ContentKeyParamConverterProvider.class,
                NamespaceParamConverterProvider.class, ReferenceTypeParamConverterProvider.class, NessieExceptionMapper.class}) {
            config.register(resource);
        }
        for (Class<?> mapper : new Class<?>[] {
                ValidationExceptionMapper.class, AccessCheckExceptionMapper.class, ConstraintViolationExceptionMapper.class,
                BackendLimitExceededExceptionMapper.class, NotSupportedExceptionMapper.class, NessieJaxRsJsonParseExceptionMapper.class,
                NessieJaxRsJsonMappingExceptionMapper.class}) {
            config.register(mapper, 10);
        }

        // clients (Trino's, Iceberg's) send compressed requests
        config.register(EncodingFilter.class);
        config.register(GZipEncoder.class);
        config.register(DeflateEncoder.class);

        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(URI.create("http://127.0.0.1:" + port + "/"), config, true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            weld.shutdown();
        }));
        System.out.printf("NESSIE_URI=http://127.0.0.1:%d/api/v2%n", server.getListeners().iterator().next().getPort());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
