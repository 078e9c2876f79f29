package io.webplatform.operator.platform;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.bucket.BucketNames;
import io.webplatform.operator.bucket.BucketScope;
import io.webplatform.operator.bucket.ReplicationRole;
import io.webplatform.operator.testing.Emulator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generative: for many valid Kubernetes namespaces (DNS labels, at most 63) and names (DNS
 * subdomains, at most 253, dots allowed), random and odd on purpose, every name and tag value the
 * operator derives satisfies AWS's rule for its kind (AwsNameRules), stays deterministic and unique
 * per UID, and a name that AWS already accepted before these rules is unchanged.
 */
class DerivedNamesTest {
    private static final AwsClients CLIENTS = Emulator.clientsWithoutEndpoint();
    private static final String ACCOUNT = "123456789012";
    private static final Random RANDOM = new Random(20261203L);
    private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-";

    private static final List<String> ODD_NAMESPACES = List.of("default", "internal", "aws", "sg", "sthree", "sthree-configurator",
            "amzn-s3-demo", "xn--abc", "1", "0abc", "a", "z".repeat(63), "internal-apps", "a--b", "9-9", "default-1",
            "n".repeat(49), "s3alias", "ol-s3", "x".repeat(62) + "1");
    private static final List<String> ODD_NAMES = List.of("x", "demo", "a.b.c", "1.2.3.4", "192.168.5.4", "web-s3alias", "app--ol-s3",
            "foo.mrap", "b--x-s3", "t--table-s3", "xn--name", "sthree-x", "internal", "aws", "default", "a0.0b",
            "x".repeat(253), dotted(253), dotted(252), "a." + "b".repeat(61) + ".c", "9" + "-9".repeat(126), "d".repeat(63) + "." + "e".repeat(63),
            "n0", "a-b.c-d.e-f", "web.example.com", "x".repeat(244), "x".repeat(245), "x".repeat(63), "x".repeat(64));

    /** One input: a namespace, a name and a UID. */
    record Input(String namespace, String name, String uid) {
        @Override
        public String toString() {
            return namespace + "/" + name + " (" + name.length() + " chars)";
        }
    }

    static List<Input> inputs() {
        List<Input> inputs = new ArrayList<>();
        for (String ns : ODD_NAMESPACES) {
            for (String name : ODD_NAMES) {
                inputs.add(new Input(ns, name, UUID.randomUUID().toString()));
            }
        }
        for (int i = 0; i < 400; i++) {
            inputs.add(new Input(label(1 + RANDOM.nextInt(63)), subdomain(1 + RANDOM.nextInt(253)), UUID.randomUUID().toString()));
        }
        return inputs;
    }

