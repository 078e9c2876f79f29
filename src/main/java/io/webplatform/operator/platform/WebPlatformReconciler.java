package io.webplatform.operator.platform;

import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformStatus;
import io.webplatform.operator.aws.AccountIds;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.engine.KubernetesEvents;
import io.webplatform.operator.engine.ManagedReconciler;
import io.webplatform.operator.engine.WalkResult;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes AWS match each WebPlatform: the network, the database, the load balancer and the app
 * instances. Ready means a user can reach the app: both zones' instances are healthy targets and
 * the database is available.
 */
@ControllerConfiguration(name = WebPlatformReconciler.NAME)
public class WebPlatformReconciler extends ManagedReconciler<WebPlatform, PlatformScope, WebPlatformStatus> {
    public static final String NAME = "webplatform";

    @Inject
    AwsClients clients;
    @Inject
    AvailabilityZones availabilityZones;
    @Inject
    AccountIds accountIds;

    public WebPlatformReconciler() {
        super("WebPlatform", WebPlatformGraph.create(), WebPlatformStatus::new);
    }

    @Override
    protected java.util.List<io.webplatform.operator.engine.SharedReads.Kind> listings() {
        return PlatformListings.kinds(clients);
    }

    @Override
    protected Judged<PlatformScope> judge(WebPlatform resource, Identity identity, KubernetesEvents events) {
        String region = clients.region(resource.getSpec().region);
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
            return Judged.stop(Stop.stalled("InvalidSpec", String.join("; ", problems)));
        }
        // Judged before anything is asked for, the flow-log SecureBucket included: it makes a bucket and a key in AWS.
        WalkResult judged = graph().preflight(new PlatformScope(resource, identity, plan, clients, accountIds.of(region), null));
        if (judged.stalled()) {
            return Judged.stop(Stop.stalled(judged.stalledReason(), judged.stalledMessage()));
        }
        if (!judged.failures().isEmpty()) {
            return Judged.stop(Stop.progressing("RetryingAfterError", "AWS could not judge the spec yet: " + String.join("; ", judged.failures())));
        }
        FlowLogDestination.Resolution destination = FlowLogDestination.resolve(kubernetes, resource, region, resource.getSpec().managementPolicy);
        if (destination.needsPerson()) {
            return Judged.stop(Stop.stalled(destination.reason(), destination.message()));
        }
        if (!destination.ready()) {
            // A bucket being made is looked at again in seconds; a Stalled one waits for a person, after the backoff.
            return Judged.stop(destination.soon() ? Stop.waitingFor(destination.reason(), destination.message())
                    : Stop.progressing(destination.reason(), destination.message()));
        }
        return Judged.walk(new PlatformScope(resource, identity, plan, clients, accountIds.of(region), destination.bucketArn()));
    }

    @Override
    protected Report report(WebPlatform resource, WebPlatformStatus status, PlatformScope scope, WalkResult walk, KubernetesEvents events) {
        List<Finding> findings = new java.util.ArrayList<>(NetworkFindings.evaluate(scope));
        findings.addAll(PlatformControls.evaluate(scope));
        List<String> failed = findings.stream().filter(Finding::faulty)
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
        String region = scope.region();
        fillOutputs(resource, status, scope, region);
        var db = Database.of(scope);
        if (db != null && db.endpoint() != null && ConnectionSecret.apply(kubernetes, resource, db, region)) {
            events.normal("SecretWritten", "connection Secret " + ConnectionSecret.name(resource) + " written for " + db.endpoint().address());
        }
        List<String> degradedWhy = new ArrayList<>();
        if (!firing.isEmpty()) {
            degradedWhy.add("alarms firing: " + String.join(", ", firing));
        }
        if (!failed.isEmpty()) {
            degradedWhy.add("failed checks: " + String.join(", ", failed));
        }
        String degradedReason = !firing.isEmpty() ? "AlarmFiring" : !failed.isEmpty() ? "SecurityFindings" : null;
        WebPlatformStatus.Outputs out = status.getOutputs();
        return new Report(degradedReason, String.join("; ", degradedWhy), "Available", "the app serves at " + out.appUrl
                + " from healthy instances in " + (out.instanceIds == null ? "" : String.join(" and ", out.instanceIds.keySet()))
                + "; the database is available; " + (alarms == null ? 0 : alarms.byName().size()) + " alarms notify " + out.alarmTopicArn);
    }

    @Override
    protected void released(Identity identity) {
        clients.quotas().release(identity.key());
    }

    @Override
    protected PlatformScope deletionScope(WebPlatform resource, Identity identity) {
        String region = clients.region(resource.getSpec().region);
        // Deleting needs no plan beyond what exists: zones and CIDRs only matter for creating.
        NetworkPlan plan = NetworkPlan.of(resource.getSpec().network, List.of("", ""));
        return new PlatformScope(resource, identity, plan, clients, accountIds.of(region), "");
    }

    /**
     * Its own flow-log SecureBucket, a Kubernetes object it made even when it never wrote to AWS: the
     * last thing every deletion waits for.
     */
    @Override
    protected String releaseWithoutAws(WebPlatform resource) {
        return FlowLogDestination.deleteOwnBucket(kubernetes, resource) ? null
                : "the WebPlatform's own flow-log SecureBucket " + FlowLogDestination.ownBucketName(resource);
    }

    /** Tagged leftovers (what a crash left between a create and its tags' first read), then the platform's own flow-log bucket. */
    @Override
    protected String finishDeletion(WebPlatform resource, PlatformScope scope, WalkResult walk, KubernetesEvents events) {
        List<String> left = new ArrayList<>(TagSweep.sweep(scope.ec2(), scope.ownerKey(), walk.retainedIds()));
        left.addAll(ServiceTagSweep.sweep(scope, walk.retainedIds()));
        if (!left.isEmpty()) {
            events.normal("Sweeping", "deleting what is still tagged with this WebPlatform: " + String.join(", ", left));
            return "tagged leftovers: " + String.join(", ", left);
        }
        return releaseWithoutAws(resource);
    }

    /** Its own flow-log SecureBucket is garbage-collected with it: it must be observed too, or it would delete its bucket and key. */
    @Override
    protected boolean readyToRelease(WebPlatform resource) {
        return FlowLogDestination.ownBucketObserved(kubernetes, resource);
    }

    @Override
    protected java.util.Optional<String> nothingToDelete(WebPlatform resource) {
        return Partition.nothingCanExistIn(clients.region(resource.getSpec().region));
    }

    @Override
    protected ManagementPolicy managementPolicy(WebPlatform resource) {
        return resource.getSpec().managementPolicy;
    }

    @Override
    protected String deletedMessage(WebPlatform resource, WalkResult walk) {
        return walk.retained().isEmpty() ? "every AWS resource is deleted"
                : "deleted, except what database deletionPolicy Retain keeps: " + String.join(", ", walk.retained());
    }

    private static void fillOutputs(WebPlatform resource, WebPlatformStatus status, PlatformScope scope, String region) {
        WebPlatformStatus.Outputs out = new WebPlatformStatus.Outputs();
        out.region = region;
        var vpc = scope.observed(Vpc.NAME);
        out.vpcId = vpc == null ? null : vpc.id();
        Subnets.State subnets = Subnets.of(scope);
        if (subnets != null) {
            Map<String, String> pub = new LinkedHashMap<>();
            Map<String, String> priv = new LinkedHashMap<>();
            subnets.byRole.forEach((role, s) ->
                    (role.startsWith("public") ? pub : priv).put(s.availabilityZone(), s.subnetId()));
            out.publicSubnetIds = pub;
            out.privateSubnetIds = priv;
        }
        SecurityGroups.State groups = SecurityGroups.of(scope);
        if (groups != null) {
            Map<String, String> ids = new LinkedHashMap<>();
            groups.byRole.forEach((role, g) -> ids.put(role, g.groupId()));
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
