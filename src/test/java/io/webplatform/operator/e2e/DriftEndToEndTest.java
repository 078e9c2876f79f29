package io.webplatform.operator.e2e;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.testing.AwsReads;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.Kubectl;
import io.webplatform.operator.testing.TestBed;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drift behind the operator's back, on the samples, with the operator running as a user runs it:
 * a person loosens instance metadata, security groups (and rewrites what their rules say they admit), routes, subnets,
 * the load balancer and its TLS policy, the
 * instance role, the alarm key and topic, stops the database and weakens the bucket and its trail.
 * Within a resync every change is put back, each with a Repaired event, and nothing else moves.
 */
@QuarkusTest
@QuarkusTestResource(TestBed.class)
class DriftEndToEndTest extends RunningOperatorTest {
    @Test
    void everyKindOfDriftIsPutBackWithAnEvent() throws IOException {
        String ns = Kubectl.newNamespace("e2e-drift");
        Kubectl.apply(ns, sample("securebucket.yaml", ns)).ok();
        Kubectl.apply(ns, sample("webplatform.yaml", ns)).ok();
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=180s").ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/app-logs", "-n", ns, "--timeout=60s").ok();

        // HTTPS added to the running platform: a TLS listener on 443 with an ACM certificate (a private CA's, which
        // the emulator issues at once), judged in preflight (acm:DescribeCertificate, DescribeSSLPolicies).
        String certificate = aws.acm(Emulator.REGION).requestCertificate(r -> r.domainName("shop.example.com")
                .certificateAuthorityArn("arn:aws:acm-pca:eu-west-3:123456789012:certificate-authority/e2e-drift")).certificateArn();
        Kubectl.run("patch", "webplatform/shop", "-n", ns, "--type=merge", "-p",
                "{\"spec\":{\"loadBalancer\":{\"ports\":[80,443],\"certificateArn\":\"" + certificate + "\"}}}").ok();
        await().atMost(Duration.ofSeconds(60)).until(() -> jsonpath(ns, "webplatform", "shop", ".status.outputs.appUrl")
                .equals("https://" + out(ns, "loadBalancerDnsName") + "/"));

        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        ElasticLoadBalancingV2Client elb = aws.elbv2(Emulator.REGION);
        IamClient iam = aws.iam(Emulator.REGION);
        KmsClient kms = aws.kms(Emulator.REGION);
        RdsClient rds = aws.rds(Emulator.REGION);
        CloudTrailClient cloudTrail = aws.cloudTrail(Emulator.REGION);
        String vpc = out(ns, "vpcId");
        String lbGroup = out(ns, "securityGroupIds.lb");
        String appGroup = out(ns, "securityGroupIds.app");
        String instance = out(ns, "instanceIds.eu-west-3a");
        String public0 = out(ns, "publicSubnetIds.eu-west-3a");
        String private1 = out(ns, "privateSubnetIds.eu-west-3b");
        String dnsName = out(ns, "loadBalancerDnsName");
        String lbArn = elb.describeLoadBalancers().loadBalancers().stream().filter(l -> l.dnsName().equals(dnsName)).findFirst()
                .orElseThrow().loadBalancerArn();
        String tgArn = elb.describeTargetGroups(r -> r.loadBalancerArn(lbArn)).targetGroups().get(0).targetGroupArn();
        var listeners = elb.describeListeners(r -> r.loadBalancerArn(lbArn)).listeners();
        String listenerArn = listeners.stream().filter(l -> l.port() == 80).findFirst().orElseThrow().listenerArn();
        var tls = listeners.stream().filter(l -> l.port() == 443).findFirst().orElseThrow();
        assertThat(tls.protocol()).isEqualTo(ProtocolEnum.TLS);
        assertThat(tls.certificates()).extracting(c -> c.certificateArn()).containsExactly(certificate);
        String role = component(ns, "webplatform", "InstanceRole").replaceAll(".*:role/", "");
        String alarmKeyArn = component(ns, "webplatform", "AlarmTopicKey");
        String alarmKey = alarmKeyArn.replaceAll(".*:key/", "");
        String topic = out(ns, "alarmTopicArn");
        String dbId = out(ns, "databaseEndpoint").split("\\.")[0];
        String bucket = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.bucketName");
        String trail = jsonpath(ns, "securebucket", "app-logs", ".status.outputs.trailArn").replaceAll(".*:trail/", "");
        String defaultGroup = ec2.describeSecurityGroups(r -> r.filters(f -> f.name("vpc-id").values(vpc),
                f -> f.name("group-name").values("default"))).securityGroups().get(0).groupId();
        RouteTable privateTable1 = tableOf(ec2, vpc, private1);
        String publicTable = tableOf(ec2, vpc, public0).routeTableId();
        String publicAssociation = tableOf(ec2, vpc, public0).associations().stream().filter(a -> public0.equals(a.subnetId()))
                .findFirst().orElseThrow().routeTableAssociationId();
        String igw = ec2.describeInternetGateways(r -> r.filters(f -> f.name("attachment.vpc-id").values(vpc)))
                .internetGateways().get(0).internetGatewayId();

