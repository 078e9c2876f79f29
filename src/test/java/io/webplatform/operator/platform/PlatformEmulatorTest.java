package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.CrashAfterMutation;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.SimulatedCrash;
import io.webplatform.operator.testing.SlowNatGateways;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The WebPlatform against the emulator: create, crash at every point, pending NAT, drift, resync cost, delete. */
class PlatformEmulatorTest extends PlatformFixture {

    @Test
    void createsTheNetworkAsMissionSays() {
        WebPlatform wp = platform(new WebPlatformSpec());
        WalkResult result = converge(wp);
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        PlatformScope scope = scope(wp);
        graph.reconcile(scope, new RecordedEvents());

        String vpcId = scope.idOf(Vpc.NAME);
        var vpc = ec2.describeVpcs(r -> r.vpcIds(vpcId)).vpcs().get(0);
        assertThat(vpc.cidrBlock()).isEqualTo("10.0.0.0/16");
        assertThat(ec2.describeVpcAttribute(r -> r.vpcId(vpcId).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES))
                .enableDnsHostnames().value()).isTrue();
        var subnets = Subnets.of(scope).byRole;
        assertThat(subnets.get("public-0").cidrBlock()).isEqualTo("10.0.0.0/24");
        assertThat(subnets.get("public-1").cidrBlock()).isEqualTo("10.0.1.0/24");
        assertThat(subnets.get("private-0").cidrBlock()).isEqualTo("10.0.2.0/24");
        assertThat(subnets.get("private-1").cidrBlock()).isEqualTo("10.0.3.0/24");
        assertThat(subnets.get("public-0").availabilityZone()).isEqualTo(zones.get(0));
        assertThat(subnets.get("private-1").availabilityZone()).isEqualTo(zones.get(1));
        assertThat(subnets.values()).allMatch(s -> !Boolean.TRUE.equals(s.mapPublicIpOnLaunch()));

        var tables = RouteTables.of(scope).byRole;
        String igw = scope.idOf(InternetGateway.NAME);
        assertThat(defaultRoute(tables.get("public")).gatewayId()).isEqualTo(igw);
        assertThat(tables.get("public").associations()).extracting(a -> a.subnetId())
                .contains(subnets.get("public-0").subnetId(), subnets.get("public-1").subnetId());
        String nat0 = NatGateways.natGatewayId(scope, 0);
        String nat1 = NatGateways.natGatewayId(scope, 1);
        assertThat(nat0).isNotEqualTo(nat1);
        assertThat(defaultRoute(tables.get("private-0")).natGatewayId()).isEqualTo(nat0);
        assertThat(defaultRoute(tables.get("private-1")).natGatewayId()).isEqualTo(nat1);
        var nats = NatGateways.of(scope).byRole;
        assertThat(nats.get("nat-0").subnetId()).isEqualTo(subnets.get("public-0").subnetId());
        assertThat(nats.get("nat-1").subnetId()).isEqualTo(subnets.get("public-1").subnetId());

