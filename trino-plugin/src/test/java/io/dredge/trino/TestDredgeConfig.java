package io.dredge.trino;

import com.google.common.collect.ImmutableMap;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.testing.ValidationAssertions.assertFailsValidation;
import static io.airlift.testing.ValidationAssertions.assertValidates;
import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.DAYS;
import static java.util.concurrent.TimeUnit.HOURS;

public class TestDredgeConfig
{
    @Test
    public void testDefaults()
    {
        assertRecordedDefaults(recordDefaults(DredgeConfig.class)
                .setTargetFileSize(DataSize.of(128, MEGABYTE))
                .setCompactionRatioThreshold(10)
                .setHealthStaleOperationAge(new Duration(24, HOURS))
                .setHealthMaxSnapshotAge(new Duration(7, DAYS))
                .setHealthMaxManifests(100)
                .setHealthMinAvgManifestSize(DataSize.of(1, MEGABYTE))
                .setHealthMaxDeletedRowShare(0.1)
                .setQuarantineRetention(new Duration(7, DAYS))
                .setHiveCatalogName("hive")
                .setIcebergCatalogName("iceberg")
                .setListingConcurrency(16)
                .setMetastoreConcurrency(4)
                .setCopyConcurrency(4)
                .setCopyPlanKey(null)
                .setJournalLocation(null)
                .setBackupLocation(null)
                .setEngineUri(null)
                .setEngineUser(null)
                .setEnginePassword(null)
                .setFaultInjectionEnabled(false));
    }

    @Test
    public void testExplicitPropertyMappings()
    {
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("dredge.target-file-size", "256MB")
                .put("dredge.compaction-ratio-threshold", "4.5")
                .put("dredge.health.stale-operation-age", "2h")
                .put("dredge.health.max-snapshot-age", "3d")
                .put("dredge.health.max-manifests", "20")
                .put("dredge.health.min-avg-manifest-size", "64kB")
                .put("dredge.health.max-deleted-row-share", "0.25")
                .put("dredge.quarantine-retention", "30d")
                .put("dredge.hive-catalog-name", "lake")
                .put("dredge.iceberg-catalog-name", "lake_iceberg")
                .put("dredge.listing-concurrency", "64")
                .put("dredge.metastore-concurrency", "8")
                .put("dredge.copy-concurrency", "12")
                .put("dredge.copy-plan-key", "0123456789abcdef0123456789abcdef")
                .put("dredge.journal-location", "s3://lake/dredge/journal")
                .put("dredge.backup-location", "s3://backups/lake")
                .put("dredge.engine.uri", "https://trino.example.net:8443")
                .put("dredge.engine.user", "dredge")
                .put("dredge.engine.password", "secret")
                .put("dredge.testing.fault-injection-enabled", "true")
                .buildOrThrow();

        DredgeConfig expected = new DredgeConfig()
                .setTargetFileSize(DataSize.of(256, MEGABYTE))
                .setCompactionRatioThreshold(4.5)
                .setHealthStaleOperationAge(new Duration(2, HOURS))
                .setHealthMaxSnapshotAge(new Duration(3, DAYS))
                .setHealthMaxManifests(20)
                .setHealthMinAvgManifestSize(DataSize.of(64, KILOBYTE))
                .setHealthMaxDeletedRowShare(0.25)
                .setQuarantineRetention(new Duration(30, DAYS))
                .setHiveCatalogName("lake")
                .setIcebergCatalogName("lake_iceberg")
                .setListingConcurrency(64)
                .setMetastoreConcurrency(8)
                .setCopyConcurrency(12)
                .setCopyPlanKey("0123456789abcdef0123456789abcdef")
                .setJournalLocation("s3://lake/dredge/journal")
                .setBackupLocation("s3://backups/lake")
                .setEngineUri(URI.create("https://trino.example.net:8443"))
                .setEngineUser("dredge")
                .setEnginePassword("secret")
                .setFaultInjectionEnabled(true);

        assertFullMapping(properties, expected);
    }

    @Test
    public void testEngineUriMustBeHttpOrHttpsWithAHost()
    {
        assertValidates(new DredgeConfig());
        assertValidates(new DredgeConfig().setEngineUri(URI.create("http://trino.example.net")));
        assertValidates(new DredgeConfig().setEngineUri(URI.create("HTTPS://trino.example.net:8443")));

        String message = "dredge.engine.uri must be http://host[:port] or https://host[:port]";
        assertFailsValidation(new DredgeConfig().setEngineUri(URI.create("ftp://trino.example.net:21")), "engineUriValid", message, AssertTrue.class);
        assertFailsValidation(new DredgeConfig().setEngineUri(URI.create("trino.example.net:8080")), "engineUriValid", message, AssertTrue.class);
        assertFailsValidation(new DredgeConfig().setEngineUri(URI.create("http:///v1/statement")), "engineUriValid", message, AssertTrue.class);
    }

    @Test
    public void testHealthThresholdsAreBounded()
    {
        assertFailsValidation(new DredgeConfig().setHealthMaxManifests(0), "healthMaxManifests", "must be greater than or equal to 1", Min.class);
        String share = "dredge.health.max-deleted-row-share must be between 0 and 1";
        assertFailsValidation(new DredgeConfig().setHealthMaxDeletedRowShare(1.5), "healthMaxDeletedRowShareValid", share, AssertTrue.class);
        assertFailsValidation(new DredgeConfig().setHealthMaxDeletedRowShare(-0.1), "healthMaxDeletedRowShareValid", share, AssertTrue.class);
        assertValidates(new DredgeConfig().setHealthMaxManifests(1).setHealthMaxDeletedRowShare(0));
    }

    @Test
    public void testCopySettingsAreBounded()
    {
        assertFailsValidation(new DredgeConfig().setCopyConcurrency(0), "copyConcurrency", "must be greater than or equal to 1", Min.class);
        assertFailsValidation(new DredgeConfig().setCopyPlanKey("short"), "copyPlanKeyValid", "dredge.copy-plan-key must be at least 32 characters", AssertTrue.class);
        assertValidates(new DredgeConfig().setCopyConcurrency(256).setCopyPlanKey("0123456789abcdef0123456789abcdef"));
    }
}
