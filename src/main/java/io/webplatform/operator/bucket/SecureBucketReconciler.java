package io.webplatform.operator.bucket;

import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketStatus;
import io.webplatform.operator.aws.AccountIds;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.KubernetesEvents;
import io.webplatform.operator.engine.ManagedReconciler;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.engine.WalkResult;
import jakarta.inject.Inject;

import java.util.List;

/** Makes AWS match each SecureBucket, reports the truth in its status, and tears it down on delete. */
@ControllerConfiguration(name = SecureBucketReconciler.NAME)
public class SecureBucketReconciler extends ManagedReconciler<SecureBucket, BucketScope, SecureBucketStatus> {
    public static final String NAME = "securebucket";

    @Inject
    AwsClients clients;
    @Inject
    AccountIds accountIds;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "webplatform.access-log-retention-days",
            defaultValue = "" + BucketScope.DEFAULT_ACCESS_LOG_RETENTION_DAYS)
    int accessLogRetentionDays;
    /** The chart's trail.objectLock ("" off, GOVERNANCE or COMPLIANCE; the chart's schema allows nothing else). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "webplatform.trail.object-lock.mode")
    java.util.Optional<String> trailObjectLockMode;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "webplatform.trail.object-lock.retention-days", defaultValue = "365")
    int trailObjectLockDays;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "webplatform.trail.insights", defaultValue = "false")
    boolean trailInsights;

    public SecureBucketReconciler() {
        super("SecureBucket", SecureBucketGraph.create(), SecureBucketStatus::new);
    }

    @Override
    protected java.util.List<io.webplatform.operator.engine.SharedReads.Kind> listings() {
        return BucketListings.kinds(clients);
    }

    @Override
    protected Judged<BucketScope> judge(SecureBucket resource, Identity identity, KubernetesEvents events) {
        List<String> problems = SecureBucketValidation.validate(resource);
        if (!problems.isEmpty()) {
            return Judged.stop(Stop.stalled("InvalidSpec", String.join("; ", problems)));
        }
        return Judged.walk(scope(resource, identity));
    }

    @Override
    protected Report report(SecureBucket resource, SecureBucketStatus status, BucketScope scope, WalkResult walk, KubernetesEvents events) {
        List<Finding> findings = BucketFindings.evaluate(scope);
        List<String> failed = findings.stream().filter(Finding::failed)
                .map(f -> f.getId() + " on " + f.getResource()).toList();
        status.setFindings(findings);
        status.setRetained(null);
        fillOutputs(status, scope, walk);
        return failed.isEmpty() ? Report.healthy() : new Report("SecurityFindings", "failed checks: " + String.join(", ", failed), null, null);
    }

    @Override
    protected BucketScope deletionScope(SecureBucket resource, Identity identity) {
        return scope(resource, identity);
    }

    @Override
    protected java.util.Optional<String> nothingToDelete(SecureBucket resource) {
        return Partition.nothingCanExistIn(clients.region(resource.getSpec().region));
    }

    @Override
    protected ManagementPolicy managementPolicy(SecureBucket resource) {
        return resource.getSpec().managementPolicy;
    }

    @Override
    protected String deletedMessage(SecureBucket resource, WalkResult walk) {
        String kept = walk.retained().isEmpty() ? "nothing retained"
                : "retained by deletionPolicy " + resource.getSpec().deletionPolicy + ": " + String.join(", ", walk.retained());
        return "AWS resources deleted; " + kept;
    }

    private BucketScope scope(SecureBucket resource, Identity identity) {
        return new BucketScope(resource, identity, clients, accountIds.of(clients.region(resource.getSpec().region)), installation.name(),
                accessLogRetentionDays).trailObjectLock(TrailObjectLock.Retention.of(trailObjectLockMode.orElse(""), trailObjectLockDays))
                .trailInsights(trailInsights);
    }

    private static void fillOutputs(SecureBucketStatus status, BucketScope scope, WalkResult walk) {
        SecureBucketStatus.Outputs out = new SecureBucketStatus.Outputs();
        out.region = scope.region();
        out.bucketName = scope.names().bucket();
        out.bucketArn = idIfPresent(scope, DataBucket.NAME);
        out.keyArn = idIfPresent(scope, KmsKey.NAME);
        if (scope.replicationEnabled()) {
            out.backupBucketName = scope.names().backupBucket();
            out.backupBucketArn = idIfPresent(scope, BackupBucket.NAME);
            out.replicationRoleArn = idIfPresent(scope, ReplicationRole.NAME);
        }
        if (scope.trailEnabled()) {
            out.logBucketName = scope.trailDestination().logBucket();
            out.logBucketArn = idIfPresent(scope, TrailBucket.NAME);
            out.trailArn = idIfPresent(scope, Trail.NAME);
        }
        var previous = walk.component(PreviousTrail.NAME);
        if (previous != null && previous.getId() != null) {
            // The trail an earlier version made for it still exists: status keeps naming it until it is gone.
            out.trailArn = previous.getId();
        }
        status.setOutputs(out);
        status.setReplication(summary(scope.replicationEnabled(), walk, Replication.NAME, "Ready"));
        status.setTrail(summary(scope.trailEnabled(), walk, Trail.NAME, "Logging"));
    }

    private static String summary(boolean enabled, WalkResult walk, String component, String readyWord) {
        if (!enabled) {
            return "Disabled";
        }
        var c = walk.component(component);
        if (c == null) {
            return "Pending";
        }
        if (c.isReady()) {
            return readyWord;
        }
        return ComponentGraph.FAILED.equals(c.getState()) ? "Failed" : "Pending";
    }

    private static String idIfPresent(BucketScope scope, String component) {
        Observed<?> o = scope.observed(component);
        return o == null ? null : o.id();
    }
}
