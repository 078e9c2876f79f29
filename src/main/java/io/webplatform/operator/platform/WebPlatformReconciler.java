package io.webplatform.operator.platform;

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
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformStatus;
import io.webplatform.operator.aws.AccountIds;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.KubernetesEvents;
import io.webplatform.operator.engine.ReconcileTimer;
import io.webplatform.operator.engine.Requeue;
import io.webplatform.operator.engine.StatusConditions;
import io.webplatform.operator.engine.StatusUpdates;
import io.webplatform.operator.engine.WalkResult;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes AWS match each WebPlatform: the network, the database, the load balancer and the app
 * instances. Ready means a user can reach the app: both zones' instances are healthy targets and
 * the database is available.
 */
@ControllerConfiguration(name = WebPlatformReconciler.NAME)
public class WebPlatformReconciler implements Reconciler<WebPlatform>, Cleaner<WebPlatform> {
    public static final String NAME = "webplatform";

    private final ComponentGraph<PlatformScope> graph = WebPlatformGraph.create();
    private final Requeue requeue = new Requeue();

    @Inject
    AwsClients clients;
    @Inject
    AvailabilityZones availabilityZones;
    @Inject
    AccountIds accountIds;
    @Inject
    KubernetesClient kubernetes;
    @Inject
    ReconcileTimer timer;

    @ConfigProperty(name = "webplatform.resync-period", defaultValue = "PT5M")
    Duration resyncPeriod;

    @Override
    public UpdateControl<WebPlatform> reconcile(WebPlatform resource, Context<WebPlatform> context) {
        return timer.time("WebPlatform", "reconcile", () -> reconcilePass(resource));
    }

    private UpdateControl<WebPlatform> reconcilePass(WebPlatform resource) {
        long generation = resource.getMetadata().getGeneration();
        String statusBefore = StatusUpdates.snapshot(resource.getStatus());
        WebPlatformStatus status = statusOf(resource);
        KubernetesEvents events = new KubernetesEvents(kubernetes, resource);
        String region = clients.region(resource.getSpec().region);
        String key = resource.getMetadata().getUid();

        List<String> problems = WebPlatformValidation.validate(resource, region);
        NetworkPlan plan = null;
        if (problems.isEmpty()) {
            List<String> zones = WebPlatformValidation.zones(resource, availabilityZones.of(region), problems);
            if (problems.isEmpty()) {
                plan = NetworkPlan.of(resource.getSpec().network, zones);
                problems.addAll(WebPlatformValidation.overlappingSubnets(plan));
            }
        }
        if (!problems.isEmpty()) {
            return stalled(resource, status, statusBefore, events, "InvalidSpec", String.join("; ", problems));
        }
        // Judged before anything is asked for, the flow-log SecureBucket included: it makes a bucket and a key in AWS.
        WalkResult judged = graph.preflight(new PlatformScope(resource, plan, clients, accountIds.of(region), null));
        if (judged.stalled()) {
            return stalled(resource, status, statusBefore, events, judged.stalledReason(), judged.stalledMessage());
        }
        if (!judged.failures().isEmpty()) {
            return progressing(resource, status, statusBefore, "RetryingAfterError", "AWS could not judge the spec yet: "
                    + String.join("; ", judged.failures()));
        }
        FlowLogDestination.Resolution destination = FlowLogDestination.resolve(kubernetes, resource, region);
        if (destination.needsPerson()) {
            return stalled(resource, status, statusBefore, events, destination.reason(), destination.message());
        }
        if (!destination.ready()) {
            return progressing(resource, status, statusBefore, destination.reason(), destination.message());
        }

        PlatformScope scope = new PlatformScope(resource, plan, clients, accountIds.of(region), destination.bucketArn());
        WalkResult walk = graph.reconcile(scope, events);
        List<Finding> findings = NetworkFindings.evaluate(scope);
        List<String> failed = findings.stream().filter(Finding::failed)
                .map(f -> f.getId() + " on " + f.getResource()).toList();
        status.setFindings(findings);
        Alarms.State alarms = Alarms.of(scope);
        List<String> firing = alarms == null ? List.of() : alarms.firing();
        if (alarms != null) {
            status.setAlarms(alarms.byName().values().stream().map(a -> new WebPlatformStatus.AlarmState(a.alarmName(), a.stateValueAsString(),
                    a.namespace() + "/" + a.metricName())).toList());
        }
        if (scope.observed(DatabaseSnapshots.NAME) != null) {
            List<WebPlatformStatus.SnapshotState> snapshots = DatabaseSnapshots.of(scope).stream().map(x -> new WebPlatformStatus.SnapshotState(
                    x.dbSnapshotIdentifier(), x.status(), x.snapshotCreateTime() == null ? null : x.snapshotCreateTime().toString())).toList();
            status.setSnapshots(snapshots.isEmpty() ? null : snapshots);
        }
        String degradedReason = !firing.isEmpty() ? "AlarmFiring" : !failed.isEmpty() ? "SecurityFindings" : null;
        List<String> degradedWhy = new java.util.ArrayList<>();
        if (!firing.isEmpty()) {
            degradedWhy.add("alarms firing: " + String.join(", ", firing));
        }
        if (!failed.isEmpty()) {
            degradedWhy.add("failed checks: " + String.join(", ", failed));
        }
        StatusConditions.fromWalk(status, generation, walk, degradedReason, String.join("; ", degradedWhy));
        fillOutputs(resource, status, scope, region);
        var db = Database.of(scope);
        if (db != null && db.endpoint() != null && ConnectionSecret.apply(kubernetes, resource, db, region)) {
            events.normal("SecretWritten", "connection Secret " + ConnectionSecret.name(resource) + " written for " + db.endpoint().address());
        }
        if (walk.allReady()) {
            StatusConditions.set(status, generation, Condition.READY, true, "Available", "the app serves at " + status.getOutputs().appUrl
                    + " from healthy instances in " + String.join(" and ", status.getOutputs().instanceIds.keySet())
                    + "; the database is available; " + (alarms == null ? 0 : alarms.byName().size()) + " alarms notify " + status.getOutputs().alarmTopicArn);
        }
        if (walk.allReady() || walk.stalled()) {
            requeue.reset(key);
            return finish(resource, status, statusBefore, resyncPeriod);
        }
        return finish(resource, status, statusBefore, requeue.next(key, walk));
    }

