package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.CrashAfterMutation;
import io.webplatform.operator.testing.Ec2Inventory;
import io.webplatform.operator.testing.Emulator;
import static io.webplatform.operator.testing.AwsReads.exists;
import io.webplatform.operator.testing.EngineVersions;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.InitialTargets;
import io.webplatform.operator.testing.LogGroupKeysAsAws;
import io.webplatform.operator.testing.LoseAnswers;
import io.webplatform.operator.testing.MonitoringFromCreate;
import io.webplatform.operator.testing.RecordRequests;
import io.webplatform.operator.testing.RestoresWithoutManagedPassword;
import io.webplatform.operator.testing.SecretPolicyAsAws;
import io.webplatform.operator.testing.SecurityGroupRulesAsAws;
import io.webplatform.operator.testing.SlowDatabases;
import io.webplatform.operator.testing.SlowNatGateways;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator, seams and helpers the WebPlatform emulator tests share. */
abstract class PlatformFixture {
    static final CrashAfterMutation CRASH = new CrashAfterMutation();
    static final SlowNatGateways SLOW_NAT = new SlowNatGateways();
    static final SlowDatabases SLOW_DB = new SlowDatabases();
    static final InitialTargets TARGETS = new InitialTargets();
    static final EngineVersions ENGINE_VERSIONS = new EngineVersions();
    static final RecordRequests REQUESTS = new RecordRequests();
    static final RestoresWithoutManagedPassword RESTORES = new RestoresWithoutManagedPassword();
    static final MonitoringFromCreate MONITORING = new MonitoringFromCreate();
    static final SecurityGroupRulesAsAws RULES = new SecurityGroupRulesAsAws();
    /** Always on: CloudWatch Logs judging the key a log group is given, as AWS does (the emulator takes any). */
    static final LogGroupKeysAsAws LOG_GROUP_KEYS = new LogGroupKeysAsAws();
    static final FailCalls FAIL = new FailCalls();
    static final LoseAnswers LOSE = new LoseAnswers();
    static final SecretPolicyAsAws SECRET_POLICIES = new SecretPolicyAsAws();
    static AwsClients aws;
    static String flowLogBucketArn;
    static List<String> zones;
    final ComponentGraph<PlatformScope> graph = WebPlatformGraph.create();

    /** Everything a default WebPlatform has in AWS, by kind. */
    static final Map<String, Integer> FULL_PLATFORM = Map.ofEntries(Map.entry("elastic-ip", 2), Map.entry("internet-gateway", 1),
            Map.entry("natgateway", 2), Map.entry("route-table", 3), Map.entry("network-acl", 2), Map.entry("security-group", 3), Map.entry("subnet", 4),
            Map.entry("vpc", 1), Map.entry("vpc-flow-log", 1), Map.entry("iam-role", 2), Map.entry("instance-profile", 1),
            Map.entry("db-subnet-group", 1), Map.entry("db-instance", 1), Map.entry("load-balancer", 1), Map.entry("target-group", 1),
            Map.entry("listener", 1), Map.entry("instance", 2), Map.entry("volume", 2), Map.entry("kms-key", 2), Map.entry("alarm-topic", 1),
            Map.entry("alarm", 8), Map.entry("log-group", 2));

