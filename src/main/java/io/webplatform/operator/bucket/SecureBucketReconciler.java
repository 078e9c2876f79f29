package io.webplatform.operator.bucket;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketStatus;
import io.webplatform.operator.aws.AccountIds;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.KubernetesEvents;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.engine.ReconcileTimer;
import io.webplatform.operator.engine.Requeue;
import io.webplatform.operator.engine.StatusConditions;
import io.webplatform.operator.engine.StatusUpdates;
import io.webplatform.operator.engine.WalkResult;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Makes AWS match each SecureBucket, reports the truth in its status, and tears it down on delete. */
@ControllerConfiguration(name = SecureBucketReconciler.NAME)
public class SecureBucketReconciler implements Reconciler<SecureBucket>, Cleaner<SecureBucket> {
    public static final String NAME = "securebucket";
    private static final Logger LOG = Logger.getLogger(SecureBucketReconciler.class);

    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();
    private final Requeue requeue = new Requeue();

    @Inject
    AwsClients clients;
    @Inject
    AccountIds accountIds;
    @Inject
    KubernetesClient kubernetes;
    @Inject
    ReconcileTimer timer;

    @ConfigProperty(name = "webplatform.resync-period", defaultValue = "PT5M")
    Duration resyncPeriod;

    @Override
    public UpdateControl<SecureBucket> reconcile(SecureBucket resource, Context<SecureBucket> context) {
        return timer.time("SecureBucket", "reconcile", () -> reconcilePass(resource));
    }

    private UpdateControl<SecureBucket> reconcilePass(SecureBucket resource) {
        long generation = resource.getMetadata().getGeneration();
        String statusBefore = StatusUpdates.snapshot(resource.getStatus());
        SecureBucketStatus status = statusOf(resource);
        KubernetesEvents events = new KubernetesEvents(kubernetes, resource);

        List<String> problems = SecureBucketValidation.validate(resource);
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            if (!message.equals(messageOf(status, Condition.STALLED))) {
                events.warning("InvalidSpec", message);
            }
            StatusConditions.set(status, generation, Condition.READY, false, "InvalidSpec", message);
            StatusConditions.set(status, generation, Condition.RECONCILING, false, "InvalidSpec", "nothing was changed in AWS");
            StatusConditions.set(status, generation, Condition.STALLED, true, "InvalidSpec", message);
            status.setObservedGeneration(generation);
            resource.setStatus(status);
            return StatusUpdates.patchIfChanged(resource, status, statusBefore, resyncPeriod);
        }

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult walk;
        BucketScope scope;
        try {
            scope = new BucketScope(resource, clients, accountIds.of(clients.region(resource.getSpec().region)));
            walk = graph.reconcile(scope, events);
        } finally {
            ApiCallMetrics.stopRecording();
        }
        List<Finding> findings = BucketFindings.evaluate(scope);
        List<String> failed = findings.stream().filter(Finding::failed)
                .map(f -> f.getId() + " on " + f.getResource()).toList();
        status.setFindings(findings);
        status.setRetained(null);
        StatusConditions.fromWalk(status, generation, walk, !failed.isEmpty(), "failed checks: " + String.join(", ", failed));
        fillOutputs(status, scope, walk);
        resource.setStatus(status);
        LOG.debugf("SecureBucket %s/%s: %d AWS calls: %s", resource.getMetadata().getNamespace(),
                resource.getMetadata().getName(), calls.size(), summarize(calls));

        String key = resource.getMetadata().getUid();
        Duration next;
        if (walk.allReady() || walk.stalled()) {
            requeue.reset(key);
            next = resyncPeriod;
        } else {
            next = requeue.next(key, walk);
        }
        return StatusUpdates.patchIfChanged(resource, status, statusBefore, next);
    }

    @Override
    public DeleteControl cleanup(SecureBucket resource, Context<SecureBucket> context) {
        return timer.time("SecureBucket", "cleanup", () -> cleanupPass(resource));
    }

    private DeleteControl cleanupPass(SecureBucket resource) {
        long generation = resource.getMetadata().getGeneration();
        SecureBucketStatus status = statusOf(resource);
        KubernetesEvents events = new KubernetesEvents(kubernetes, resource);
        BucketScope scope = new BucketScope(resource, clients, accountIds.of(clients.region(resource.getSpec().region)));
        WalkResult walk = graph.delete(scope, events);
        status.setComponents(walk.components());
        status.setRetained(walk.retained().isEmpty() ? null : walk.retained());
        String key = resource.getMetadata().getUid();
        if (walk.allGone()) {
            String kept = walk.retained().isEmpty() ? "nothing retained"
                    : "retained by deletionPolicy " + resource.getSpec().deletionPolicy + ": " + String.join(", ", walk.retained());
            StatusConditions.set(status, generation, Condition.READY, false, "Deleted", "AWS resources deleted; " + kept);
            StatusConditions.set(status, generation, Condition.RECONCILING, false, "Deleted", kept);
            if (!walk.retained().isEmpty()) {
                events.normal("Retained", kept);
            }
            patchStatus(resource, status);
            requeue.reset(key);
            return DeleteControl.defaultDelete();
        }
        if (walk.stalled()) {
            StatusConditions.set(status, generation, Condition.READY, false, walk.stalledReason(), "deletion blocked: " + walk.stalledMessage());
            StatusConditions.set(status, generation, Condition.STALLED, true, walk.stalledReason(), "deletion blocked: " + walk.stalledMessage());
        } else {
            StatusConditions.set(status, generation, Condition.READY, false, "Deleting", "deleting: " + walk.waitingSummary());
            StatusConditions.set(status, generation, Condition.RECONCILING, true, "Deleting", "deleting: " + walk.waitingSummary());
            StatusConditions.set(status, generation, Condition.STALLED, false, "Deleting", "progressing");
        }
        patchStatus(resource, status);
        if (walk.stalled()) {
            // Once a person unblocks it, the deletion starts again at the shortest delay.
            requeue.reset(key);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(resyncPeriod.toMillis());
        }
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(requeue.nextWhileDeleting(key, walk).toMillis());
    }

    @Override
    public ErrorStatusUpdateControl<SecureBucket> updateErrorStatus(SecureBucket resource, Context<SecureBucket> context, Exception e) {
        SecureBucketStatus status = statusOf(resource);
        resource.setStatus(status);
        return StatusUpdates.onError(resource, status, e);
    }

    private void patchStatus(SecureBucket resource, SecureBucketStatus status) {
        resource.setStatus(status);
        StatusUpdates.patchWhileDeleting(kubernetes, resource);
    }

    private static SecureBucketStatus statusOf(SecureBucket resource) {
        return resource.getStatus() == null ? new SecureBucketStatus() : resource.getStatus();
    }

    private static String messageOf(SecureBucketStatus status, String type) {
        Condition c = status.condition(type);
        return c == null ? null : c.getMessage();
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
            out.logBucketName = scope.names().logBucket();
            out.logBucketArn = idIfPresent(scope, TrailBucket.NAME);
            out.trailArn = idIfPresent(scope, Trail.NAME);
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

    private static String summarize(List<String> calls) {
        return calls.stream().collect(Collectors.groupingBy(c -> c, java.util.TreeMap::new, Collectors.counting())).toString();
    }
}
