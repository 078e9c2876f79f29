package io.webplatform.operator.e2e;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.testing.Ec2Inventory;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.webplatform.operator.e2e.SecureBucketEndToEndTest.jsonpath;
import static io.webplatform.operator.testing.AwsReads.exists;

/**
 * What an object made in AWS, read from its status before it is deleted (ids, names, owner UID);
 * after the deletion, {@link #left} says what of it still exists ("kind id", kind one word), so a test
 * compares that with what the deletion policy keeps. A KMS key counts as left unless it is scheduled for deletion (AWS's
 * minimum waiting period is 7 days: ScheduleKeyDeletion is how a key is deleted).
 */
sealed interface Leftovers {

    List<String> left(AwsClients aws);

    static Leftovers of(String ns, String kind, String name) {
        return switch (kind) {
            case "SecureBucket" -> OfSecureBucket.read(ns, name);
            case "WebPlatform" -> OfWebPlatform.read(ns, name);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    record OfSecureBucket(String region, List<String> buckets, String keyArn, String trailArn, String roleArn, String logBucket,
                          String bucketArn) implements Leftovers {
        static OfSecureBucket read(String ns, String name) {
            String path = ".status.outputs.";
            List<String> buckets = new ArrayList<>();
            // The log bucket is the installation's shared trail's: judged with the trail, below.
            for (String output : List.of("bucketName", "backupBucketName")) {
                String bucket = jsonpath(ns, "securebucket", name, path + output);
                if (!bucket.isBlank()) {
                    buckets.add(bucket);
                }
            }
            return new OfSecureBucket(jsonpath(ns, "securebucket", name, path + "region"), buckets,
                    jsonpath(ns, "securebucket", name, path + "keyArn"), jsonpath(ns, "securebucket", name, path + "trailArn"),
                    jsonpath(ns, "securebucket", name, path + "replicationRoleArn"), jsonpath(ns, "securebucket", name, path + "logBucketName"),
                    jsonpath(ns, "securebucket", name, path + "bucketArn"));
        }

        @Override
        public List<String> left(AwsClients aws) {
            List<String> left = new ArrayList<>();
            var s3 = aws.s3(region);
            buckets.stream().filter(b -> exists(() -> s3.headBucket(r -> r.bucket(b)))).forEach(b -> left.add("bucket " + b));
            if (!keyArn.isBlank()) {
                KeyState state = aws.kms(region).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState();
                if (state != KeyState.PENDING_DELETION) {
                    left.add("key " + keyArn);
                }
            }
            // The trail is shared: what is this object's is its ARN in the selectors; the trail and its log bucket
            // are left only when nothing records into them any more (the last member deletes both, unless one kept logs).
            if (!trailArn.isBlank() && exists(() -> aws.cloudTrail(region).getTrail(r -> r.name(trailArn)))) {
                var selectors = aws.cloudTrail(region).getEventSelectors(r -> r.trailName(trailArn)).advancedEventSelectors();
                List<String> members = selectors.stream().flatMap(sel -> sel.fieldSelectors().stream())
                        .filter(f -> f.field().equals("resources.ARN")).flatMap(f -> f.startsWith().stream()).toList();
                if (members.contains(bucketArn + "/")) {
                    left.add("membership of " + bucketArn + " in trail " + trailArn);
                }
                if (members.isEmpty()) {
                    left.add("trail " + trailArn + " recording nothing");
                }
            } else if (!logBucket.isBlank() && exists(() -> s3.headBucket(r -> r.bucket(logBucket)))
                    && s3.getBucketTagging(r -> r.bucket(logBucket)).tagSet().stream().noneMatch(t -> t.key().equals("webplatform.io/retains-logs"))) {
                left.add("log bucket " + logBucket + " of a deleted trail");
            }
            if (!roleArn.isBlank()) {
                String role = roleArn.substring(roleArn.indexOf("role/") + 5);
                if (exists(() -> aws.iam(region).getRole(r -> r.roleName(role)))) {
                    left.add("role " + role);
                }
            }
            return left;
        }
    }

    record OfWebPlatform(String region, String ownerKey, String dbId, String loadBalancerDns, String topicArn, List<String> alarms)
            implements Leftovers {
        static OfWebPlatform read(String ns, String name) {
            String endpoint = jsonpath(ns, "webplatform", name, ".status.outputs.databaseEndpoint");
            String alarms = jsonpath(ns, "webplatform", name, ".status.alarms[*].name");
            return new OfWebPlatform(jsonpath(ns, "webplatform", name, ".status.outputs.region"),
                    jsonpath(ns, "webplatform", name, ".status.ownerKey"),
                    endpoint.isBlank() ? "" : endpoint.substring(0, endpoint.indexOf('.')),
                    jsonpath(ns, "webplatform", name, ".status.outputs.loadBalancerDnsName"),
                    jsonpath(ns, "webplatform", name, ".status.outputs.alarmTopicArn"),
                    alarms.isBlank() ? List.of() : Arrays.asList(alarms.split(" ")));
        }

        /** EC2 by the owner tag (the stack's key), then the database and its snapshots, load balancer, alarms and topic from the status. */
        @Override
        public List<String> left(AwsClients aws) {
            List<String> left = new ArrayList<>();
            Ec2Inventory.of(aws.ec2(region), ownerKey).forEach((type, count) -> left.add(type + " x" + count));
            if (!dbId.isBlank()) {
                var rds = aws.rds(region);
                if (exists(() -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(dbId)))) {
                    left.add("database " + dbId);
                }
                rds.describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots().stream()
                        .filter(s -> s.dbSnapshotIdentifier().startsWith(dbId + "-final-"))
                        .forEach(s -> left.add("snapshot " + s.dbSnapshotIdentifier()));
            }
            if (!loadBalancerDns.isBlank() && aws.elbv2(region).describeLoadBalancers().loadBalancers().stream()
                    .anyMatch(l -> l.dnsName().equals(loadBalancerDns))) {
                left.add("load-balancer " + loadBalancerDns);
            }
            if (!alarms.isEmpty()) {
                aws.cloudWatch(region).describeAlarms(r -> r.alarmNames(alarms)).metricAlarms().forEach(a -> left.add("alarm " + a.alarmName()));
            }
            if (!topicArn.isBlank() && exists(() -> aws.sns(region).getTopicAttributes(r -> r.topicArn(topicArn)))) {
                left.add("topic " + topicArn);
            }
            return left;
        }
    }
}
