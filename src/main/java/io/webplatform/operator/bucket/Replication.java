package io.webplatform.operator.bucket;

import java.util.Map;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.model.DeleteMarkerReplicationStatus;
import software.amazon.awssdk.services.s3.model.Destination;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;
import software.amazon.awssdk.services.s3.model.ReplicationRule;
import software.amazon.awssdk.services.s3.model.ReplicationRuleStatus;
import software.amazon.awssdk.services.s3.model.SseKmsEncryptedObjectsStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The replication rule on the data bucket: every new object version, encrypted with the key, to the
 * backup bucket. Delete markers are deliberately not replicated: deleting an object in the data bucket
 * must not hide it in its backup.
 */
public class Replication implements Component<BucketScope, Replication.Desired, ReplicationConfiguration> {
    public static final String NAME = "Replication";
    static final String RULE_ID = "webplatform-backup";

    /** The replication configuration the data bucket must carry (PutBucketReplication replaces it whole). */
    public record Desired(String bucket, ReplicationConfiguration configuration) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.replicationEnabled();
    }

    @Override
    public Desired desired(BucketScope scope) {
        return new Desired(scope.names().bucket(), configuration(scope));
    }

    /** CloudFormation keeps replication on the bucket: these properties join the data bucket's. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        ReplicationRule rule = desired.configuration().rules().get(0);
        Map<String, Object> destination = new java.util.LinkedHashMap<>();
        destination.put("Bucket", rule.destination().bucket());
        destination.put("EncryptionConfiguration", Map.of("ReplicaKmsKeyID", rule.destination().encryptionConfiguration().replicaKmsKeyID()));
        Map<String, Object> cfnRule = new java.util.LinkedHashMap<>();
        cfnRule.put("Id", rule.id());
        cfnRule.put("Priority", rule.priority());
        cfnRule.put("Status", rule.statusAsString());
        cfnRule.put("Filter", Map.of("Prefix", rule.filter().prefix()));
        cfnRule.put("DeleteMarkerReplication", Map.of("Status", rule.deleteMarkerReplication().statusAsString()));
        cfnRule.put("SourceSelectionCriteria", Map.of("SseKmsEncryptedObjects",
                Map.of("Status", rule.sourceSelectionCriteria().sseKmsEncryptedObjects().statusAsString())));
        cfnRule.put("Destination", destination);
        return List.of(CfnResource.of(CfnResource.logicalId(DataBucket.NAME), "AWS::S3::Bucket", Map.of("ReplicationConfiguration",
                Map.of("Role", desired.configuration().role(), "Rules", List.of(cfnRule)))));
    }

    @Override
    public Observed<ReplicationConfiguration> planned(BucketScope scope, Desired desired) {
        return Observed.ready(RULE_ID + " -> " + desired.configuration().rules().get(0).destination().bucket(), desired.configuration());
    }

    @Override
    public Observed<ReplicationConfiguration> observe(BucketScope scope) {
        try {
            ReplicationConfiguration config = scope.s3()
                    .getBucketReplication(r -> r.bucket(scope.names().bucket())).replicationConfiguration();
            return Observed.ready(RULE_ID + " -> " + scope.partition().bucketArn(scope.names().backupBucket()), config);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public List<Change> diff(ReplicationConfiguration actual, Desired desired) {
        return differences(actual, desired.configuration());
    }

    @Override
    public void create(BucketScope scope, Desired desired) {
        put(scope, desired);
    }

    /** The configuration is one document: whatever differs, it is put whole, once. */
    @Override
    public void apply(BucketScope scope, Observed<ReplicationConfiguration> current, Desired desired, List<Change> changes) {
        put(scope, desired);
    }

    @Override
    public boolean delete(BucketScope scope, Observed<ReplicationConfiguration> current) {
        scope.s3().deleteBucketReplication(r -> r.bucket(scope.names().bucket()));
        return true;
    }

    static ReplicationConfiguration configuration(BucketScope scope) {
        // A key of the backup bucket's region: S3 refuses a replica key of another region.
        String keyArn = scope.backupKeyArn();
        return ReplicationConfiguration.builder()
                .role(scope.idOf(ReplicationRole.NAME))
                .rules(ReplicationRule.builder()
                        .id(RULE_ID)
                        .priority(1)
                        .status(ReplicationRuleStatus.ENABLED)
                        .filter(f -> f.prefix(""))
                        .deleteMarkerReplication(d -> d.status(DeleteMarkerReplicationStatus.DISABLED))
                        .sourceSelectionCriteria(s -> s.sseKmsEncryptedObjects(k -> k.status(SseKmsEncryptedObjectsStatus.ENABLED)))
                        .destination(d -> d.bucket(scope.partition().bucketArn(scope.names().backupBucket()))
                                .encryptionConfiguration(e -> e.replicaKmsKeyID(keyArn)))
                        .build())
                .build();
    }

    /**
     * What differs in what matters, so defaults AWS fills in do not count as drift. SourceSelectionCriteria
     * is not compared: the emulator never echoes it, and comparing it would rewrite the rule on every
     * resync there; it is set on every put. A delete marker replication AWS leaves unset is off.
     */
    static List<Change> differences(ReplicationConfiguration actual, ReplicationConfiguration desired) {
        List<Change> changes = new ArrayList<>();
        if (!Objects.equals(actual.role(), desired.role())) {
            changes.add(Change.of("role", actual.role(), desired.role()));
        }
        if (actual.rules().size() != 1) {
            changes.add(Change.described("rules", actual.rules().size() + " rules", "1 rule " + RULE_ID,
                    "rules " + actual.rules().size() + " -> 1 (" + RULE_ID + ")"));
            return changes;
        }
        ReplicationRule a = actual.rules().get(0);
        ReplicationRule d = desired.rules().get(0);
        if (!Objects.equals(a.id(), d.id())) {
            changes.add(Change.of("rule id", a.id(), d.id()));
        }
        if (a.status() != d.status()) {
            changes.add(Change.of("rule status", a.statusAsString(), d.statusAsString()));
        }
        Destination ad = a.destination();
        String actualBucket = ad == null ? null : ad.bucket();
        if (!Objects.equals(actualBucket, d.destination().bucket())) {
            changes.add(Change.of("destination", actualBucket == null ? Change.ABSENT : actualBucket, d.destination().bucket()));
        }
        String actualKey = ad == null || ad.encryptionConfiguration() == null ? null : ad.encryptionConfiguration().replicaKmsKeyID();
        String desiredKey = d.destination().encryptionConfiguration().replicaKmsKeyID();
        if (actualKey == null || !actualKey.equals(desiredKey)) {
            changes.add(Change.of("replica key", actualKey == null ? Change.ABSENT : actualKey, desiredKey));
        }
        if (a.deleteMarkerReplication() != null && a.deleteMarkerReplication().status() != DeleteMarkerReplicationStatus.DISABLED) {
            changes.add(Change.of("delete marker replication", a.deleteMarkerReplication().statusAsString(),
                    DeleteMarkerReplicationStatus.DISABLED));
        }
        return changes;
    }

    /** True when the configuration in AWS replicates as wanted (see {@link #differences}). */
    static boolean matches(ReplicationConfiguration actual, ReplicationConfiguration desired) {
        return actual != null && differences(actual, desired).isEmpty();
    }

    /** A new IAM role takes a while to be usable by S3: progress within its propagation window, Stalled after. */
    private static void put(BucketScope scope, Desired desired) {
        Role role = ReplicationRole.of(scope).role();
        Propagation.REPLICATION_ROLE.run("IAM role " + role.roleName(), role.createDate(), scope.clock(),
                () -> scope.s3().putBucketReplication(r -> r.bucket(desired.bucket()).replicationConfiguration(desired.configuration())));
    }
}
