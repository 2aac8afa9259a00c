package io.dredge.trino;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.ConfigHidden;
import io.airlift.configuration.ConfigSecuritySensitive;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.airlift.units.MinDuration;
import io.airlift.units.MinDataSize;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.concurrent.TimeUnit.DAYS;
import static java.util.concurrent.TimeUnit.HOURS;

public class DredgeConfig
{
    private DataSize targetFileSize = DataSize.of(128, MEGABYTE);
    private double compactionRatioThreshold = 10;
    private String hiveCatalogName = "hive";
    private String icebergCatalogName = "iceberg";
    private int listingConcurrency = 16;
    private int metastoreConcurrency = 4;
    private int copyConcurrency = 4;
    private Optional<String> copyPlanKey = Optional.empty();
    private Optional<String> journalLocation = Optional.empty();
    private Optional<String> backupLocation = Optional.empty();
    private Optional<URI> engineUri = Optional.empty();
    private Optional<String> engineUser = Optional.empty();
    private Optional<String> enginePassword = Optional.empty();
    private Duration healthStaleOperationAge = new Duration(24, HOURS);
    private Duration healthMaxSnapshotAge = new Duration(7, DAYS);
    private int healthMaxManifests = 100;
    private DataSize healthMinAvgManifestSize = DataSize.of(1, MEGABYTE);
    private double healthMaxDeletedRowShare = 0.1;
    private Duration quarantineRetention = new Duration(7, DAYS);
    private boolean faultInjectionEnabled;

    @NotNull
    @MinDataSize("1B")
    public DataSize getTargetFileSize()
    {
        return targetFileSize;
    }

    @Config("dredge.target-file-size")
    @ConfigDescription("Size that compaction aims for; a file smaller than target / compaction-ratio-threshold is small")
    public DredgeConfig setTargetFileSize(DataSize targetFileSize)
    {
        this.targetFileSize = targetFileSize;
        return this;
    }

    @DecimalMin("1.0")
    public double getCompactionRatioThreshold()
    {
        return compactionRatioThreshold;
    }