    @BeforeAll
    static void setUp() {
        aws = Emulator.clients(SLOW_NAT, SLOW_DB, TARGETS, ENGINE_VERSIONS, RESTORES, MONITORING, RULES, SECRET_POLICIES, FAIL, LOG_GROUP_KEYS, REQUESTS, CRASH, LOSE);
        String bucket = "flowlogs-" + System.nanoTime();
        aws.s3(Emulator.REGION).createBucket(r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(Emulator.REGION)));
        flowLogBucketArn = "arn:aws:s3:::" + bucket;
        zones = new AvailabilityZones(aws).of(Emulator.REGION);
    }

    @AfterEach
    void stopRecording() {
        REQUESTS.stop();
    }

    @AfterAll
    static void close() {
        aws.close();
        Emulator.reset();
    }

    static WebPlatform platform(WebPlatformSpec spec) {
        spec.region = Emulator.REGION;
        return TestResources.webPlatform("wp" + System.nanoTime() % 1_000_000, spec);
    }

    PlatformScope scope(WebPlatform wp) {
        return new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, zones.subList(0, 2)), aws, "123456789012", flowLogBucketArn);
    }

    /** Converges (asserted Ready, with what is missing as the message), then makes one more pass: the steady state. */
    PlatformScope convergedScope(WebPlatform wp) {
        WalkResult result = converge(wp);
        assertThat(result.allReady()).as(result.waitingSummary() + result.failures() + result.stalledMessage()).isTrue();
        PlatformScope scope = scope(wp);
        graph.reconcile(scope, new RecordedEvents());
        return scope;
    }

    WalkResult converge(WebPlatform wp) {
        WalkResult result = null;
        for (int pass = 0; pass < 16; pass++) {
            result = graph.reconcile(scope(wp), new RecordedEvents());
            if (result.allReady() || result.stalled()) {
                return result;
            }
        }
        return result;
    }

    WalkResult deleteFully(WebPlatform wp) {
        wp.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult result = null;
        for (int pass = 0; pass < 12; pass++) {
            result = graph.delete(scope(wp), new RecordedEvents());
            if (result.allGone() && TagSweep.sweep(aws.ec2(Emulator.REGION), wp.getMetadata().getUid(), result.retainedIds()).isEmpty()
                    && ServiceTagSweep.sweep(scope(wp), result.retainedIds()).isEmpty()) {
                return result;
            }
        }
        return result;
    }

    /** EC2 resources by type, plus the IAM roles (app, database monitoring) and instance profile (name-keyed, so at most one each). */
    Map<String, Integer> inventory(WebPlatform wp) {
        Map<String, Integer> counts = new java.util.TreeMap<>(Ec2Inventory.of(aws.ec2(Emulator.REGION), wp.getMetadata().getUid()));
        PlatformScope scope = scope(wp);
        String role = InstanceRole.roleName(scope);
        int roles = 0;
        for (String name : List.of(role, DatabaseMonitoringRole.roleName(scope))) {
            if (exists(() -> aws.iam(Emulator.REGION).getRole(r -> r.roleName(name)))) {
                roles++;
            }
        }
        if (roles > 0) {
            counts.put("iam-role", roles);
        }
        if (exists(() -> aws.iam(Emulator.REGION).getInstanceProfile(r -> r.instanceProfileName(role)))) {
            counts.put("instance-profile", 1);
        }
        String subnetGroup = DatabaseNames.instanceId(scope);
        if (exists(() -> aws.rds(Emulator.REGION).describeDBSubnetGroups(r -> r.dbSubnetGroupName(subnetGroup)))) {
            counts.put("db-subnet-group", 1);
        }
        if (exists(() -> aws.rds(Emulator.REGION).describeDBInstances(r -> r.dbInstanceIdentifier(subnetGroup)))) {
            counts.put("db-instance", 1);
        }
        int logGroups = aws.logs(Emulator.REGION).describeLogGroups(r -> r.logGroupNamePrefix(DatabaseLogGroups.PREFIX
                + DatabaseNames.baseId(scope))).logGroups().size();
        if (logGroups > 0) {
            counts.put("log-group", logGroups);
        }
        var elb = aws.elbv2(Emulator.REGION);
        String lbName = LoadBalancerNames.loadBalancer(scope);
        if (exists(() -> elb.describeLoadBalancers(r -> r.names(lbName)))) {
            counts.put("load-balancer", 1);
            String lbArn = elb.describeLoadBalancers(r -> r.names(lbName)).loadBalancers().get(0).loadBalancerArn();
            int listeners = elb.describeListeners(r -> r.loadBalancerArn(lbArn)).listeners().size();
            if (listeners > 0) {
                counts.put("listener", listeners);
            }
        }
        if (exists(() -> elb.describeTargetGroups(r -> r.names(LoadBalancerNames.targetGroup(scope))))) {
            counts.put("target-group", 1);
        }
        var kms = aws.kms(Emulator.REGION);
        int keys = 0;
        for (String alias : List.of(AlarmTopicKey.alias(scope), DatabaseLogsKey.alias(scope))) {
            if (exists(() -> kms.describeKey(r -> r.keyId(alias)))
                    && kms.describeKey(r -> r.keyId(alias)).keyMetadata().keyStateAsString().equals("Enabled")) {
                keys++;
            }
        }
        if (keys > 0) {
            counts.put("kms-key", keys);
        }
        if (exists(() -> aws.sns(Emulator.REGION).getTopicAttributes(r -> r.topicArn(AlarmTopic.arn(scope))))) {
            counts.put("alarm-topic", 1);
        }
        int alarms = aws.cloudWatch(Emulator.REGION).describeAlarms(r -> r.alarmNamePrefix(Alarms.prefix(scope))).metricAlarms().size();
        if (alarms > 0) {
            counts.put("alarm", alarms);
        }
        return counts;
    }
}