    @Override
    public DeleteControl cleanup(WebPlatform resource, Context<WebPlatform> context) {
        return timer.time("WebPlatform", "cleanup", () -> cleanupPass(resource));
    }

    private DeleteControl cleanupPass(WebPlatform resource) {
        long generation = resource.getMetadata().getGeneration();
        WebPlatformStatus status = statusOf(resource);
        KubernetesEvents events = new KubernetesEvents(kubernetes, resource);
        String region = clients.region(resource.getSpec().region);
        String key = resource.getMetadata().getUid();
        // Deleting needs no plan beyond what exists: zones and CIDRs only matter for creating.
        NetworkPlan plan = NetworkPlan.of(resource.getSpec().network, List.of("", ""));
        PlatformScope scope = new PlatformScope(resource, plan, clients, accountIds.of(region), "");
        WalkResult walk = graph.delete(scope, events);
        status.setComponents(walk.components());
        String waiting;
        if (walk.allGone()) {
            List<String> left = new java.util.ArrayList<>(TagSweep.sweep(scope.ec2(), resource.getMetadata().getUid(), walk.retainedIds()));
            left.addAll(ServiceTagSweep.sweep(scope, walk.retainedIds()));
            if (!left.isEmpty()) {
                events.normal("Sweeping", "deleting what is still tagged with this WebPlatform: " + String.join(", ", left));
                waiting = "tagged leftovers: " + String.join(", ", left);
            } else if (!FlowLogDestination.deleteOwnBucket(kubernetes, resource)) {
                waiting = "the WebPlatform's own flow-log SecureBucket " + FlowLogDestination.ownBucketName(resource);
            } else {
                status.setRetained(walk.retained().isEmpty() ? null : walk.retained());
                String kept = walk.retained().isEmpty() ? "every AWS resource is deleted"
                        : "deleted, except what database deletionPolicy Retain keeps: " + String.join(", ", walk.retained());
                StatusConditions.set(status, generation, Condition.READY, false, "Deleted", kept);
                if (!walk.retained().isEmpty()) {
                    events.normal("Retained", kept);
                }
                patchStatus(resource, status);
                requeue.reset(key);
                return DeleteControl.defaultDelete();
            }
        } else if (walk.stalled()) {
            StatusConditions.set(status, generation, Condition.READY, false, walk.stalledReason(), "deletion blocked: " + walk.stalledMessage());
            StatusConditions.set(status, generation, Condition.RECONCILING, false, walk.stalledReason(), "waiting for a person: " + walk.stalledMessage());
            StatusConditions.set(status, generation, Condition.STALLED, true, walk.stalledReason(), "deletion blocked: " + walk.stalledMessage());
            patchStatus(resource, status);
            // Once a person unblocks it, the deletion starts again at the shortest delay.
            requeue.reset(key);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(resyncPeriod.toMillis());
        } else {
            waiting = walk.waitingSummary();
        }
        StatusConditions.set(status, generation, Condition.READY, false, "Deleting", "deleting: " + waiting);
        StatusConditions.set(status, generation, Condition.RECONCILING, true, "Deleting", "deleting: " + waiting);
        // A deletion that was blocked and resumed is no longer stalled.
        StatusConditions.set(status, generation, Condition.STALLED, false, "Deleting", "progressing");
        patchStatus(resource, status);
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(requeue.nextWhileDeleting(key, walk).toMillis());
    }