    @Config("dredge.compaction-ratio-threshold")
    @ConfigDescription("A table or partition needs compaction when its average file is below target-file-size divided by this")
    public DredgeConfig setCompactionRatioThreshold(double compactionRatioThreshold)
    {
        this.compactionRatioThreshold = compactionRatioThreshold;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getHealthStaleOperationAge()
    {
        return healthStaleOperationAge;
    }

    @Config("dredge.health.stale-operation-age")
    @ConfigDescription("How long an operation may stay RUNNING before table_health counts it as interrupted and gives recover as the fix")
    public DredgeConfig setHealthStaleOperationAge(Duration healthStaleOperationAge)
    {
        this.healthStaleOperationAge = healthStaleOperationAge;
        return this;
    }

    @NotNull
    public Duration getHealthMaxSnapshotAge()
    {
        return healthMaxSnapshotAge;
    }

    @Config("dredge.health.max-snapshot-age")
    @ConfigDescription("History an Iceberg table keeps when it does not set history.expire.max-snapshot-age-ms: older snapshots make table_health give expire_snapshots as the fix")
    public DredgeConfig setHealthMaxSnapshotAge(Duration healthMaxSnapshotAge)
    {
        this.healthMaxSnapshotAge = healthMaxSnapshotAge;
        return this;
    }

    @Min(1)
    public int getHealthMaxManifests()
    {
        return healthMaxManifests;
    }

    @Config("dredge.health.max-manifests")
    @ConfigDescription("An Iceberg table with more manifests than this, averaging under min-avg-manifest-size, makes table_health give optimize_manifests as the fix")
    public DredgeConfig setHealthMaxManifests(int healthMaxManifests)
    {
        this.healthMaxManifests = healthMaxManifests;
        return this;
    }

    @NotNull
    @MinDataSize("1B")
    public DataSize getHealthMinAvgManifestSize()
    {
        return healthMinAvgManifestSize;
    }

    @Config("dredge.health.min-avg-manifest-size")
    @ConfigDescription("Mean manifest size below which more than max-manifests manifests make table_health give optimize_manifests as the fix")
    public DredgeConfig setHealthMinAvgManifestSize(DataSize healthMinAvgManifestSize)
    {
        this.healthMinAvgManifestSize = healthMinAvgManifestSize;
        return this;
    }

    public double getHealthMaxDeletedRowShare()
    {
        return healthMaxDeletedRowShare;
    }

    @Config("dredge.health.max-deleted-row-share")
    @ConfigDescription("Delete records per data row above which an Iceberg table makes table_health give optimize as the fix")
    public DredgeConfig setHealthMaxDeletedRowShare(double healthMaxDeletedRowShare)
    {
        this.healthMaxDeletedRowShare = healthMaxDeletedRowShare;
        return this;
    }

    @AssertTrue(message = "dredge.health.max-deleted-row-share must be between 0 and 1")
    public boolean isHealthMaxDeletedRowShareValid()
    {
        return healthMaxDeletedRowShare >= 0 && healthMaxDeletedRowShare <= 1;
    }

    @NotNull
    public Duration getQuarantineRetention()
    {
        return quarantineRetention;
    }

    @Config("dredge.quarantine-retention")
    @ConfigDescription("How long remove_orphan_files' quarantine keeps what it moved (restore_orphan_files can put it back) before cleanup without older_than deletes it")
    public DredgeConfig setQuarantineRetention(Duration quarantineRetention)
    {
        this.quarantineRetention = quarantineRetention;
        return this;
    }

    @NotNull
    public String getHiveCatalogName()
    {
        return hiveCatalogName;
    }

    @Config("dredge.hive-catalog-name")
    @ConfigDescription("Trino catalog (Hive connector) that reads and writes the Hive tables of this metastore")
    public DredgeConfig setHiveCatalogName(String hiveCatalogName)
    {
        this.hiveCatalogName = hiveCatalogName;
        return this;
    }

    @NotNull
    public String getIcebergCatalogName()
    {
        return icebergCatalogName;
    }

    @Config("dredge.iceberg-catalog-name")
    @ConfigDescription("Trino catalog (Iceberg connector) that reads and writes the Iceberg tables of this metastore")
    public DredgeConfig setIcebergCatalogName(String icebergCatalogName)
    {
        this.icebergCatalogName = icebergCatalogName;
        return this;
    }

    @Min(1)
    @Max(1024)
    public int getListingConcurrency()
    {
        return listingConcurrency;
    }

    @Config("dredge.listing-concurrency")
    @ConfigDescription("Directories, manifests and file footers read at the same time by the report and by count verification")
    public DredgeConfig setListingConcurrency(int listingConcurrency)
    {
        this.listingConcurrency = listingConcurrency;
        return this;
    }

    @Min(1)
    @Max(256)
    public int getMetastoreConcurrency()
    {
        return metastoreConcurrency;
    }

    @Config("dredge.metastore-concurrency")
    @ConfigDescription("Batches of partitions read from the metastore at the same time by the report")
    public DredgeConfig setMetastoreConcurrency(int metastoreConcurrency)
    {
        this.metastoreConcurrency = metastoreConcurrency;
        return this;
    }

    @Min(1)
    @Max(256)
    public int getCopyConcurrency()
    {
        return copyConcurrency;
    }

    @Config("dredge.copy-concurrency")
    @ConfigDescription("Files each node copies at the same time for backups (copy_files), whatever number of splits it runs")
    public DredgeConfig setCopyConcurrency(int copyConcurrency)
    {
        this.copyConcurrency = copyConcurrency;
        return this;
    }

    public Optional<String> getCopyPlanKey()
    {
        return copyPlanKey;
    }

    @Config("dredge.copy-plan-key")
    @ConfigSecuritySensitive
    @ConfigDescription("Key that signs the plans copy_files runs; default: a random key per coordinator start. Set it (the same on every coordinator) when procedures reach another coordinator than their own")
    public DredgeConfig setCopyPlanKey(String copyPlanKey)
    {
        this.copyPlanKey = Optional.ofNullable(copyPlanKey).filter(value -> !value.isBlank());
        return this;
    }

    @AssertTrue(message = "dredge.copy-plan-key must be at least 32 characters")
    public boolean isCopyPlanKeyValid()
    {
        return copyPlanKey.map(key -> key.length() >= 32).orElse(true);
    }

    public Optional<String> getJournalLocation()
    {
        return journalLocation;
    }

    @Config("dredge.journal-location")
    @ConfigDescription("Directory for the operations journal; default: a hidden .dredge/operations directory in each schema's location")
    public DredgeConfig setJournalLocation(String journalLocation)
    {
        this.journalLocation = Optional.ofNullable(journalLocation).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<String> getBackupLocation()
    {
        return backupLocation;
    }

    @Config("dredge.backup-location")
    @ConfigDescription("Backup repository: where backup_table keeps backups (manifests and files), and where every backup is named; backups are unavailable without it")
    public DredgeConfig setBackupLocation(String backupLocation)
    {
        this.backupLocation = Optional.ofNullable(backupLocation).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<URI> getEngineUri()
    {
        return engineUri;
    }

    @Config("dredge.engine.uri")
    @ConfigDescription("Where procedures send their SQL (http://host:port of this cluster's coordinator); default: the coordinator this catalog runs in")
    public DredgeConfig setEngineUri(URI engineUri)
    {
        this.engineUri = Optional.ofNullable(engineUri);
        return this;
    }

    @AssertTrue(message = "dredge.engine.uri must be http://host[:port] or https://host[:port]")
    public boolean isEngineUriValid()
    {
        return engineUri
                .map(uri -> uri.getScheme() != null
                        && Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                        && uri.getHost() != null)
                .orElse(true);
    }

    public Optional<String> getEngineUser()
    {
        return engineUser;
    }

    @Config("dredge.engine.user")
    @ConfigDescription("User that authenticates to the engine and impersonates the calling user; default: connect as the calling user")
    public DredgeConfig setEngineUser(String engineUser)
    {
        this.engineUser = Optional.ofNullable(engineUser).filter(value -> !value.isBlank());
        return this;
    }

    public Optional<String> getEnginePassword()
    {
        return enginePassword;
    }

    @Config("dredge.engine.password")
    @ConfigSecuritySensitive
    @ConfigDescription("Password of dredge.engine.user (needs an https engine URI)")
    public DredgeConfig setEnginePassword(String enginePassword)
    {
        this.enginePassword = Optional.ofNullable(enginePassword).filter(value -> !value.isBlank());
        return this;
    }

    public boolean isFaultInjectionEnabled()
    {
        return faultInjectionEnabled;
    }

    /**
     * Test only: registers the session properties that stop or pause compaction after a protocol step
     * ({@link DredgeSessionProperties#TESTING_FAIL_AFTER}, {@link DredgeSessionProperties#TESTING_PAUSE_AFTER}).
     * With them any user could leave a table needing {@code recover} or hold its lock, so a catalog that users
     * reach must never set this.
     */
    @Config("dredge.testing.fault-injection-enabled")
    @ConfigHidden
    @ConfigDescription("Test only: accept the session properties that stop or pause compaction after a protocol step")
    public DredgeConfig setFaultInjectionEnabled(boolean faultInjectionEnabled)
    {
        this.faultInjectionEnabled = faultInjectionEnabled;
        return this;
    }
}
