package io.dredge.hive.hook;

import io.dredge.core.compaction.Compaction;
import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.Verification;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.sql.PartitionPredicate;
import io.dredge.core.sql.SqlDialect;
import io.dredge.hive.adapter.HiveMaintenance;
import io.dredge.hive.adapter.HiveRuntime;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.conf.HiveConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The audit's {@code dredge.audit.compact-after-write}: the partitions a write left needing compaction are compacted
 * by the protocol of {@code dredge_compact_table}, as the writer, once the write has finished. Not inside the write:
 * its statement still holds its locks while the hook runs, and the compaction reads the table. One at a time per
 * HiveServer2; a compaction that fails (the table is busy, say) is logged and leaves the table as it was.
 */
final class CompactionAfterWrite
{
    private static final Logger log = LoggerFactory.getLogger(CompactionAfterWrite.class);

    private CompactionAfterWrite() {}

    /**
     * @param partitionNames the partitions to compact; empty for an unpartitioned table
     */
    static void submit(HiveConf configuration, String user, TableReference table, List<String> partitionNames, SmallFilePolicy policy)
    {
        requireNonNull(user, "user is null");
        HiveConf copy = new HiveConf(configuration);
        HiveRuntime.get().compactionsAfterWrites().execute(() -> {
            try (HivePorts ports = HivePorts.of(copy)) {
                Optional<TableDescriptor> descriptor = ports.metastore().getTable(table);
                if (descriptor.isEmpty()) {
                    return;
                }
                Optional<String> filter = new PartitionPredicate(SqlDialect.HIVE).expression(descriptor.get(), partitionNames);
                OperationRecord result = new Compaction(HiveMaintenance.context(ports, user))
                        .compact(table, new CompactionOptions(filter, policy, Verification.CHECKSUM, false));
                log.info("Dredge: compaction after a write to {} by {}: operation {} {}: {}", table, user, result.id(), result.state(), result.step());
            }
            catch (Exception e) {
                log.warn("Dredge: compaction after a write to {} by {} failed: {}", table, user, e.toString());
            }
        });
    }
}