        var groups = SecurityGroups.of(scope).byRole;
        String lb = groups.get("lb").groupId();
        String app = groups.get("app").groupId();
        String db = groups.get("db").groupId();
        assertThat(SecurityGroupRule.of(groups.get("lb"))).containsExactlyInAnyOrder(
                SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0"), SecurityGroupRule.tcpToGroup(80, app));
        assertThat(SecurityGroupRule.of(groups.get("app"))).containsExactlyInAnyOrder(
                SecurityGroupRule.tcpFromGroup(80, lb), SecurityGroupRule.tcpToGroup(5432, db), SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0"));
        assertThat(SecurityGroupRule.of(groups.get("db"))).containsExactly(SecurityGroupRule.tcpFromGroup(5432, app));

        var defaultGroup = ec2.describeSecurityGroups(r -> r.groupIds(scope.idOf(DefaultSecurityGroup.NAME))).securityGroups().get(0);
        assertThat(defaultGroup.groupName()).isEqualTo("default");
        assertThat(defaultGroup.vpcId()).isEqualTo(vpcId);
        assertThat(SecurityGroupRule.of(defaultGroup)).isEmpty();

        // Network ACLs: each subnet with its tier's, holding exactly the desired rules; the default NACL holds only AWS's "*" rules.
        var acls = NetworkAcls.of(scope).byRole;
        for (String role : NetworkAcls.roles()) {
            var acl = ec2.describeNetworkAcls(r -> r.networkAclIds(acls.get(role).networkAclId())).networkAcls().get(0);
            assertThat(NetworkAcls.held(acl)).containsExactlyInAnyOrderElementsOf(NetworkAcls.rules(scope.spec(), scope.plan(), role));
            assertThat(acl.associations()).extracting(a -> a.subnetId()).containsExactlyInAnyOrderElementsOf(
                    NetworkAcls.subnetRoles(role).stream().map(s -> subnets.get(s).subnetId()).toList());
        }
        var defaultAcl = ec2.describeNetworkAcls(r -> r.filters(f -> f.name("vpc-id").values(vpcId), f -> f.name("default").values("true")))
                .networkAcls().get(0);
        assertThat(defaultAcl.entries()).allMatch(e -> e.ruleNumber() == NetworkAcls.LAST_RULE && "deny".equals(e.ruleActionAsString()));
        assertThat(defaultAcl.associations()).isEmpty();

        var subnetGroup = aws.rds(Emulator.REGION).describeDBSubnetGroups(r -> r.dbSubnetGroupName(scope.idOf(DbSubnetGroup.NAME)))
                .dbSubnetGroups().get(0);
        assertThat(subnetGroup.subnets()).extracting(s -> s.subnetIdentifier())
                .containsExactlyInAnyOrder(subnets.get("private-0").subnetId(), subnets.get("private-1").subnetId());
        assertThat(subnetGroup.vpcId()).isEqualTo(vpcId);

        var flowLog = ec2.describeFlowLogs(r -> r.flowLogIds(scope.idOf(FlowLog.NAME))).flowLogs().get(0);
        assertThat(flowLog.trafficTypeAsString()).isEqualTo("REJECT");
        assertThat(flowLog.logDestination()).isEqualTo(flowLogBucketArn);
        assertThat(flowLog.resourceId()).isEqualTo(vpcId);
    }

    @Test
    void aSingleNatGatewayServesBothZones() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.network.natGateways = WebPlatformSpec.NatGateways.Single;
        WebPlatform wp = platform(spec);
        assertThat(converge(wp).allReady()).isTrue();
        assertThat(inventory(wp)).containsEntry("natgateway", 1).containsEntry("elastic-ip", 1);
        PlatformScope scope = scope(wp);
        graph.reconcile(scope, new RecordedEvents());
        var tables = RouteTables.of(scope).byRole;
        assertThat(defaultRoute(tables.get("private-0")).natGatewayId()).isEqualTo(defaultRoute(tables.get("private-1")).natGatewayId());
        WalkResult deleted = deleteFully(wp);
        assertThat(deleted.allGone()).as(deleted.waitingSummary() + deleted.failures() + deleted.stalledMessage()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void pendingNatGatewaysMakeTheWalkComeBackInsteadOfWaiting() {
        WebPlatform wp = platform(new WebPlatformSpec());
        SLOW_NAT.pendingFor("WebPlatform/emulator/" + wp.getMetadata().getName(), 3);
        WalkResult first = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(first.allReady()).isFalse();
        assertThat(first.stalled()).isFalse();
        assertThat(first.component(NatGateways.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(first.component(NatGateways.NAME).getMessage()).contains("pending");
        assertThat(first.component(RouteTables.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(first.waitingSummary()).contains("NatGateways (NAT gateway nat-");
        // Independent parts went ahead in the same pass.
        assertThat(first.component(SecurityGroups.NAME).isReady()).isTrue();
        assertThat(first.component(FlowLog.NAME).isReady()).isTrue();
        WalkResult later = converge(wp);
        assertThat(later.allReady()).isTrue();
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);

        // Deleting: the Elastic IPs and subnets wait until the NAT gateways are really gone.
        wp.getMetadata().setDeletionTimestamp(Instant.now().toString());
        SLOW_NAT.deletingFor("WebPlatform/emulator/" + wp.getMetadata().getName(), 4);
        // The instances go first; the pass that starts deleting the NAT gateways keeps their addresses and subnets.
        WalkResult deleting = graph.delete(scope(wp), new RecordedEvents());
        for (int pass = 0; pass < 4 && !ComponentGraph.DELETING.equals(deleting.component(NatGateways.NAME).getState()); pass++) {
            deleting = graph.delete(scope(wp), new RecordedEvents());
        }
        assertThat(deleting.component(NatGateways.NAME).getState()).isEqualTo(ComponentGraph.DELETING);
        assertThat(deleting.component(ElasticIps.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(deleting.component(Subnets.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(inventory(wp)).containsEntry("elastic-ip", 2);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    @Test
    void repairsDriftWithEvents() {
        WebPlatform wp = platform(new WebPlatformSpec());
        assertThat(converge(wp).allReady()).isTrue();
        PlatformScope scope = scope(wp);
        graph.reconcile(scope, new RecordedEvents());
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        String app = SecurityGroups.groupId(scope, "app");
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(app).ipPermissions(IpPermission.builder().ipProtocol("tcp")
                .fromPort(22).toPort(22).ipRanges(x -> x.cidrIp("0.0.0.0/0")).build()));
        var privateTable = RouteTables.of(scope).byRole.get("private-1");
        ec2.deleteRoute(r -> r.routeTableId(privateTable.routeTableId()).destinationCidrBlock("0.0.0.0/0"));
        String publicSubnet = Subnets.subnetId(scope, "public-0");
        ec2.modifySubnetAttribute(r -> r.subnetId(publicSubnet).mapPublicIpOnLaunch(a -> a.value(true)));
        // Someone opens RDP to the world in the private NACL, and removes the public NACL's first rule.
        var privateAcl = NetworkAcls.of(scope).byRole.get("private");
        var publicAcl = NetworkAcls.of(scope).byRole.get("public");
        ec2.createNetworkAclEntry(r -> r.networkAclId(privateAcl.networkAclId()).egress(false).ruleNumber(50).protocol("6")
                .ruleAction("allow").cidrBlock("0.0.0.0/0").portRange(x -> x.from(3389).to(3389)));
        ec2.deleteNetworkAclEntry(r -> r.networkAclId(publicAcl.networkAclId()).egress(false).ruleNumber(100));
        // Someone deletes the database's subnet group. (Moving it to other subnets cannot be tried here:
        // the emulator's ModifyDBSubnetGroup drops the group.)
        aws.rds(Emulator.REGION).deleteDBSubnetGroup(r -> r.dbSubnetGroupName(scope.idOf(DbSubnetGroup.NAME)));

        RecordedEvents events = new RecordedEvents();
        WalkResult repaired = graph.reconcile(scope(wp), events);
        assertThat(repaired.allReady()).isTrue();
        assertThat(repaired.repairs())
                .anyMatch(r -> r.contains("app group " + app + ": revoked in tcp:22-22 0.0.0.0/0"))
                .anyMatch(r -> r.contains("default route of private-1 restored"))
                .anyMatch(r -> r.contains(publicSubnet + " (public-0) no longer maps public IPs on launch"))
                .anyMatch(r -> r.contains("network ACL private: removed in 50 allow tcp:3389 from 0.0.0.0/0"))
                .anyMatch(r -> r.contains("network ACL public: added in 100 allow tcp:80 from 0.0.0.0/0"));
        assertThat(events.normal).filteredOn(e -> e.startsWith("Repaired")).hasSize(5);
        for (var acl : List.of(privateAcl, publicAcl)) {
            assertThat(NetworkAcls.held(ec2.describeNetworkAcls(r -> r.networkAclIds(acl.networkAclId())).networkAcls().get(0)))
                    .containsExactlyInAnyOrderElementsOf(NetworkAcls.held(acl));
        }
        assertThat(events.normal).anyMatch(e -> e.startsWith("Created: DbSubnetGroup"));
        assertThat(aws.rds(Emulator.REGION).describeDBSubnetGroups(r -> r.dbSubnetGroupName(scope.idOf(DbSubnetGroup.NAME)))
                .dbSubnetGroups().get(0).subnets()).extracting(s -> s.subnetIdentifier())
                .containsExactlyInAnyOrder(Subnets.subnetId(scope, "private-0"), Subnets.subnetId(scope, "private-1"));
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
        assertThat(SecurityGroupRule.of(ec2.describeSecurityGroups(r -> r.groupIds(app)).securityGroups().get(0)))
                .noneMatch(r -> r.fromPort() == 22);
    }

    @Test
    void theInstanceRoleHoldsOnlyWhatTheAppNeeds() {
        WebPlatform wp = platform(new WebPlatformSpec());
        assertThat(converge(wp).allReady()).isTrue();
        PlatformScope scope = scope(wp);
        String role = InstanceRole.roleName(scope);
        var iam = aws.iam(Emulator.REGION);
        assertThat(iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies())
                .extracting(p -> p.policyArn()).containsExactly(InstanceRole.ssmManaged(scope.partition()));
        String secretPolicy = java.net.URLDecoder.decode(iam.getRolePolicy(r -> r.roleName(role).policyName(InstanceRole.SECRET_POLICY))
                .policyDocument(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(secretPolicy).contains("secretsmanager:GetSecretValue", ":secret:rds!db-*",
                "arn:aws:rds:eu-west-3:123456789012:db:" + DatabaseNames.instanceId(scope));
        assertThat(iam.getInstanceProfile(r -> r.instanceProfileName(role)).instanceProfile().roles())
                .extracting(r -> r.roleName()).containsExactly(role);
        assertThat(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument()).contains("ec2.amazonaws.com");

        // A person widens the role and breaks the profile; the next pass puts it back.
        iam.attachRolePolicy(r -> r.roleName(role).policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
        iam.putRolePolicy(r -> r.roleName(role).policyName("everything").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        iam.removeRoleFromInstanceProfile(r -> r.instanceProfileName(role).roleName(role));
        WalkResult repaired = graph.reconcile(scope(wp), new RecordedEvents());
        assertThat(repaired.repairs()).contains("InstanceRole: detached arn:aws:iam::aws:policy/AdministratorAccess",
                "InstanceRole: removed inline policy everything", "InstanceProfile: role " + role + " added");
        assertThat(iam.listRolePolicies(r -> r.roleName(role)).policyNames()).containsExactly(InstanceRole.SECRET_POLICY);
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
    }

    @Test
    void aNewFlowLogDestinationReplacesTheFlowLog() {
        WebPlatform wp = platform(new WebPlatformSpec());
        assertThat(converge(wp).allReady()).isTrue();
        String other = "flowlogs-other-" + System.nanoTime();
        aws.s3(Emulator.REGION).createBucket(r -> r.bucket(other).createBucketConfiguration(c -> c.locationConstraint(Emulator.REGION)));
        PlatformScope moved = new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, zones.subList(0, 2)), aws, "123456789012",
                "arn:aws:s3:::" + other);
        WalkResult result = graph.reconcile(moved, new RecordedEvents());
        assertThat(result.repairs()).contains("FlowLog: flow log replaced: REJECT traffic to arn:aws:s3:::" + other);
        var logs = aws.ec2(Emulator.REGION).describeFlowLogs(r -> r.filter(f -> f.name("resource-id").values(moved.idOf(Vpc.NAME))))
                .flowLogs();
        assertThat(logs).hasSize(1);
        assertThat(logs.get(0).logDestination()).isEqualTo("arn:aws:s3:::" + other);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void aConvergedResyncOnlyReads() {
        WebPlatform wp = platform(new WebPlatformSpec());
        assertThat(converge(wp).allReady()).isTrue();
        List<String> calls = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scope(wp), new RecordedEvents()).allReady()).isTrue();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(calls).allMatch(ApiCallMetrics::isReadOnly, "read-only");
        System.out.printf("[measure] WebPlatform resync (VPC, 4 subnets, IGW, 2 EIPs, 2 NATs, 3 route tables, 3 security groups,"
                + " default security group, 2 network ACLs, default network ACL, flow log, DB subnet group, instance role and profile, database monitoring role, database, load balancer, target group,"
                + " listener, 2 instances and their target health, alarm key, topic and its subscriptions, 8 alarms, retired databases, manual snapshots,"
                + " database-logs key, database log groups, the database secret's resource policy): %d read calls, 0 writes: %s%n",
                calls.size(), calls);
        assertThat(calls.size()).isLessThanOrEqualTo(43);

        // Observing costs what a resync costs: the same reads, and it finds nothing to report.
        List<String> observing = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scope(wp), new RecordedEvents(), io.webplatform.operator.api.ManagementPolicy.Observe).drift()).isEmpty();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(observing).containsExactlyInAnyOrderElementsOf(calls);
    }

    /** Kills the pass after each mutating call in turn; the next pass adopts, never duplicates, and delete leaves nothing. */
    @Test
    void everyCrashPointConvergesToExactlyOneOfEachAndDeletesToZero() {
        CRASH.arm(Integer.MAX_VALUE);
        WebPlatform probe = platform(new WebPlatformSpec());
        assertThat(converge(probe).allReady()).isTrue();
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        deleteFully(probe);
        assertThat(mutations).hasSizeGreaterThan(20);

        List<String> covered = new ArrayList<>();
        long started = System.nanoTime();
        for (int n = 1; n <= mutations.size(); n++) {
            if (repeatOfOneKind(mutations, n - 1)) {
                continue;
            }
            WebPlatform wp = platform(new WebPlatformSpec());
            CRASH.arm(n);
            assertThatThrownBy(() -> converge(wp)).isInstanceOf(SimulatedCrash.class);
            CRASH.disarm();
            WalkResult result = converge(wp);
            assertThat(result.allReady()).as("after a crash following %s: %s", mutations.get(n - 1), result.waitingSummary()).isTrue();
            assertThat(inventory(wp)).as("after a crash following %s", mutations.get(n - 1)).isEqualTo(FULL_PLATFORM);
            assertThat(deleteFully(wp).allGone()).isTrue();
            assertThat(inventory(wp)).as("left after delete, crash at %s", mutations.get(n - 1)).isEmpty();
            covered.add(mutations.get(n - 1));
        }
        System.out.printf("[measure] WebPlatform crash points covered: %d of %d mutating calls in %d s (%s)%n", covered.size(), mutations.size(),
                (System.nanoTime() - started) / 1_000_000_000L, String.join(", ", covered));
        ONE_CRASH_PER_KIND.forEach(op -> assertThat(covered).as(op).anyMatch(c -> c.endsWith(":" + op)));
    }

    /**
     * The calls a NACL makes many of, one after another through the same code (an entry per rule, an
     * association per subnet): a crash after the first stands for the others, which the next pass finds
     * missing by the same diff. Every other mutating call is a crash point of its own.
     */
    static final java.util.Set<String> ONE_CRASH_PER_KIND = java.util.Set.of("CreateNetworkAcl", "CreateNetworkAclEntry",
            "ReplaceNetworkAclAssociation", "DeleteNetworkAclEntry");

    static boolean repeatOfOneKind(List<String> mutations, int index) {
        String call = mutations.get(index);
        String operation = call.substring(call.indexOf(':') + 1);
        return ONE_CRASH_PER_KIND.contains(operation) && mutations.subList(0, index).contains(call);
    }

    @Test
    void theSweepRemovesWhatNoComponentKnows() {
        WebPlatform wp = platform(new WebPlatformSpec());
        assertThat(converge(wp).allReady()).isTrue();
        PlatformScope scope = scope(wp);
        graph.reconcile(scope, new RecordedEvents());
        // A stray security group carrying the owner tag, as a bug or a person might leave.
        aws.ec2(Emulator.REGION).createSecurityGroup(r -> r.groupName("stray-" + System.nanoTime()).description("stray")
                .vpcId(scope.idOf(Vpc.NAME)).tagSpecifications(scope.tagSpec(
                        software.amazon.awssdk.services.ec2.model.ResourceType.SECURITY_GROUP, "Stray", "stray")));
        assertThat(inventory(wp)).containsEntry("security-group", 4);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    private static software.amazon.awssdk.services.ec2.model.Route defaultRoute(software.amazon.awssdk.services.ec2.model.RouteTable table) {
        return table.routes().stream().filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).findFirst().orElseThrow();
    }
}
