package io.webplatform.operator.testing;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.platform.TagSweep;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TagDescription;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What exists in AWS (the emulator's region) for the custom resources of one namespace (or of given owner keys),
 * whichever cluster made them, read straight from each service's list and describe APIs. A resource is counted when it
 * carries the operator's managed-by tag and a tag value naming the namespace (the owner tag
 * Kind/namespace/name), and still exists (EC2 and KMS keep deleted resources visible for a while: a key
 * pending deletion is gone). Parts without tags of their own are counted with their parent: listeners,
 * KMS aliases, SNS subscriptions. One entry per resource, "service:type id", so two inventories are
 * equal only when they hold the very same resources; nothing depends on a Kubernetes UID.
 */
public final class AwsStackInventory {
    private AwsStackInventory() {
    }

    public static SortedSet<String> of(AwsClients aws, String namespace) {
        return matching(aws, tags -> ours(tags, namespace));
    }

    /**
     * What carries one of these owner keys ({@link Ownership#OWNER_UID}): the stacks of given objects, and what an
     * installation shares in a region (its trail and the trail's bucket), whichever namespace made them.
     */
    public static SortedSet<String> ofOwnerKeys(AwsClients aws, Set<String> ownerKeys) {
        return matching(aws, tags -> tags != null && Ownership.MANAGED_BY_VALUE.equals(tags.get(Ownership.MANAGED_BY))
                && ownerKeys.contains(tags.get(Ownership.OWNER_UID)));
    }