    @Override
    public ErrorStatusUpdateControl<WebPlatform> updateErrorStatus(WebPlatform resource, Context<WebPlatform> context, Exception e) {
        WebPlatformStatus status = statusOf(resource);
        resource.setStatus(status);
        return StatusUpdates.onError(resource, status, e);
    }

    private UpdateControl<WebPlatform> stalled(WebPlatform resource, WebPlatformStatus status, String statusBefore,
                                               KubernetesEvents events, String reason, String message) {
        long generation = resource.getMetadata().getGeneration();
        Condition previous = status.condition(Condition.STALLED);
        if (previous == null || !message.equals(previous.getMessage())) {
            events.warning(reason, message);
        }
        status.setObservedGeneration(generation);
        StatusConditions.set(status, generation, Condition.READY, false, reason, message);
        StatusConditions.set(status, generation, Condition.RECONCILING, false, reason, "nothing was changed in AWS");
        StatusConditions.set(status, generation, Condition.STALLED, true, reason, message);
        return finish(resource, status, statusBefore, resyncPeriod);
    }

    /** Not ready, nothing for a person to do: called again with backoff. */
    private UpdateControl<WebPlatform> progressing(WebPlatform resource, WebPlatformStatus status, String statusBefore,
                                                   String reason, String message) {
        long generation = resource.getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        StatusConditions.set(status, generation, Condition.READY, false, reason, message);
        StatusConditions.set(status, generation, Condition.RECONCILING, true, reason, message);
        StatusConditions.set(status, generation, Condition.STALLED, false, reason, "progressing");
        return finish(resource, status, statusBefore, requeue.next(resource.getMetadata().getUid()));
    }

    private UpdateControl<WebPlatform> finish(WebPlatform resource, WebPlatformStatus status, String statusBefore, Duration next) {
        resource.setStatus(status);
        return StatusUpdates.patchIfChanged(resource, status, statusBefore, next);
    }

    private void patchStatus(WebPlatform resource, WebPlatformStatus status) {
        resource.setStatus(status);
        StatusUpdates.patchWhileDeleting(kubernetes, resource);
    }

    private static WebPlatformStatus statusOf(WebPlatform resource) {
        return resource.getStatus() == null ? new WebPlatformStatus() : resource.getStatus();
    }

    private static void fillOutputs(WebPlatform resource, WebPlatformStatus status, PlatformScope scope, String region) {
        WebPlatformStatus.Outputs out = new WebPlatformStatus.Outputs();
        out.region = region;
        var vpc = scope.observed(Vpc.NAME);
        out.vpcId = vpc == null ? null : vpc.id();
        var subnets = scope.observed(Subnets.NAME);
        if (subnets != null) {
            Map<String, String> pub = new LinkedHashMap<>();
            Map<String, String> priv = new LinkedHashMap<>();
            subnets.detail(Subnets.State.class).byRole.forEach((role, s) ->
                    (role.startsWith("public") ? pub : priv).put(s.availabilityZone(), s.subnetId()));
            out.publicSubnetIds = pub;
            out.privateSubnetIds = priv;
        }
        var groups = scope.observed(SecurityGroups.NAME);
        if (groups != null) {
            Map<String, String> ids = new LinkedHashMap<>();
            groups.detail(SecurityGroups.State.class).byRole.forEach((role, g) -> ids.put(role, g.groupId()));
            out.securityGroupIds = ids;
        }
        var nats = scope.observed(NatGateways.NAME);
        if (nats != null) {
            out.natGatewayIds = nats.id();
        }
        var flowLog = scope.observed(FlowLog.NAME);
        out.flowLogId = flowLog == null ? null : flowLog.id();
        out.flowLogDestination = scope.flowLogBucketArn();
        var subnetGroup = scope.observed(DbSubnetGroup.NAME);
        out.dbSubnetGroup = subnetGroup == null ? null : subnetGroup.id();
        var profile = scope.observed(InstanceProfile.NAME);
        out.instanceProfileArn = profile == null ? null : profile.id();
        out.instanceIds = AppInstances.idsByZone(scope);
        var topic = scope.observed(AlarmTopic.NAME);
        out.alarmTopicArn = topic == null ? null : topic.id();
        if (scope.observed(LoadBalancer.NAME) != null) {
            out.loadBalancerDnsName = LoadBalancer.of(scope).dnsName();
            // HTTPS where the TLS listener serves; the certificate names the user's domain, which points at this DNS name.
            out.appUrl = scope.spec().loadBalancer.ports.contains(Listeners.TLS_PORT)
                    ? "https://" + out.loadBalancerDnsName + "/" : "http://" + out.loadBalancerDnsName + "/";
        }
        var db = Database.of(scope);
        if (db != null && db.endpoint() != null) {
            out.databaseEndpoint = db.endpoint().address();
            out.databasePort = db.endpoint().port();
            out.databaseEngineVersion = db.engineVersion();
            out.connectionSecret = ConnectionSecret.name(resource);
        }
        status.setOutputs(out);
    }
}
