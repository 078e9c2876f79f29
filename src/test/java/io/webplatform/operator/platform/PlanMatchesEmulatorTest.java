package io.webplatform.operator.platform;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketStatus;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.api.WebPlatformStatus;
import io.webplatform.operator.bucket.BucketScope;
import io.webplatform.operator.bucket.SecureBucketGraph;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.CloudFormationTemplate;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.plan.Plan;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plan keeps its promise: for each sample kind, what hack/plan.sh prints is what the operator
 * makes on the emulator — the same resources of each kind, the same names, the key properties and
 * the same tags.
 */
class PlanMatchesEmulatorTest extends PlatformFixture {

    @Test
    void aWebPlatformsPlanIsWhatTheOperatorMakes() {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.monitoring.email = List.of("ops@example.com");
        WebPlatform wp = platform(spec);
        PlatformScope scope = convergedScope(wp);
        // The fixture hands the operator a flow-log bucket; the plan takes it as a parameter.
        wp.getSpec().network.flowLogs = new WebPlatformSpec.FlowLogs();
        wp.getSpec().network.flowLogs.bucketRef = "flow-logs";
        // Planned as read back from the cluster: with the owner key its status records (the fixture's scopes use the UID).
        wp.setStatus(new WebPlatformStatus());
        wp.getStatus().setOwnerKey(wp.getMetadata().getUid());
        CloudFormationTemplate plan = Plan.of(wp, Emulator.REGION);
        Ec2Client ec2 = aws.ec2(Emulator.REGION);

        Map<String, Integer> inventory = inventory(wp);
        Map<String, String> kinds = Map.ofEntries(Map.entry("AWS::EC2::VPC", "vpc"), Map.entry("AWS::EC2::Subnet", "subnet"),
                Map.entry("AWS::EC2::InternetGateway", "internet-gateway"), Map.entry("AWS::EC2::EIP", "elastic-ip"),
                Map.entry("AWS::EC2::NatGateway", "natgateway"), Map.entry("AWS::EC2::RouteTable", "route-table"),
                Map.entry("AWS::EC2::SecurityGroup", "security-group"), Map.entry("AWS::EC2::NetworkAcl", "network-acl"), Map.entry("AWS::EC2::FlowLog", "vpc-flow-log"),
                Map.entry("AWS::EC2::Instance", "instance"), Map.entry("AWS::IAM::Role", "iam-role"),
                Map.entry("AWS::IAM::InstanceProfile", "instance-profile"), Map.entry("AWS::RDS::DBSubnetGroup", "db-subnet-group"),
                Map.entry("AWS::RDS::DBInstance", "db-instance"), Map.entry("AWS::ElasticLoadBalancingV2::LoadBalancer", "load-balancer"),
                Map.entry("AWS::ElasticLoadBalancingV2::TargetGroup", "target-group"), Map.entry("AWS::ElasticLoadBalancingV2::Listener", "listener"),
                Map.entry("AWS::KMS::Key", "kms-key"), Map.entry("AWS::SNS::Topic", "alarm-topic"), Map.entry("AWS::CloudWatch::Alarm", "alarm"));
        Map<String, Integer> planned = new TreeMap<>();
        plan.resources().values().stream().filter(r -> kinds.containsKey(r.type())).forEach(r -> planned.merge(kinds.get(r.type()), 1, Integer::sum));
        Map<String, Integer> made = new TreeMap<>(inventory);
        made.keySet().retainAll(planned.keySet());
        assertThat(planned).as("resources of each kind: planned vs made").isEqualTo(made);

        // Names and key properties, kind by kind.
        var vpc = ec2.describeVpcs(r -> r.vpcIds(scope.idOf(Vpc.NAME))).vpcs().get(0);
        assertThat(only(plan, "AWS::EC2::VPC").properties()).containsEntry("CidrBlock", vpc.cidrBlock());
        assertThat(tags(only(plan, "AWS::EC2::VPC"))).isEqualTo(vpc.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value())));
        Set<String> subnets = ec2.describeSubnets(r -> r.filters(Filter.builder().name("vpc-id").values(vpc.vpcId()).build())).subnets().stream()
                .map(s -> s.cidrBlock() + " " + s.availabilityZone() + " " + s.mapPublicIpOnLaunch()).collect(Collectors.toSet());
        assertThat(all(plan, "AWS::EC2::Subnet").stream().map(r -> r.properties().get("CidrBlock") + " " + r.properties().get("AvailabilityZone")
                + " " + r.properties().get("MapPublicIpOnLaunch")).collect(Collectors.toSet())).isEqualTo(subnets);
        Set<String> groups = ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("vpc-id").values(vpc.vpcId()).build()))
                .securityGroups().stream().map(g -> g.groupName()).filter(n -> !"default".equals(n)).collect(Collectors.toSet());
        assertThat(names(plan, "AWS::EC2::SecurityGroup", "GroupName")).isEqualTo(groups);
        // Each NACL's entries, as planned and as made.
        for (String role : NetworkAcls.roles()) {
            String acl = "${" + NetworkAcls.logicalId(role) + "}";
            Set<String> plannedEntries = all(plan, "AWS::EC2::NetworkAclEntry").stream().map(CfnResource::properties)
                    .filter(p -> acl.equals(p.get("NetworkAclId")))
                    .map(p -> (Boolean.TRUE.equals(p.get("Egress")) ? "out " : "in ") + p.get("RuleNumber") + " " + p.get("RuleAction") + " "
                            + p.get("CidrBlock") + " " + ((Map<?, ?>) p.get("PortRange")).get("From") + "-" + ((Map<?, ?>) p.get("PortRange")).get("To"))
                    .collect(Collectors.toSet());
            var madeAcl = ec2.describeNetworkAcls(r -> r.networkAclIds(NetworkAcls.of(scope).byRole.get(role).networkAclId())).networkAcls().get(0);
            assertThat(plannedEntries).as(role).isEqualTo(NetworkAcls.held(madeAcl).stream().map(r -> (r.egress() ? "out " : "in ") + r.number()
                    + " " + (r.allow() ? "allow" : "deny") + " " + r.cidr() + " " + r.fromPort() + "-" + r.toPort()).collect(Collectors.toSet()));
        }
        var db = Database.of(scope);
        CfnResource plannedDb = only(plan, "AWS::RDS::DBInstance");
        assertThat(plannedDb.properties()).containsEntry("DBInstanceIdentifier", db.dbInstanceIdentifier())
                .containsEntry("DBInstanceClass", db.dbInstanceClass()).containsEntry("MultiAZ", db.multiAZ())
                .containsEntry("BackupRetentionPeriod", db.backupRetentionPeriod()).containsEntry("DBSubnetGroupName", "${DbSubnetGroup}");
        assertThat(tags(plannedDb)).isEqualTo(db.tagList().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value())));
        assertThat(names(plan, "AWS::RDS::DBSubnetGroup", "DBSubnetGroupName")).containsExactly(db.dbSubnetGroup().dbSubnetGroupName());
        var lb = LoadBalancer.of(scope);
        assertThat(names(plan, "AWS::ElasticLoadBalancingV2::LoadBalancer", "Name")).containsExactly(lb.arn().replaceAll(".*:loadbalancer/[a-z]+/([^/]+)/.*", "$1"));
        String tgArn = scope.idOf(TargetGroup.NAME);
        assertThat(names(plan, "AWS::ElasticLoadBalancingV2::TargetGroup", "Name")).containsExactly(tgArn.replaceAll(".*:targetgroup/([^/]+)/.*", "$1"));
        assertThat(names(plan, "AWS::IAM::Role", "RoleName")).containsExactlyInAnyOrder(InstanceRole.roleName(scope),
                DatabaseMonitoringRole.roleName(scope));
        assertThat(plannedDb.properties()).containsEntry("MonitoringInterval", db.monitoringInterval())
                .containsEntry("MonitoringRoleArn", CfnResource.attribute(CfnResource.logicalId(DatabaseMonitoringRole.NAME), "Arn"));
        assertThat(names(plan, "AWS::SNS::Topic", "TopicName")).containsExactly(scope.idOf(AlarmTopic.NAME).replaceAll(".*:", ""));
        // The keys by their aliases; the database's log groups, each encrypted with the key the plan makes for them (CKV_AWS_158).
        assertThat(names(plan, "AWS::KMS::Alias", "AliasName")).containsExactlyInAnyOrder(AlarmTopicKey.alias(scope), DatabaseLogsKey.alias(scope));
        String plannedLogsKey = CfnResource.attribute(CfnResource.logicalId(DatabaseLogsKey.NAME), "Arn");
        assertThat(all(plan, "AWS::Logs::LogGroup").stream().map(r -> r.properties().get("LogGroupName") + " " + r.properties().get("RetentionInDays")
                + " " + r.properties().get("KmsKeyId")).collect(Collectors.toSet()))
                .isEqualTo(aws.logs(Emulator.REGION).describeLogGroups(r -> r.logGroupNamePrefix(DatabaseLogGroups.PREFIX + db.dbInstanceIdentifier() + "/"))
                        .logGroups().stream().map(g -> g.logGroupName() + " " + g.retentionInDays() + " "
                                + (scope.idOf(DatabaseLogsKey.NAME).equals(g.kmsKeyId()) ? plannedLogsKey : g.kmsKeyId())).collect(Collectors.toSet()));
        // Alarms: the planned names with the instances' references resolved to the ids the operator made.
        Map<String, String> byZone = AppInstances.idsByZone(scope);
        Set<String> plannedAlarms = names(plan, "AWS::CloudWatch::Alarm", "AlarmName").stream()
                .map(n -> n.replace("${AppInstancesApp0}", byZone.get(zones.get(0))).replace("${AppInstancesApp1}", byZone.get(zones.get(1))))
                .collect(Collectors.toSet());
        assertThat(plannedAlarms).isEqualTo(Alarms.of(scope).byName().keySet());
        var instances = ec2.describeInstances(r -> r.instanceIds(byZone.values())).reservations().stream()
                .flatMap(r -> r.instances().stream()).toList();
        assertThat(all(plan, "AWS::EC2::Instance")).allSatisfy(r -> assertThat(r.properties()).containsEntry("InstanceType",
                instances.get(0).instanceTypeAsString()));
    }

    @Test
    void aSecureBucketsPlanIsWhatTheOperatorMakes() {
        SecureBucket sb = TestResources.secureBucket("plan" + System.nanoTime() % 100000, TestResources.fullSpec());
        ComponentGraph<BucketScope> bucketGraph = SecureBucketGraph.create();
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allReady()); pass++) {
            result = bucketGraph.reconcile(new BucketScope(sb, aws, "123456789012"), new RecordedEvents());
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        sb.setStatus(new SecureBucketStatus());
        sb.getStatus().setOwnerKey(sb.getMetadata().getUid());
        CloudFormationTemplate plan = Plan.of(sb, Emulator.REGION);
        S3Client s3 = aws.s3(Emulator.REGION);

        assertThat(all(plan, "AWS::S3::Bucket")).hasSize(4).allSatisfy(bucket -> {
            // The shared log bucket's name holds the account, a reference in a plan.
            String name = ((String) bucket.properties().get("BucketName")).replace("${AWS::AccountId}", "123456789012");
            assertThat(s3.getBucketVersioning(r -> r.bucket(name)).statusAsString()).isEqualTo("Enabled");
            assertThat(s3.getBucketTagging(r -> r.bucket(name)).tagSet().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value())))
                    .as(name + " tags").isEqualTo(tags(bucket).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                            e -> e.getValue().replace("${AWS::AccountId}", "123456789012"))));
        });
        // The data key's alias and the shared trail's key's alias.
        Set<String> aliases = names(plan, "AWS::KMS::Alias", "AliasName");
        assertThat(aliases).hasSize(2);
        assertThat(aws.kms(Emulator.REGION).listAliases().aliases().stream().map(a -> a.aliasName()).toList()).containsAll(aliases);
        // The replication role and the shared trail's CloudWatch Logs role.
        assertThat(all(plan, "AWS::IAM::Role")).hasSize(2).allSatisfy(planned -> {
            String role = (String) planned.properties().get("RoleName");
            assertThat(aws.iam(Emulator.REGION).getRole(r -> r.roleName(role)).role().roleName()).isEqualTo(role);
        });
        CfnResource trail = only(plan, "AWS::CloudTrail::Trail");
        var actual = aws.cloudTrail(Emulator.REGION).getTrail(r -> r.name((String) trail.properties().get("TrailName"))).trail();
        assertThat(actual.s3BucketName()).isEqualTo(((String) trail.properties().get("S3BucketName")).replace("${AWS::AccountId}", "123456789012"));
        assertThat(actual.logFileValidationEnabled()).isEqualTo(trail.properties().get("EnableLogFileValidation"));
        // The trail's log group: its name, retention and the group ARN the trail names.
        CfnResource group = only(plan, "AWS::Logs::LogGroup");
        String groupName = (String) group.properties().get("LogGroupName");
        var made = aws.logs(Emulator.REGION).describeLogGroups(r -> r.logGroupNamePrefix(groupName)).logGroups().stream()
                .filter(g -> g.logGroupName().equals(groupName)).findFirst().orElseThrow();
        assertThat(made.retentionInDays()).isEqualTo(group.properties().get("RetentionInDays"));
        assertThat(actual.cloudWatchLogsLogGroupArn()).isEqualTo(((String) trail.properties().get("CloudWatchLogsLogGroupArn"))
                .replace("${AWS::AccountId}", "123456789012"));
    }

    private static List<CfnResource> all(CloudFormationTemplate plan, String type) {
        return plan.resources().values().stream().filter(r -> r.type().equals(type)).toList();
    }

    private static CfnResource only(CloudFormationTemplate plan, String type) {
        List<CfnResource> found = all(plan, type);
        assertThat(found).as(type).hasSize(1);
        return found.get(0);
    }

    private static Set<String> names(CloudFormationTemplate plan, String type, String property) {
        return all(plan, type).stream().map(r -> (String) r.properties().get(property)).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> tags(CfnResource resource) {
        return ((List<Map<String, Object>>) resource.properties().get("Tags")).stream()
                .collect(Collectors.toMap(t -> (String) t.get("Key"), t -> (String) t.get("Value")));
    }

}