        // The person at the console.
        ec2.modifyInstanceMetadataOptions(r -> r.instanceId(instance).httpTokens(HttpTokensState.OPTIONAL));
        ec2.modifyInstanceAttribute(r -> r.instanceId(instance).groups(appGroup, lbGroup));
        ec2.modifySubnetAttribute(r -> r.subnetId(public0).mapPublicIpOnLaunch(a -> a.value(true)));
        ec2.replaceRoute(r -> r.routeTableId(privateTable1.routeTableId()).destinationCidrBlock("0.0.0.0/0").gatewayId(igw));
        ec2.replaceRouteTableAssociation(r -> r.associationId(publicAssociation).routeTableId(privateTable1.routeTableId()));
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(defaultGroup).ipPermissions(IpPermission.builder().ipProtocol("tcp")
                .fromPort(22).toPort(22).ipRanges(x -> x.cidrIp("0.0.0.0/0")).build()));
        ec2.updateSecurityGroupRuleDescriptionsIngress(r -> r.groupId(lbGroup).ipPermissions(IpPermission.builder().ipProtocol("tcp")
                .fromPort(443).toPort(443).ipRanges(x -> x.cidrIp("0.0.0.0/0").description("temporary, remove me")).build()));
        ec2.updateSecurityGroupRuleDescriptionsEgress(r -> r.groupId(appGroup).ipPermissions(IpPermission.builder().ipProtocol("tcp")
                .fromPort(443).toPort(443).ipRanges(x -> x.cidrIp("0.0.0.0/0").description("anything")).build()));
        elb.modifyTargetGroup(r -> r.targetGroupArn(tgArn).healthCheckPath("/admin").healthCheckIntervalSeconds(30));
        String intruder = elb.createTargetGroup(r -> r.name("drift-" + Long.toString(System.nanoTime() % 100000, 36))
                .protocol(ProtocolEnum.TCP).port(80).vpcId(vpc).targetType("instance")).targetGroups().get(0).targetGroupArn();
        elb.modifyListener(r -> r.listenerArn(listenerArn).defaultActions(a -> a.type("forward").targetGroupArn(intruder)));
        elb.modifyListener(r -> r.listenerArn(tls.listenerArn()).sslPolicy("ELBSecurityPolicy-2016-08"));
        elb.setSecurityGroups(r -> r.loadBalancerArn(lbArn).securityGroups(appGroup));
        elb.setSubnets(r -> r.loadBalancerArn(lbArn).subnets(public0, private1));
        iam.attachRolePolicy(r -> r.roleName(role).policyArn("arn:aws:iam::aws:policy/AdministratorAccess"));
        iam.putRolePolicy(r -> r.roleName(role).policyName("everything").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        iam.updateAssumeRolePolicy(r -> r.roleName(role).policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]}"));
        kms.putKeyPolicy(r -> r.keyId(alarmKey).policyName("default").policy("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"));
        kms.scheduleKeyDeletion(r -> r.keyId(alarmKey).pendingWindowInDays(7));
        aws.sns(Emulator.REGION).setTopicAttributes(r -> r.topicArn(topic).attributeName("KmsMasterKeyId").attributeValue("alias/aws/sns"));
        aws.sns(Emulator.REGION).subscribe(r -> r.topicArn(topic).protocol("https").endpoint("https://intruder.example.com/hook"));
        rds.modifyDBInstance(r -> r.dbInstanceIdentifier(dbId).backupRetentionPeriod(1).applyImmediately(true));
        rds.stopDBInstance(r -> r.dbInstanceIdentifier(dbId));
        aws.s3(Emulator.REGION).putBucketOwnershipControls(r -> r.bucket(bucket).ownershipControls(o -> o.rules(
                x -> x.objectOwnership(ObjectOwnership.OBJECT_WRITER))));
        cloudTrail.updateTrail(r -> r.name(trail).enableLogFileValidation(false));
        cloudTrail.stopLogging(r -> r.name(trail));

        // Within a resync (4 s in tests) and its backoff, everything is as declared again.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var meta = ec2.describeInstances(r -> r.instanceIds(instance)).reservations().get(0).instances().get(0);
            assertThat(meta.metadataOptions().httpTokens()).isEqualTo(HttpTokensState.REQUIRED);
            assertThat(meta.securityGroups()).extracting(g -> g.groupId()).containsExactly(appGroup);
            assertThat(ec2.describeSubnets(r -> r.subnetIds(public0)).subnets().get(0).mapPublicIpOnLaunch()).isFalse();
            assertThat(tableOf(ec2, vpc, private1).routes().stream().filter(x -> "0.0.0.0/0".equals(x.destinationCidrBlock()))
                    .findFirst().orElseThrow().natGatewayId()).startsWith("nat-");
            assertThat(tableOf(ec2, vpc, public0).routeTableId()).isEqualTo(publicTable);
            assertThat(ec2.describeSecurityGroups(r -> r.groupIds(defaultGroup)).securityGroups().get(0).ipPermissions()).isEmpty();
            assertThat(ec2.describeSecurityGroups(r -> r.groupIds(lbGroup)).securityGroups().get(0).ipPermissions())
                    .filteredOn(p -> Integer.valueOf(443).equals(p.fromPort())).flatExtracting(p -> p.ipRanges())
                    .extracting(x -> x.description()).containsExactly("clients to listener 443");
            assertThat(ec2.describeSecurityGroups(r -> r.groupIds(appGroup)).securityGroups().get(0).ipPermissionsEgress())
                    .filteredOn(p -> Integer.valueOf(443).equals(p.fromPort())).flatExtracting(p -> p.ipRanges())
                    .extracting(x -> x.description()).containsExactly("app to HTTPS 443: Systems Manager, Secrets Manager, packages");
            var group = elb.describeTargetGroups(r -> r.targetGroupArns(tgArn)).targetGroups().get(0);
            assertThat(group.healthCheckPath()).isEqualTo("/");
            assertThat(group.healthCheckIntervalSeconds()).isEqualTo(10);
            assertThat(elb.describeListeners(r -> r.listenerArns(listenerArn)).listeners().get(0).defaultActions().get(0).targetGroupArn())
                    .isEqualTo(tgArn);
            assertThat(elb.describeListeners(r -> r.listenerArns(tls.listenerArn())).listeners().get(0).sslPolicy())
                    .isEqualTo(WebPlatformSpec.LoadBalancer.DEFAULT_SSL_POLICY);
            var lb = elb.describeLoadBalancers(r -> r.loadBalancerArns(lbArn)).loadBalancers().get(0);
            assertThat(lb.securityGroups()).containsExactly(lbGroup);
            assertThat(lb.availabilityZones()).extracting(z -> z.subnetId())
                    .containsExactlyInAnyOrder(public0, out(ns, "publicSubnetIds.eu-west-3b"));
            assertThat(iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies()).extracting(p -> p.policyName())
                    .containsExactly("AmazonSSMManagedInstanceCore");
            assertThat(iam.listRolePolicies(r -> r.roleName(role)).policyNames()).doesNotContain("everything");
            assertThat(java.net.URLDecoder.decode(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument(),
                    java.nio.charset.StandardCharsets.UTF_8)).contains("ec2.amazonaws.com").doesNotContain(":root");
            assertThat(kms.describeKey(r -> r.keyId(alarmKey)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
            assertThat(kms.getKeyPolicy(r -> r.keyId(alarmKey).policyName("default")).policy()).contains("cloudwatch.amazonaws.com");
            assertThat(aws.sns(Emulator.REGION).getTopicAttributes(r -> r.topicArn(topic)).attributes().get("KmsMasterKeyId"))
                    .contains(alarmKey);
            assertThat(aws.sns(Emulator.REGION).listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions())
                    .extracting(s -> s.endpoint()).containsExactly("ops@example.com");
            var db = rds.describeDBInstances(r -> r.dbInstanceIdentifier(dbId)).dbInstances().get(0);
            assertThat(db.dbInstanceStatus()).isEqualTo("available");
            assertThat(db.backupRetentionPeriod()).isEqualTo(7);
            assertThat(aws.s3(Emulator.REGION).getBucketOwnershipControls(r -> r.bucket(bucket)).ownershipControls().rules().get(0)
                    .objectOwnership()).isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
            assertThat(cloudTrail.getTrail(r -> r.name(trail)).trail().logFileValidationEnabled()).isTrue();
            assertThat(cloudTrail.getTrailStatus(r -> r.name(trail)).isLogging()).isTrue();
        });

        String events = Kubectl.run("get", "events", "-n", ns, "--field-selector", "reason=Repaired", "-o",
                "jsonpath={range .items[*]}{.involvedObject.name}: {.message}{\"\\n\"}{end}").ok().out();
        Set<String> repairedComponents = events.lines().map(l -> l.replaceAll("^[^:]+: (\\w+) .*$", "$1")).collect(Collectors.toSet());
        assertThat(repairedComponents).contains("AppInstances", "Subnets", "RouteTables", "DefaultSecurityGroup", "SecurityGroups", "TargetGroup",
                "Listeners", "LoadBalancer", "InstanceRole", "AlarmTopicKey", "AlarmTopic", "Database", "Bucket", "Trail");
        Kubectl.run("wait", "--for=condition=Ready", "webplatform/shop", "-n", ns, "--timeout=120s").ok();
        elb.deleteTargetGroup(r -> r.targetGroupArn(intruder));

        // Deleting with deletionPolicy Delete takes the snapshots made on request too; a volume left tagged
        // with the WebPlatform's UID (a crashed launch's, say) is swept.
        Kubectl.run("annotate", "webplatform/shop", "-n", ns, "webplatform.io/db-snapshot=before-delete").ok();
        await().atMost(Duration.ofSeconds(60)).until(() -> "available".equals(
                jsonpath(ns, "webplatform", "shop", ".status.snapshots[?(@.name==\"" + dbId + "-before-delete\")].state")));
        Kubectl.run("patch", "webplatform/shop", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"database\":{\"deletionPolicy\":\"Delete\"}}}").ok();
        String ownerKey = jsonpath(ns, "webplatform", "shop", ".status.ownerKey");
        String stray = ec2.createVolume(r -> r.availabilityZone("eu-west-3a").size(1).tagSpecifications(t -> t
                .resourceType(software.amazon.awssdk.services.ec2.model.ResourceType.VOLUME)
                .tags(x -> x.key(Ownership.OWNER_UID).value(ownerKey), x -> x.key(Ownership.COMPONENT).value("AppInstances")))).volumeId();
        Kubectl.run("delete", "webplatform", "shop", "-n", ns, "--timeout=180s").ok();
        assertThat(rds.describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots()).extracting(x -> x.dbSnapshotIdentifier())
                .noneMatch(id -> id.startsWith(dbId));
        assertThat(ec2.describeVolumes(r -> r.filters(f -> f.name("volume-id").values(stray))).volumes())
                .allMatch(v -> v.state() == software.amazon.awssdk.services.ec2.model.VolumeState.DELETED);
        Kubectl.run("delete", "securebucket", "app-logs", "-n", ns, "--timeout=120s").ok();
    }

    @Test
    void aBucketThatHoldsObjectsIsEmptiedOnDeleteWhenAsked() {
        String ns = Kubectl.newNamespace("e2e-drift-empty");
        Kubectl.apply(ns, """
                apiVersion: webplatform.io/v1alpha1
                kind: SecureBucket
                metadata: {name: scratch}
                spec: {region: eu-west-3, deletionPolicy: Delete, emptyOnDelete: true, replication: {enabled: false}, trail: {enabled: false}}
                """).ok();
        Kubectl.run("wait", "--for=condition=Ready", "securebucket/scratch", "-n", ns, "--timeout=60s").ok();
        String bucket = jsonpath(ns, "securebucket", "scratch", ".status.outputs.bucketName");
        var s3 = aws.s3(Emulator.REGION);
        // The emulator serves plain HTTP, which the TLS-only policy refuses: lift it to write, and see it put back.
        s3.deleteBucketPolicy(r -> r.bucket(bucket));
        s3.putObject(r -> r.bucket(bucket).key("report.csv"), software.amazon.awssdk.core.sync.RequestBody.fromString("a,b\n"));
        await().atMost(Duration.ofSeconds(30)).until(() -> AwsReads.exists(() -> s3.getBucketPolicy(r -> r.bucket(bucket))));
        Kubectl.run("delete", "securebucket", "scratch", "-n", ns, "--timeout=60s").ok();
        assertThat(AwsReads.exists(() -> s3.headBucket(r -> r.bucket(bucket)))).isFalse();
    }

    private static String out(String ns, String path) {
        String value = jsonpath(ns, "webplatform", "shop", ".status.outputs." + path);
        assertThat(value).as(path).isNotBlank();
        return value;
    }

    private static String component(String ns, String kind, String name) {
        String id = jsonpath(ns, kind, "shop", ".status.components[?(@.name==\"" + name + "\")].id");
        assertThat(id).as(name).isNotBlank();
        return id;
    }

    private static RouteTable tableOf(Ec2Client ec2, String vpc, String subnet) {
        List<RouteTable> tables = ec2.describeRouteTables(r -> r.filters(f -> f.name("association.subnet-id").values(subnet)))
                .routeTables();
        assertThat(tables).as("route table of " + subnet + " in " + vpc).hasSize(1);
        return tables.get(0);
    }
}
