package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.model.DeleteMarkerReplicationStatus;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;
import software.amazon.awssdk.services.s3.model.ReplicationRule;
import software.amazon.awssdk.services.s3.model.ReplicationRuleStatus;
import software.amazon.awssdk.services.s3.model.SseKmsEncryptedObjectsStatus;

import java.util.List;
import java.util.Objects;

/**
 * The replication rule on the data bucket: every new object version, encrypted with the key, to the
 * backup bucket. Delete markers are deliberately not replicated: deleting an object in the data bucket
 * must not hide it in its backup.
 */
public class Replication extends RepairingComponent<BucketScope> {
    public static final String NAME = "Replication";
    static final String RULE_ID = "webplatform-backup";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public boolean wanted(BucketScope scope) {
        return scope.replicationEnabled();
    }

    @Override
    public Observed<Object> observe(BucketScope scope) {
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
    public void create(BucketScope scope) {
        put(scope);
    }

    @Override
    public List<String> repair(BucketScope scope, Observed<Object> current) {
        ReplicationConfiguration actual = current.detail(ReplicationConfiguration.class);
        if (matches(actual, configuration(scope))) {
            return List.of();
        }
        put(scope);
        return List.of("replication rule restored");
    }

    @Override
    public boolean delete(BucketScope scope, Observed<Object> current) {
        scope.s3().deleteBucketReplication(r -> r.bucket(scope.names().bucket()));
        return true;
    }

    static ReplicationConfiguration configuration(BucketScope scope) {
        String keyArn = scope.keyArn();
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
     * Compares what matters, so defaults AWS fills in do not count as drift. SourceSelectionCriteria
     * is not compared: the emulator never echoes it, and comparing it would rewrite the rule on every
     * resync there; it is set on every put.
     */
    static boolean matches(ReplicationConfiguration actual, ReplicationConfiguration desired) {
        if (actual == null || !Objects.equals(actual.role(), desired.role()) || actual.rules().size() != 1) {
            return false;
        }
        ReplicationRule a = actual.rules().get(0);
        ReplicationRule d = desired.rules().get(0);
        return Objects.equals(a.id(), d.id())
                && a.status() == d.status()
                && a.destination() != null
                && Objects.equals(a.destination().bucket(), d.destination().bucket())
                && a.destination().encryptionConfiguration() != null
                && Objects.equals(a.destination().encryptionConfiguration().replicaKmsKeyID(),
                        d.destination().encryptionConfiguration().replicaKmsKeyID())
                && (a.deleteMarkerReplication() == null
                    || a.deleteMarkerReplication().status() == DeleteMarkerReplicationStatus.DISABLED);
    }

    /** A new IAM role takes a while to be usable by S3: progress within its propagation window, Stalled after. */
    private static void put(BucketScope scope) {
        Role role = scope.observed(ReplicationRole.NAME).detail(ReplicationRole.State.class).role;
        Propagation.REPLICATION_ROLE.run("IAM role " + role.roleName(), role.createDate(), scope.clock(),
                () -> scope.s3().putBucketReplication(r -> r.bucket(scope.names().bucket()).replicationConfiguration(configuration(scope))));
    }
}