    /** dots everywhere: a.b.c.d... of exactly {@code length} characters. */
    static String dotted(int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            s.append(s.length() % 2 == 0 ? (char) ('a' + (s.length() / 2) % 26) : '.');
        }
        return s.toString().replaceAll("\\.$", "z");
    }

    /** A DNS label: [a-z0-9-], alphanumeric at both ends. */
    static String label(int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            boolean end = i == 0 || i == length - 1;
            String chars = end ? LABEL_CHARS.substring(0, 36) : LABEL_CHARS;
            // Hyphens often, so runs of them (a--b) and hyphens before the hash appear.
            s.append(!end && RANDOM.nextInt(4) == 0 ? '-' : chars.charAt(RANDOM.nextInt(chars.length())));
        }
        return s.toString();
    }

    /** A DNS subdomain of at most {@code max} characters: labels joined by dots. */
    static String subdomain(int max) {
        StringBuilder s = new StringBuilder(label(Math.min(max, 1 + RANDOM.nextInt(63))));
        while (s.length() + 2 <= max && RANDOM.nextInt(3) > 0) {
            int room = max - s.length() - 1;
            s.append('.').append(label(Math.min(room, 1 + RANDOM.nextInt(63))));
        }
        return s.toString();
    }

    static WebPlatform platform(Input in, WebPlatformSpec.Restore restore) {
        WebPlatformSpec spec = new WebPlatformSpec();
        spec.tags.put("k".repeat(128), "v".repeat(256));
        spec.database.restore = restore;
        WebPlatform wp = new WebPlatform();
        wp.setMetadata(new ObjectMetaBuilder().withNamespace(in.namespace()).withName(in.name()).withUid(in.uid()).withGeneration(1L).build());
        wp.setSpec(spec);
        return wp;
    }

    static SecureBucket bucket(String namespace, String name, String uid) {
        SecureBucketSpec spec = new SecureBucketSpec();
        spec.replication = new SecureBucketSpec.Replication();
        spec.trail = new SecureBucketSpec.Trail();
        spec.tags.put("team", "v".repeat(256));
        SecureBucket sb = new SecureBucket();
        sb.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withUid(uid).withGeneration(1L).build());
        sb.setSpec(spec);
        return sb;
    }

    static PlatformScope scope(WebPlatform wp) {
        return new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, List.of("eu-west-3a", "eu-west-3b")), CLIENTS, ACCOUNT, "");
    }

    /** Every name derived for one input, by the rule it must satisfy. */
    static Map<AwsNameRules, List<String>> derived(Input in) {
        Map<AwsNameRules, List<String>> names = new LinkedHashMap<>();
        BiConsumer<AwsNameRules, String> add = (kind, name) -> names.computeIfAbsent(kind, k -> new ArrayList<>()).add(name);
        WebPlatform wp = platform(in, null);
        PlatformScope scope = scope(wp);
        WebPlatformSpec.Restore restore = new WebPlatformSpec.Restore();
        restore.fromSnapshot = "rds:some-snapshot-2026-12-01";
        PlatformScope restoring = scope(platform(in, restore));
        WebPlatformSpec.Monitoring m = wp.getSpec().monitoring;

        // Kubernetes objects the WebPlatform makes.
        add.accept(AwsNameRules.KUBERNETES_NAME, ConnectionSecret.name(wp));
        add.accept(AwsNameRules.KUBERNETES_LABEL_VALUE, ConnectionSecret.ownerLabel(wp));
        String flowLogBucket = FlowLogDestination.ownBucketName(wp);
        add.accept(AwsNameRules.KUBERNETES_NAME, flowLogBucket);

        // The SecureBucket of the same name, and the WebPlatform's own flow-log SecureBucket.
        Map<String, String> tagged = new LinkedHashMap<>();
        for (SecureBucket sb : List.of(bucket(in.namespace(), in.name(), in.uid()), bucket(in.namespace(), flowLogBucket, UUID.nameUUIDFromBytes((in.uid() + "/flowlogs").getBytes()).toString()))) {
            BucketNames b = BucketNames.of(sb);
            List.of(b.bucket(), b.backupBucket(), b.logBucket()).forEach(n -> add.accept(AwsNameRules.S3_BUCKET, n));
            add.accept(AwsNameRules.IAM_ROLE, b.replicationRole());
            add.accept(AwsNameRules.CLOUDTRAIL_TRAIL, b.trail());
            add.accept(AwsNameRules.KMS_ALIAS, b.keyAlias());
            BucketScope bucketScope = new BucketScope(sb, CLIENTS, ACCOUNT);
            for (String name : List.of(b.bucket(), b.backupBucket(), b.logBucket(), b.replicationRole(), b.trail(), b.keyAlias())) {
                tagged.putAll(bucketScope.tags("Component", name));
            }
        }
        add.accept(AwsNameRules.IAM_INLINE_POLICY, ReplicationRole.POLICY_NAME);

        // The WebPlatform's AWS names.
        String role = InstanceRole.roleName(scope);
        add.accept(AwsNameRules.IAM_ROLE, role);
        add.accept(AwsNameRules.IAM_INSTANCE_PROFILE, role);
        add.accept(AwsNameRules.IAM_INLINE_POLICY, InstanceRole.SECRET_POLICY);
        add.accept(AwsNameRules.KMS_ALIAS, AlarmTopicKey.alias(scope));
        add.accept(AwsNameRules.SNS_TOPIC, AlarmTopic.topicName(scope));
        add.accept(AwsNameRules.RDS_DB_INSTANCE, DatabaseNames.instanceId(scope));
        add.accept(AwsNameRules.RDS_DB_INSTANCE, DatabaseNames.instanceId(restoring));
        add.accept(AwsNameRules.RDS_DB_SUBNET_GROUP, DatabaseNames.baseId(scope));
        add.accept(AwsNameRules.RDS_DB_SNAPSHOT, DatabaseSnapshots.snapshotId(scope, "l".repeat(40)));
        add.accept(AwsNameRules.RDS_DB_SNAPSHOT, Database.finalSnapshotId(DatabaseNames.instanceId(restoring), Instant.parse("2026-12-03T10:00:00Z")));
        add.accept(AwsNameRules.ELB_LOAD_BALANCER, LoadBalancerNames.loadBalancer(scope));
        add.accept(AwsNameRules.ELB_TARGET_GROUP, LoadBalancerNames.targetGroup(scope));
        SecurityGroups.roles().forEach(r -> add.accept(AwsNameRules.EC2_SECURITY_GROUP, SecurityGroups.groupName(scope, r)));
        add.accept(AwsNameRules.EC2_CLIENT_TOKEN, scope.clientToken(AppInstances.NAME, "private-1", "0a1b2c", "i-0123456789abcdef0"));
        String instance = "i-0123456789abcdef0";
        String tg = "arn:aws:elasticloadbalancing:eu-west-3:" + ACCOUNT + ":targetgroup/" + LoadBalancerNames.targetGroup(scope) + "/0123456789abcdef";
        String lb = "arn:aws:elasticloadbalancing:eu-west-3:" + ACCOUNT + ":loadbalancer/net/" + LoadBalancerNames.loadBalancer(scope) + "/0123456789abcdef";
        String stem = Alarms.stem(scope);
        List.of(AlarmRule.cpu(stem, instance, m), AlarmRule.packetsIn(stem, instance, m), AlarmRule.dbConnections(stem, "db", m),
                AlarmRule.dbFreeStorage(stem, "db", m), AlarmRule.unhealthyHosts(stem, tg, lb, m), AlarmRule.healthyHosts(stem, tg, lb, m))
                .forEach(rule -> add.accept(AwsNameRules.CLOUDWATCH_ALARM, rule.name()));

        // Every tag: ownership tags with each component's name, and EC2's TagSpecifications.
        names.values().stream().flatMap(List::stream).forEach(name -> tagged.putAll(scope.tags("Component", name)));
        for (ResourceType type : List.of(ResourceType.VPC, ResourceType.NATGATEWAY, ResourceType.INSTANCE)) {
            scope.tagSpec(type, "NatGateways", "nat-0").tags().forEach(t -> tagged.put(t.key(), t.value()));
            scope.tagSpec(type, "Vpc", null).tags().stream().map(Tag::value).forEach(v -> add.accept(AwsNameRules.TAG_VALUE, v));
        }
        tagged.forEach((key, value) -> {
            add.accept(AwsNameRules.TAG_KEY, key);
            add.accept(AwsNameRules.TAG_VALUE, value);
        });
        // Security-group rule descriptions: texts no tag carries, from the spec's ports rather than the names
        // (SecurityGroupsDiffTest tries ports and peers at their edges).
        SecurityGroups.roles().forEach(r -> SecurityGroups.rules(wp.getSpec(), r)
                .forEach(rule -> add.accept(AwsNameRules.EC2_SECURITY_GROUP_RULE_DESCRIPTION, rule.description())));
        return names;
    }

    @Test
    void theGeneratedInputsAreValidKubernetesNames() {
        for (Input in : inputs()) {
            assertThat(in.namespace()).as(in.toString()).hasSizeLessThanOrEqualTo(63).matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
            assertThat(AwsNameRules.KUBERNETES_NAME.violations(in.name())).as(in.toString()).isEmpty();
        }
    }

    @Test
    void everyDerivedNameSatisfiesAwsRuleForItsKind() {
        List<String> failures = new ArrayList<>();
        Set<AwsNameRules> checked = new LinkedHashSet<>();
        for (Input in : inputs()) {
            derived(in).forEach((kind, names) -> {
                checked.add(kind);
                names.forEach(name -> kind.violations(name).forEach(v -> failures.add(kind + " \"" + name + "\" for " + in + ": " + v)));
            });
        }
        assertThat(failures).as("names AWS would refuse").isEmpty();
        assertThat(checked).as("every rule of the table is exercised").containsExactlyInAnyOrder(AwsNameRules.values());
    }

    /** What an installation shares in a region (its trail, its log bucket) is named after it, whatever its name's length. */
    @Test
    void sharedTrailNamesSatisfyAwsRulesForAnyInstallationName() {
        List<String> failures = new ArrayList<>();
        for (Input in : inputs()) {
            for (String region : List.of("eu-west-3", "ap-southeast-4", "us-gov-west-1")) {
                String logBucket = io.webplatform.operator.aws.ResourceNames.sharedTrailLogBucket(in.name(), ACCOUNT, region);
                AwsNameRules.S3_BUCKET.violations(logBucket).forEach(v -> failures.add(logBucket + ": " + v));
                for (String trail : List.of(io.webplatform.operator.aws.ResourceNames.sharedTrail(in.name(), logBucket, false),
                        io.webplatform.operator.aws.ResourceNames.sharedTrail(in.name(), "a-named-log-bucket", true))) {
                    AwsNameRules.CLOUDTRAIL_TRAIL.violations(trail).forEach(v -> failures.add(trail + ": " + v));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void namesAreDeterministicAndUniquePerUid() {
        for (Input in : inputs().subList(0, 200)) {
            Input again = new Input(in.namespace(), in.name(), in.uid());
            Input recreated = new Input(in.namespace(), in.name(), UUID.randomUUID().toString());
            Map<AwsNameRules, List<String>> first = derived(in);
            assertThat(derived(again)).as(in.toString()).isEqualTo(first);
            Map<AwsNameRules, List<String>> other = derived(recreated);
            for (AwsNameRules kind : List.of(AwsNameRules.S3_BUCKET, AwsNameRules.IAM_ROLE, AwsNameRules.KMS_ALIAS, AwsNameRules.SNS_TOPIC,
                    AwsNameRules.RDS_DB_INSTANCE, AwsNameRules.ELB_LOAD_BALANCER, AwsNameRules.ELB_TARGET_GROUP, AwsNameRules.CLOUDWATCH_ALARM,
                    AwsNameRules.CLOUDTRAIL_TRAIL, AwsNameRules.EC2_SECURITY_GROUP)) {
                assertThat(other.get(kind)).as(kind + " of a recreated " + in).doesNotContainAnyElementsOf(first.get(kind));
            }
        }
    }

    /** Names made before these rules, where AWS accepted them, must not move: existing resources would be orphaned. */
    @Test
    void namesAwsAlreadyAcceptedAreUnchanged() {
        int compared = 0;
        for (Input in : inputs()) {
            WebPlatform wp = platform(in, null);
            PlatformScope scope = scope(wp);
            String base = scope.baseName();
            Map<String, String> before = new LinkedHashMap<>();
            before.put(AwsNameRules.SNS_TOPIC + ":" + AlarmTopic.topicName(scope), base + "-alarms");
            before.put(AwsNameRules.KMS_ALIAS + ":" + AlarmTopicKey.alias(scope), "alias/webplatform/" + base + "-alarms");
            before.put(AwsNameRules.CLOUDWATCH_ALARM + ":" + Alarms.prefix(scope) + Alarms.LONGEST_KIND, base + "-" + Alarms.LONGEST_KIND);
            for (String role : SecurityGroups.roles()) {
                before.put(AwsNameRules.EC2_SECURITY_GROUP + ":" + SecurityGroups.groupName(scope, role), base + "-" + role);
            }
            before.put(AwsNameRules.ELB_LOAD_BALANCER + ":" + LoadBalancerNames.loadBalancer(scope), LoadBalancerNames.name(scope, "nlb", ""));
            before.put(AwsNameRules.KUBERNETES_NAME + ":" + ConnectionSecret.name(wp), in.name() + "-database");
            before.put(AwsNameRules.KUBERNETES_NAME + ":" + FlowLogDestination.ownBucketName(wp), in.name() + "-flowlogs");
            before.put(AwsNameRules.TAG_VALUE + ":" + scope.tags("Vpc", base + "-vpc").get("Name"), base + "-vpc");
            for (var entry : before.entrySet()) {
                AwsNameRules kind = AwsNameRules.valueOf(entry.getKey().substring(0, entry.getKey().indexOf(':')));
                String now = entry.getKey().substring(entry.getKey().indexOf(':') + 1);
                if (kind.accepts(entry.getValue())) {
                    assertThat(now).as(kind + " for " + in).isEqualTo(entry.getValue());
                    compared++;
                }
            }
        }
        assertThat(compared).as("valid old names compared").isGreaterThan(1000);
    }

    @Test
    void userTagsAwsWouldRefuseAreJudgedBeforeAnyCall() {
        WebPlatform wp = platform(new Input("demo", "shop", UUID.randomUUID().toString()), null);
        assertThat(WebPlatformValidation.validate(wp, "eu-west-3")).isEmpty();
        wp.getSpec().tags.put("cost#center", "web");
        wp.getSpec().tags.put("owner", "ops, web");
        wp.getSpec().tags.put("team", "Équipe web 2 @paris");
        assertThat(WebPlatformValidation.validate(wp, "eu-west-3")).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("tag \"cost#center\""))
                .anySatisfy(p -> assertThat(p).startsWith("tag \"owner\""));
        SecureBucket sb = bucket("demo", "data", UUID.randomUUID().toString());
        sb.getSpec().tags.put("a|b", "c");
        assertThat(io.webplatform.operator.bucket.SecureBucketValidation.validate(sb)).anySatisfy(p -> assertThat(p).startsWith("tag \"a|b\""));
    }

    @Test
    void theCasesTheIssueNamesGetNamesAwsAccepts() {
        Input internal = new Input("internal", "shop", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        PlatformScope scope = scope(platform(internal, null));
        assertThat(LoadBalancerNames.loadBalancer(scope)).isEqualTo("wp-internal-shop-" + ResourceNames.shortHash(internal.uid()) + "-nlb");
        assertThat(LoadBalancerNames.targetGroup(scope)).isEqualTo("internal-shop-" + ResourceNames.shortHash(internal.uid()) + "-tg");

        Input dotted = new Input("team-a", "web.example.com", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        PlatformScope dots = scope(platform(dotted, null));
        assertThat(AlarmTopic.topicName(dots)).isEqualTo("team-a-web-example-com-" + ResourceNames.shortHash(dotted.uid()) + "-alarms");
        assertThat(AlarmTopicKey.alias(dots)).isEqualTo("alias/webplatform/team-a-web-example-com-" + ResourceNames.shortHash(dotted.uid()) + "-alarms");

        assertThat(ResourceNames.bucket("sthree", "data", internal.uid(), "")).startsWith("wp-sthree-data-");
        assertThat(SecurityGroups.groupName(scope(platform(new Input("sg", "x", internal.uid()), null)), "lb")).startsWith("wp-sg-x-");
        assertThat(ResourceNames.tagValue("v".repeat(300))).hasSize(256).isNotEqualTo(ResourceNames.tagValue("v".repeat(301)));
    }
}
