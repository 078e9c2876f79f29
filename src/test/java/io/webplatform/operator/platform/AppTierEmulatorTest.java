package io.webplatform.operator.platform;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceAttributeName;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The app tier against the emulator: instances, load balancer, database; self-healing, rolling changes, deletion policies. */
class AppTierEmulatorTest extends PlatformFixture {

    private PlatformScope converged(WebPlatform wp) {
        WalkResult result = converge(wp);
        assertThat(result.allReady()).as(result.waitingSummary() + result.failures() + result.stalledMessage()).isTrue();
        PlatformScope scope = scope(wp);
        assertThat(graph.reconcile(scope, new RecordedEvents()).allReady()).isTrue();
        return scope;
    }

    private static Instance instance(String id) {
        return aws.ec2(Emulator.REGION).describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances().get(0);
    }

    private static DBInstance db(PlatformScope scope) {
        return aws.rds(Emulator.REGION).describeDBInstances(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope))).dbInstances().get(0);
    }

    /** Target id to health state, as the target group reports it. */
    private static Map<String, String> targets(PlatformScope scope) {
        return aws.elbv2(Emulator.REGION).describeTargetHealth(r -> r.targetGroupArn(scope.idOf(TargetGroup.NAME))).targetHealthDescriptions()
                .stream().collect(Collectors.toMap(t -> t.target().id(), t -> t.targetHealth().stateAsString()));
    }

    @Test
    void createsTheAppTierAsMissionSays() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        ElasticLoadBalancingV2Client elb = aws.elbv2(Emulator.REGION);

        Map<String, String> byZone = AppInstances.idsByZone(scope);
        assertThat(byZone.keySet()).containsExactly(zones.get(0), zones.get(1));
        String appGroup = SecurityGroups.groupId(scope, "app");
        for (int i = 0; i < 2; i++) {
            Instance instance = instance(byZone.get(zones.get(i)));
            assertThat(instance.subnetId()).isEqualTo(Subnets.subnetId(scope, "private-" + i));
            assertThat(instance.instanceTypeAsString()).isEqualTo("t3.micro");
            assertThat(instance.metadataOptions().httpTokens()).isEqualTo(HttpTokensState.REQUIRED);
            assertThat(instance.metadataOptions().httpPutResponseHopLimit()).isEqualTo(1);
            assertThat(instance.securityGroups()).extracting(g -> g.groupId()).containsExactly(appGroup);
            assertThat(instance.iamInstanceProfile().arn()).isEqualTo(scope.idOf(InstanceProfile.NAME));
            assertThat(instance.publicIpAddress()).isNull();
            assertThat(instance.imageId()).startsWith("ami-");
            var volumeId = instance.blockDeviceMappings().get(0).ebs().volumeId();
            var volume = ec2.describeVolumes(r -> r.volumeIds(volumeId)).volumes().get(0);
            assertThat(volume.volumeTypeAsString()).isEqualTo("gp3");
            assertThat(volume.encrypted()).isTrue();
            assertThat(volume.size()).isEqualTo(8);
            String userData = new String(Base64.getDecoder().decode(ec2.describeInstanceAttribute(r -> r.instanceId(instance.instanceId())
                    .attribute(InstanceAttributeName.USER_DATA)).userData().value()), StandardCharsets.UTF_8);
            assertThat(userData).startsWith("#!/bin/bash").contains(db(scope).endpoint().address(), db(scope).masterUserSecret().secretArn(),
                    "--bind 0.0.0.0:80").doesNotContain("password\":");
        }

        var lb = elb.describeLoadBalancers(r -> r.names(LoadBalancerNames.loadBalancer(scope))).loadBalancers().get(0);
        assertThat(lb.typeAsString()).isEqualTo("network");
        assertThat(lb.schemeAsString()).isEqualTo("internet-facing");
        assertThat(lb.availabilityZones()).extracting(z -> z.subnetId())
                .containsExactlyInAnyOrder(Subnets.subnetId(scope, "public-0"), Subnets.subnetId(scope, "public-1"));
        assertThat(lb.securityGroups()).containsExactly(SecurityGroups.groupId(scope, "lb"));
        assertThat(elb.describeLoadBalancerAttributes(r -> r.loadBalancerArn(lb.loadBalancerArn())).attributes())
                .anyMatch(a -> a.key().equals(LoadBalancer.CROSS_ZONE) && a.value().equals("true"));
        var group = elb.describeTargetGroups(r -> r.names(LoadBalancerNames.targetGroup(scope))).targetGroups().get(0);
        assertThat(group.protocolAsString()).isEqualTo("TCP");
        assertThat(group.port()).isEqualTo(80);
        assertThat(group.targetTypeAsString()).isEqualTo("instance");
        assertThat(group.healthCheckProtocolAsString()).isEqualTo("HTTP");
        assertThat(group.healthCheckPath()).isEqualTo("/");
        assertThat(elb.describeTargetGroupAttributes(r -> r.targetGroupArn(group.targetGroupArn())).attributes())
                .anyMatch(a -> a.key().equals(TargetGroup.DEREGISTRATION_DELAY) && a.value().equals("30"));
        var listeners = elb.describeListeners(r -> r.loadBalancerArn(lb.loadBalancerArn())).listeners();
        assertThat(listeners).hasSize(1);
        assertThat(listeners.get(0).port()).isEqualTo(80);
        assertThat(listeners.get(0).protocolAsString()).isEqualTo("TCP");
        assertThat(listeners.get(0).defaultActions().get(0).targetGroupArn()).isEqualTo(group.targetGroupArn());
        assertThat(targets(scope)).containsOnlyKeys(byZone.values()).containsValues("healthy");

        DBInstance db = db(scope);
        assertThat(db.engine()).isEqualTo("postgres");
        assertThat(db.engineVersion()).startsWith("16");
        assertThat(db.dbInstanceClass()).isEqualTo("db.t4g.micro");
        assertThat(db.allocatedStorage()).isEqualTo(20);
        assertThat(db.storageType()).isEqualTo("gp3");
        assertThat(db.storageEncrypted()).isTrue();
        assertThat(db.publiclyAccessible()).isFalse();
        assertThat(db.backupRetentionPeriod()).isEqualTo(7);
        assertThat(db.multiAZ()).isTrue(); // the default: RDS's 99.95 % SLA needs the standby
        assertThat(db.autoMinorVersionUpgrade()).isTrue(); // "16" names a major: AWS applies minors
        assertThat(db.deletionProtection()).isTrue(); // the default: nobody deletes it outside the operator
        assertThat(db.dbName()).isEqualTo("app");
        assertThat(db.masterUsername()).isEqualTo("app");
        assertThat(db.masterUserSecret().secretArn()).contains(":secret:");
        assertThat(db.dbSubnetGroup().dbSubnetGroupName()).isEqualTo(scope.idOf(DbSubnetGroup.NAME));
        assertThat(db.vpcSecurityGroups()).extracting(g -> g.vpcSecurityGroupId()).containsExactly(SecurityGroups.groupId(scope, "db"));
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void aCreatingDatabaseAndInitialTargetsMakeTheWalkComeBack() {
        WebPlatform wp = platform(new WebPlatformSpec());
        SLOW_DB.creatingFor(wp.getMetadata().getName(), 2);
        WalkResult first = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(first.component(Database.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(first.component(Database.NAME).getMessage()).isEqualTo("database creating");
        assertThat(first.component(AppInstances.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(first.component(LoadBalancer.NAME).isReady() || ComponentGraph.PENDING.equals(first.component(LoadBalancer.NAME).getState())).isTrue();

        TARGETS.newTargetsInitialFor(3);
        List<String> messages = new ArrayList<>();
        WalkResult result = null;
        for (int pass = 0; pass < 10 && (result == null || !result.allReady()); pass++) {
            result = graph.reconcile(scope(wp), new RecordedEvents());
            if (result.component(AppInstances.NAME).getMessage() != null) {
                messages.add(result.component(AppInstances.NAME).getMessage());
            }
        }
        TARGETS.newTargetsInitialFor(0);
        assertThat(result.allReady()).isTrue();
        assertThat(messages).anyMatch(m -> m.contains("initial"));
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    /** The availability drill: an instance terminated or stopped by hand is replaced while the other zone keeps serving. */
    @Test
    void aTerminatedOrStoppedInstanceIsReplacedWhileTheOtherZoneServes() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        Map<String, String> before = AppInstances.idsByZone(scope);
        String lost = before.get(zones.get(0));
        String survivor = before.get(zones.get(1));
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        ec2.terminateInstances(r -> r.instanceIds(lost));

        TARGETS.newTargetsInitialFor(2);
        List<Map<String, String>> seen = new ArrayList<>();
        WalkResult result = null;
        for (int pass = 0; pass < 10 && (result == null || !result.allReady()); pass++) {
            PlatformScope s = scope(wp);
            result = graph.reconcile(s, new RecordedEvents());
            seen.add(targets(s));
        }
        TARGETS.newTargetsInitialFor(0);
        assertThat(result.allReady()).isTrue();
        assertThat(seen).allSatisfy(t -> assertThat(t).containsEntry(survivor, "healthy"));
        PlatformScope after = converged(wp);
        String replacement = AppInstances.idsByZone(after).get(zones.get(0));
        assertThat(replacement).isNotEqualTo(lost);
        assertThat(AppInstances.idsByZone(after)).containsEntry(zones.get(1), survivor);
        assertThat(instance(replacement).subnetId()).isEqualTo(Subnets.subnetId(after, "private-0"));
        assertThat(targets(after)).containsEntry(replacement, "healthy").containsEntry(survivor, "healthy").doesNotContainKey(lost);

        // Stopped by hand: replaced too, and the stopped one terminated (it would never serve again).
        ec2.stopInstances(r -> r.instanceIds(survivor));
        WalkResult healed = converge(wp);
        assertThat(healed.allReady()).as(healed.waitingSummary()).isTrue();
        PlatformScope last = scope(wp);
        graph.reconcile(last, new RecordedEvents());
        assertThat(AppInstances.idsByZone(last).get(zones.get(1))).isNotEqualTo(survivor);
        assertThat(instance(survivor).state().name()).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED);
        assertThat(inventory(wp)).containsEntry("instance", 2);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    /** A new instance type replaces one instance at a time; the target group always has a healthy target in some zone. */
    @Test
    void aNewInstanceTypeRollsOneInstanceAtATime() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        Set<String> original = Set.copyOf(AppInstances.idsByZone(scope).values());
        wp.getSpec().app.instanceType = "t3.small";

        TARGETS.newTargetsInitialFor(2);
        List<String> trace = new ArrayList<>();
        WalkResult result = null;
        for (int pass = 0; pass < 20 && (result == null || !result.allReady()); pass++) {
            PlatformScope s = scope(wp);
            result = graph.reconcile(s, new RecordedEvents());
            Map<String, String> health = targets(s);
            long healthy = health.values().stream().filter("healthy"::equals).count();
            assertThat(healthy).as("healthy targets after pass %d: %s", pass, health).isGreaterThanOrEqualTo(1);
            // Never both zones without an original instance serving until one new one serves.
            long originalsServing = health.entrySet().stream().filter(e -> original.contains(e.getKey()) && e.getValue().equals("healthy")).count();
            long newServing = healthy - originalsServing;
            assertThat(originalsServing + newServing).isGreaterThanOrEqualTo(1);
            trace.add(health.toString());
            result.repairs().forEach(trace::add);
        }
        TARGETS.newTargetsInitialFor(0);
        assertThat(result.allReady()).as(String.join("\n", trace)).isTrue();
        PlatformScope after = converged(wp);
        Map<String, String> now = AppInstances.idsByZone(after);
        assertThat(now.values()).doesNotContainAnyElementsOf(original);
        assertThat(now.values()).allSatisfy(id -> assertThat(instance(id).instanceTypeAsString()).isEqualTo("t3.small"));
        assertThat(original).allSatisfy(id -> assertThat(instance(id).state().name()).isIn(InstanceStateName.SHUTTING_DOWN, InstanceStateName.TERMINATED));
        // One at a time: the second launch came only after the first replacement served and its predecessor was retired.
        List<String> launches = trace.stream().filter(t -> t.contains("launched")).toList();
        assertThat(launches).hasSize(2);
        int firstRetired = indexOf(trace, "terminated");
        assertThat(firstRetired).isPositive().isLessThan(trace.indexOf(launches.get(1)));
        assertThat(inventory(wp)).containsEntry("instance", 2);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    private static int indexOf(List<String> trace, String text) {
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theDatabaseClassChangesInPlace() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        String endpoint = db(scope).endpoint().address();
        wp.getSpec().database.instanceClass = "db.t4g.small";
        wp.getSpec().database.backupRetentionDays = 14;
        WalkResult result = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(result.repairs()).containsExactly("Database: class db.t4g.micro -> db.t4g.small", "Database: backup retention 7 -> 14 days");
        assertThat(converge(wp).allReady()).isTrue();
        DBInstance after = db(scope(wp));
        assertThat(after.dbInstanceClass()).isEqualTo("db.t4g.small");
        assertThat(after.backupRetentionPeriod()).isEqualTo(14);
        assertThat(after.endpoint().address()).isEqualTo(endpoint);
        assertThat(inventory(wp)).containsEntry("db-instance", 1);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void aPinnedMinorTurnsAutoUpgradesOffAndAVersionAwsUpgradedIsKeptNotDowngraded() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.database.engineVersion = "16.3";
        WebPlatform wp = platform(spec);
        PlatformScope scope = converged(wp);
        String id = DatabaseNames.instanceId(scope);
        assertThat(db(scope).engineVersion()).isEqualTo("16.3");
        assertThat(db(scope).autoMinorVersionUpgrade()).isFalse();

        // AWS upgrades the minor on its own (end of support forces it even with auto upgrades off).
        aws.rds(Emulator.REGION).modifyDBInstance(r -> r.dbInstanceIdentifier(id).engineVersion("16.6").applyImmediately(true));
        REQUESTS.start();
        WalkResult resync = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(resync.stalled()).isFalse();
        assertThat(resync.repairs()).isEmpty();
        assertThat(REQUESTS.sent(ModifyDbInstanceRequest.class)).isEmpty();
        assertThat(resync.component(Database.NAME).isReady()).isTrue();
        assertThat(resync.component(Database.NAME).getMessage())
                .isEqualTo("runs PostgreSQL 16.6, newer than spec.database.engineVersion 16.3: RDS cannot downgrade, so it is kept;"
                        + " set the spec to 16.6 to say so");
        // AWS retired 16.3 meanwhile: an operator that starts afresh (nothing cached) judges the spec only until the instance
        // exists, so the running platform is not stopped by it.
        ENGINE_VERSIONS.offer(List.of("16.6", "16.8"));
        try {
            WalkResult restarted = WebPlatformGraph.create().reconcile(scope(wp), new RecordedEvents());
            assertThat(restarted.stalled()).as(restarted.stalledMessage()).isFalse();
            assertThat(restarted.allReady()).isTrue();
        } finally {
            ENGINE_VERSIONS.offer(null);
        }

        // A newer minor in the spec is an upgrade, in place; a major again hands minors back to AWS.
        wp.getSpec().database.engineVersion = "16.8";
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).containsExactly("Database: engine version 16.6 -> 16.8");
        assertThat(REQUESTS.sent(ModifyDbInstanceRequest.class)).singleElement()
                .satisfies(m -> assertThat(m.allowMajorVersionUpgrade()).isFalse());
        assertThat(db(scope).engineVersion()).isEqualTo("16.8");
        wp.getSpec().database.engineVersion = "16";
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).containsExactly("Database: auto minor version upgrade false -> true");
        assertThat(db(scope).autoMinorVersionUpgrade()).isTrue();
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void driftIsRepaired() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        ElasticLoadBalancingV2Client elb = aws.elbv2(Emulator.REGION);
        String id = AppInstances.idsByZone(scope).get(zones.get(0));
        ec2.modifyInstanceMetadataOptions(r -> r.instanceId(id).httpTokens(HttpTokensState.OPTIONAL).httpPutResponseHopLimit(2));
        String other = AppInstances.idsByZone(scope).get(zones.get(1));
        elb.deregisterTargets(r -> r.targetGroupArn(scope.idOf(TargetGroup.NAME)).targets(t -> t.id(other).port(80)));
        elb.modifyLoadBalancerAttributes(r -> r.loadBalancerArn(scope.idOf(LoadBalancer.NAME))
                .attributes(a -> a.key(LoadBalancer.CROSS_ZONE).value("false")));
        aws.rds(Emulator.REGION).modifyDBInstance(r -> r.dbInstanceIdentifier(DatabaseNames.instanceId(scope)).publiclyAccessible(true)
                .applyImmediately(true));

        RecordedEvents events = new RecordedEvents();
        WalkResult repaired = graph.reconcile(scope(wp), events);
        assertThat(repaired.repairs())
                .contains("AppInstances: " + id + ": instance metadata set back to IMDSv2 only (tokens required, hop limit 1)")
                .contains("AppInstances: app-1: " + other + " registered in the target group on port 80")
                .contains("LoadBalancer: cross-zone load balancing turned on")
                .contains("Database: no longer publicly accessible");
        assertThat(instance(id).metadataOptions().httpTokens()).isEqualTo(HttpTokensState.REQUIRED);
        assertThat(instance(id).metadataOptions().httpPutResponseHopLimit()).isEqualTo(1);
        assertThat(targets(scope)).containsKey(other);
        assertThat(db(scope).publiclyAccessible()).isFalse();
        assertThat(converge(wp).allReady()).isTrue();
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    private static List<String> finalSnapshots(PlatformScope scope) {
        return aws.rds(Emulator.REGION).describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots().stream()
                .map(s -> s.dbSnapshotIdentifier()).filter(id -> id.startsWith(DatabaseNames.instanceId(scope) + "-final-")).toList();
    }

    @Test
    void snapshotPolicyLeavesOnlyTheFinalSnapshot() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
        assertThat(finalSnapshots(scope)).hasSize(1);
    }

    @Test
    void deletePolicyLeavesNothing() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.database.deletionPolicy = WebPlatformSpec.DatabaseDeletionPolicy.Delete;
        WebPlatform wp = platform(spec);
        PlatformScope scope = converged(wp);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
        assertThat(finalSnapshots(scope)).isEmpty();
    }

    @Test
    void retainPolicyKeepsTheDatabaseAndWhatItNeeds() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.database.deletionPolicy = WebPlatformSpec.DatabaseDeletionPolicy.Retain;
        WebPlatform wp = platform(spec);
        PlatformScope scope = converged(wp);
        String dbId = DatabaseNames.instanceId(scope);
        WalkResult deleted = deleteFully(wp);
        assertThat(deleted.allGone()).isTrue();
        assertThat(deleted.component(Database.NAME).getState()).isEqualTo(ComponentGraph.RETAINED);
        assertThat(deleted.retainedIds()).contains(dbId);
        // The database keeps its subnet group, security groups, subnets and VPC, and the role its Enhanced Monitoring uses; its
        // log groups are kept with it, and the key they are encrypted with (they cannot be read without it); everything else is gone.
        assertThat(inventory(wp)).isEqualTo(Map.of("db-instance", 1, "db-subnet-group", 1, "iam-role", 1, "log-group", 2, "kms-key", 1,
                "security-group", 3, "subnet", 4, "vpc", 1));
        assertThat(finalSnapshots(scope)).isEmpty();
        assertThat(db(scope).dbInstanceStatus()).isEqualTo("available");
        assertThat(db(scope).deletionProtection()).as("a retained database stays protected").isTrue();
    }

    @Test
    void databaseLogsGoToLogGroupsOfTheOperatorsAndEachControlTurnedOffIsAFindingNamingTheSpecField() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        String id = DatabaseNames.instanceId(scope);
        var logs = aws.logs(Emulator.REGION);
        assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix("/aws/rds/instance/" + id)).logGroups())
                .extracting(g -> g.logGroupName() + " " + g.retentionInDays())
                .containsExactly("/aws/rds/instance/" + id + "/postgresql 365", "/aws/rds/instance/" + id + "/upgrade 365");
        assertThat(db(scope).enabledCloudwatchLogsExports()).containsExactlyInAnyOrder("postgresql", "upgrade");
        assertThat(PlatformControls.evaluate(scope)).extracting(Finding::getId)
                .containsExactly("RDS.6", "RDS.8", "RDS.9", "RDS.10", "secretsmanager_has_restrictive_resource_policy",
                        "rds_instance_transport_encrypted", "ELB.6", "elbv2_logging_enabled", "elbv2_nlb_tls_termination_enabled");
        String lb = scope.idOf(LoadBalancer.NAME);
        assertThat(aws.elbv2(Emulator.REGION).describeLoadBalancerAttributes(r -> r.loadBalancerArn(lb)).attributes())
                .filteredOn(a -> a.key().startsWith("access_logs.s3.")).extracting(a -> a.key() + "=" + a.value())
                .contains("access_logs.s3.enabled=true", "access_logs.s3.bucket=" + LoadBalancer.bucketName(scope.flowLogBucketArn()));
        // All on but the secret's resource policy (opt-in: it shuts out administrators) and TLS, which needs a certificate of
        // the user's domain: the sample has none, and the findings say so.
        assertThat(PlatformControls.evaluate(scope)).filteredOn(Finding::failed).extracting(Finding::getId, Finding::getOptedOutBy)
                .containsExactly(tuple("secretsmanager_has_restrictive_resource_policy", "spec.database.secretAccess.restricted: false"),
                        tuple("elbv2_nlb_tls_termination_enabled", "spec.loadBalancer.certificateArn: none (port 443 with a certificate adds a TLS listener)"));

        wp.getSpec().database.logExports = List.of();
        wp.getSpec().database.deletionProtection = false;
        wp.getSpec().loadBalancer.deletionProtection = false;
        wp.getSpec().loadBalancer.accessLogs = false;
        PlatformScope optedOut = converged(wp);
        assertThat(db(optedOut).enabledCloudwatchLogsExports()).isEmpty();
        assertThat(PlatformControls.evaluate(optedOut)).filteredOn(Finding::failed).extracting(Finding::getId, Finding::getOptedOutBy)
                .containsExactlyInAnyOrder(tuple("RDS.8", "spec.database.deletionProtection: false"), tuple("RDS.9", "spec.database.logExports: []"),
                        tuple("ELB.6", "spec.loadBalancer.deletionProtection: false"),
                        tuple("elbv2_logging_enabled", "spec.loadBalancer.accessLogs: false"),
                        tuple("secretsmanager_has_restrictive_resource_policy", "spec.database.secretAccess.restricted: false"),
                        tuple("elbv2_nlb_tls_termination_enabled", "spec.loadBalancer.certificateArn: none (port 443 with a certificate adds a TLS listener)"));
        assertThat(PlatformControls.evaluate(optedOut)).noneMatch(Finding::faulty);

        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void deletionProtectionIsOnByDefaultAndTheOperatorLiftsItOnlyToDelete() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = converged(wp);
        String lb = scope.idOf(LoadBalancer.NAME);
        assertThat(aws.elbv2(Emulator.REGION).describeLoadBalancerAttributes(r -> r.loadBalancerArn(lb)).attributes())
                .anyMatch(a -> a.key().equals(LoadBalancer.DELETION_PROTECTION) && a.value().equals("true"));
        // Nobody else deletes the database: RDS refuses (the emulator enforces this one, with AWS's message).
        String dbId = DatabaseNames.instanceId(scope);
        assertThatThrownBy(() -> aws.rds(Emulator.REGION).deleteDBInstance(r -> r.dbInstanceIdentifier(dbId).skipFinalSnapshot(true)))
                .hasMessageContaining("Cannot delete protected DB Instance");
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).as("a converged pass leaves the protection as it is").isEmpty();

        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
        assertThat(finalSnapshots(scope)).hasSize(1);
    }

    @Test
    void anUnknownAmiOrEngineVersionStallsBeforeAnyChange() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.app.amiId = "ami-0123456789abcdef0";
        WebPlatform wp = platform(spec);
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult result = graph.reconcile(scope(wp), new RecordedEvents());
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        assertThat(result.stalled()).isTrue();
        assertThat(result.stalledReason()).isEqualTo("AmiNotFound");
        assertThat(result.stalledMessage()).contains("ami-0123456789abcdef0");
        assertThat(mutations).isEmpty();

        ENGINE_VERSIONS.offer(List.of("15.8", "16.4", "17.2"));
        try {
            WebPlatformSpec old = new WebPlatformSpec();
            old.database.engineVersion = "11";
            WebPlatform wp2 = platform(old);
            CRASH.arm(Integer.MAX_VALUE);
            WalkResult stalled = graph.reconcile(scope(wp2), new RecordedEvents());
            List<String> none = CRASH.mutations();
            CRASH.disarm();
            assertThat(stalled.stalledReason()).isEqualTo("EngineVersionNotOffered");
            assertThat(stalled.stalledMessage()).contains("PostgreSQL 11 is not offered", "15, 16, 17");
            assertThat(none).isEmpty();
            assertThat(Database.offers(List.of("16.4"), "16")).isTrue();
            assertThat(Database.offers(List.of("16.4"), "16.4")).isTrue();
            assertThat(Database.offers(List.of("16.4"), "1")).isFalse();
        } finally {
            ENGINE_VERSIONS.offer(null);
        }
    }
}