    private static SortedSet<String> matching(AwsClients aws, Predicate<Map<String, String>> owned) {
        String region = Emulator.REGION;
        SortedSet<String> out = new TreeSet<>();
        ec2(aws.ec2(region), owned, out);

        var s3 = aws.s3(region);
        s3.listBuckets().buckets().forEach(b -> {
            if (owned.test(orNone(() -> s3.getBucketTagging(r -> r.bucket(b.name())).tagSet().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x))))) {
                out.add("s3:bucket " + b.name());
            }
        });

        var kms = aws.kms(region);
        Set<String> keys = new TreeSet<>();
        kms.listKeysPaginator(r -> r.limit(100)).keys().forEach(k -> {
            Map<String, String> tags = kms.listResourceTags(r -> r.keyId(k.keyId())).tags().stream()
                    .collect(Collectors.toMap(t -> t.tagKey(), t -> t.tagValue(), (x, y) -> x));
            if (owned.test(tags) && kms.describeKey(r -> r.keyId(k.keyId())).keyMetadata().keyState() != KeyState.PENDING_DELETION) {
                keys.add(k.keyId());
                out.add("kms:key " + k.keyId());
            }
        });
        kms.listAliasesPaginator(r -> r.limit(100)).aliases().forEach(a -> {
            if (a.targetKeyId() != null && keys.contains(a.targetKeyId())) {
                out.add("kms:alias " + a.aliasName() + " -> " + a.targetKeyId());
            }
        });

        // GetRole and GetInstanceProfile carry the tags (AWS IAM API reference, Role and InstanceProfile data types);
        // ListRoles and ListInstanceProfiles do not, and moto answers ListInstanceProfileTags with a server error.
        var iam = aws.iam(region);
        iam.listRolesPaginator().roles().forEach(role -> {
            if (owned.test(orNone(() -> iam.getRole(r -> r.roleName(role.roleName())).role().tags().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x))))) {
                out.add("iam:role " + role.roleName());
            }
        });
        iam.listInstanceProfilesPaginator().instanceProfiles().forEach(p -> {
            if (owned.test(orNone(() -> iam.getInstanceProfile(r -> r.instanceProfileName(p.instanceProfileName())).instanceProfile().tags().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x))))) {
                out.add("iam:instance-profile " + p.instanceProfileName());
            }
        });

        var trails = aws.cloudTrail(region);
        trails.describeTrails(r -> r.includeShadowTrails(false)).trailList().forEach(t -> {
            Map<String, String> tags = new HashMap<>();
            trails.listTags(r -> r.resourceIdList(t.trailARN())).resourceTagList()
                    .forEach(rt -> rt.tagsList().forEach(tag -> tags.put(tag.key(), tag.value())));
            if (owned.test(tags)) {
                out.add("cloudtrail:trail " + t.name());
            }
        });

        var elb = aws.elbv2(region);
        Map<String, Map<String, String>> elbTags = new HashMap<>();
        List<String> lbs = elb.describeLoadBalancersPaginator().loadBalancers().stream().map(l -> l.loadBalancerArn()).toList();
        List<String> tgs = elb.describeTargetGroupsPaginator(r -> { }).targetGroups().stream().map(t -> t.targetGroupArn()).toList();
        List<String> elbArns = new ArrayList<>(lbs);
        elbArns.addAll(tgs);
        for (int i = 0; i < elbArns.size(); i += 20) {
            List<String> chunk = elbArns.subList(i, Math.min(i + 20, elbArns.size()));
            elb.describeTags(r -> r.resourceArns(chunk)).tagDescriptions().forEach(d ->
                    elbTags.put(d.resourceArn(), d.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x))));
        }
        for (String lb : lbs) {
            if (owned.test(elbTags.get(lb))) {
                out.add("elbv2:load-balancer " + lb);
                elb.describeListeners(r -> r.loadBalancerArn(lb)).listeners().forEach(l -> out.add("elbv2:listener " + l.listenerArn()));
            }
        }
        for (String tg : tgs) {
            if (owned.test(elbTags.get(tg))) {
                out.add("elbv2:target-group " + tg);
            }
        }

        var rds = aws.rds(region);
        rds.describeDBInstancesPaginator().dbInstances().forEach(db -> {
            if (owned.test(db.tagList().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x)))) {
                out.add("rds:db-instance " + db.dbInstanceIdentifier());
            }
        });
        rds.describeDBSubnetGroupsPaginator().dbSubnetGroups().forEach(g -> {
            if (owned.test(rds.listTagsForResource(r -> r.resourceName(g.dbSubnetGroupArn())).tagList().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x)))) {
                out.add("rds:subnet-group " + g.dbSubnetGroupName());
            }
        });
        rds.describeDBSnapshotsPaginator(r -> r.snapshotType("manual")).dbSnapshots().forEach(s -> {
            if (owned.test(rds.listTagsForResource(r -> r.resourceName(s.dbSnapshotArn())).tagList().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x)))) {
                out.add("rds:snapshot " + s.dbSnapshotIdentifier());
            }
        });

        var sns = aws.sns(region);
        sns.listTopicsPaginator().topics().forEach(t -> {
            if (owned.test(sns.listTagsForResource(r -> r.resourceArn(t.topicArn())).tags().stream()
                    .collect(Collectors.toMap(x -> x.key(), x -> x.value(), (x, y) -> x)))) {
                out.add("sns:topic " + t.topicArn());
                sns.listSubscriptionsByTopic(r -> r.topicArn(t.topicArn())).subscriptions()
                        .forEach(s -> out.add("sns:subscription " + s.protocol() + ":" + s.endpoint() + " " + s.subscriptionArn()));
            }
        });

        var cloudWatch = aws.cloudWatch(region);
        cloudWatch.describeAlarmsPaginator(r -> { }).metricAlarms().forEach(a -> {
            if (owned.test(cloudWatch.listTagsForResource(r -> r.resourceARN(a.alarmArn())).tags().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (x, y) -> x)))) {
                out.add("cloudwatch:alarm " + a.alarmName());
            }
        });
        return out;
    }

    /** Entries of one kind, e.g. "s3:bucket". */
    public static SortedSet<String> ofType(SortedSet<String> inventory, String type) {
        return inventory.stream().filter(e -> e.startsWith(type + " ")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Counts by "service:type", for a report. */
    public static Map<String, Long> counts(SortedSet<String> inventory) {
        return inventory.stream().collect(Collectors.groupingBy(e -> e.substring(0, e.indexOf(' ')), java.util.TreeMap::new,
                Collectors.counting()));
    }

    private static void ec2(Ec2Client ec2, Predicate<Map<String, String>> owned, SortedSet<String> out) {
        Map<String, TagDescription> managed = new HashMap<>();
        ec2.describeTagsPaginator(r -> r.filters(f -> f.name("key").values(Ownership.MANAGED_BY),
                        f -> f.name("value").values(Ownership.MANAGED_BY_VALUE))).tags()
                .forEach(t -> managed.put(t.resourceId(), t));
        List<String> ids = new ArrayList<>(managed.keySet());
        Map<String, Map<String, String>> tags = new HashMap<>();
        for (int i = 0; i < ids.size(); i += 200) {
            List<String> chunk = ids.subList(i, Math.min(i + 200, ids.size()));
            ec2.describeTagsPaginator(r -> r.filters(f -> f.name("resource-id").values(chunk))).tags()
                    .forEach(t -> tags.computeIfAbsent(t.resourceId(), k -> new HashMap<>()).put(t.key(), t.value()));
        }
        managed.forEach((id, t) -> {
            String type = TagSweep.resourceType(t);
            if (owned.test(tags.get(id)) && Ec2Inventory.exists(ec2, type, id)) {
                out.add("ec2:" + type + " " + id);
            }
        });
    }

    private static boolean ours(Map<String, String> tags, String namespace) {
        return tags != null && Ownership.MANAGED_BY_VALUE.equals(tags.get(Ownership.MANAGED_BY))
                && tags.values().stream().anyMatch(v -> v != null && v.contains("/" + namespace + "/"));
    }

    /** A read whose "not found" (a resource without tags, or gone meanwhile) means no tags. */
    private static Map<String, String> orNone(Supplier<Map<String, String>> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            String code = AwsErrors.errorCode(e);
            if (AwsErrors.isNotFound(e) || (code != null && code.startsWith("NoSuch"))) {
                return Map.of();
            }
            throw e;
        }
    }
}
