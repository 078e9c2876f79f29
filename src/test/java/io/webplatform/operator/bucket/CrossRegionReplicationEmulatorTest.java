package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.CrashAfterMutation;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.SimulatedCrash;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.model.ReplicationConfiguration;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cross-Region Replication (spec.replication.region), against the emulator, with AWS's rules the emulator does not
 * enforce checked on what was built: the replica key is a key of the backup bucket's region (a KMS key serves its own
 * region only, and S3 encrypts replicas with a key of the destination's), every bucket logs into an access-log bucket of
 * its own region (S3 delivers server access logs within a Region only), and the replication role uses each key only
 * through S3 of that key's region. A resync only reads; a drifted backup is repaired in its region; Delete removes the
 * backup bucket, its key and the region's access-log bucket with its last member.
 */
class CrossRegionReplicationEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "us-east-2";
    private static final String BACKUP_REGION = "eu-central-1";
    private static final CrashAfterMutation CRASH = new CrashAfterMutation();
    private static AwsClients aws;
    private final String installation = "crr" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(CRASH);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private static SecureBucket resource(String backupRegion) {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = REGION;
        spec.replication.region = backupRegion;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.emptyOnDelete = true;
        return TestResources.secureBucket("crr" + System.nanoTime() % 100000, spec);
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation);
    }

    private WalkResult converge(BucketScope scope) {
        WalkResult result = null;
        for (int pass = 0; pass < 6 && (result == null || !result.allReady()); pass++) {
            result = graph.reconcile(scope, new RecordedEvents());
        }
        return result;
    }

    /** Where S3 says a bucket is: GetBucketLocation answers an empty constraint for us-east-1. */
    private static String location(String bucket) {
        String constraint = aws.s3(REGION).getBucketLocation(r -> r.bucket(bucket)).locationConstraintAsString();
        return constraint == null || constraint.isEmpty() ? "us-east-1" : constraint;
    }

    private static String regionOfKey(String keyArn) {
        return keyArn.split(":")[3];
    }

    @Test
    void theBackupLivesInItsRegionWithAKeyAndAnAccessLogBucketOfThatRegion() {
        SecureBucket sb = resource(BACKUP_REGION);
        BucketScope scope = scope(sb);
        WalkResult first = converge(scope);
        assertThat(first.allReady()).as(first.waitingSummary()).isTrue();
        String data = scope.names().bucket();
        String backup = scope.names().backupBucket();

        assertThat(location(data)).isEqualTo(REGION);
        assertThat(location(backup)).isEqualTo(BACKUP_REGION);

        // The replica key: the operator's own key in the backup region, rotating, encrypting the backup bucket.
        String backupKey = scope.idOf(BackupKey.NAME);
        assertThat(regionOfKey(backupKey)).isEqualTo(BACKUP_REGION);
        var keyMetadata = aws.kms(BACKUP_REGION).describeKey(r -> r.keyId(scope.names().backupKeyAlias())).keyMetadata();
        assertThat(keyMetadata.arn()).isEqualTo(backupKey);
        assertThat(aws.kms(BACKUP_REGION).getKeyRotationStatus(r -> r.keyId(backupKey)).keyRotationEnabled()).isTrue();
        var backupEncryption = aws.s3(BACKUP_REGION).getBucketEncryption(r -> r.bucket(backup)).serverSideEncryptionConfiguration()
                .rules().get(0).applyServerSideEncryptionByDefault();
        assertThat(backupEncryption.kmsMasterKeyID()).isEqualTo(backupKey);
        assertThat(regionOfKey(aws.s3(REGION).getBucketEncryption(r -> r.bucket(data)).serverSideEncryptionConfiguration()
                .rules().get(0).applyServerSideEncryptionByDefault().kmsMasterKeyID())).isEqualTo(REGION);

        // AWS's rule: the replica key is of the destination bucket's region.
        ReplicationConfiguration replication = aws.s3(REGION).getBucketReplication(r -> r.bucket(data)).replicationConfiguration();
        String replicaKey = replication.rules().get(0).destination().encryptionConfiguration().replicaKmsKeyID();
        assertThat(replicaKey).isEqualTo(backupKey);
        assertThat(regionOfKey(replicaKey)).isEqualTo(location(backup));

        // The role uses each key through S3 of the key's own region only.
        String role = scope.names().replicationRole();
        JsonNode permissions = PolicyDocuments.parse(aws.iam(REGION).getRolePolicy(r -> r.roleName(role).policyName(ReplicationRole.POLICY_NAME))
                .policyDocument());
        for (JsonNode statement : permissions.get("Statement")) {
            if (statement.get("Resource").asText().contains(":kms:")) {
                String keyRegion = regionOfKey(statement.get("Resource").asText());
                assertThat(statement.at("/Condition/StringEquals/kms:ViaService").asText()).as(statement.get("Sid").asText())
                        .isEqualTo("s3." + keyRegion + ".amazonaws.com");
            }
        }

        // AWS's rule: access logs are delivered within a region. Every bucket logs into a bucket of its own region.
        for (String bucket : List.of(data, backup, scope.trailDestination().logBucket())) {
            String region = location(bucket);
            var logging = aws.s3(region).getBucketLogging(r -> r.bucket(bucket)).loggingEnabled();
            assertThat(logging).as("logging of " + bucket).isNotNull();
            assertThat(location(logging.targetBucket())).as("the access-log bucket of " + bucket).isEqualTo(region);
        }
        String backupLogs = scope.accessLogBucket(BACKUP_REGION);
        assertThat(BucketPolicies.accessLogSources(AccessLogBucket.currentPolicy(scope, BACKUP_REGION)))
                .containsExactly("arn:aws:s3:::" + backup);
        assertThat(BucketPolicies.accessLogSources(AccessLogBucket.currentPolicy(scope, REGION))).doesNotContain("arn:aws:s3:::" + backup);
        assertThat(aws.s3(BACKUP_REGION).getBucketLifecycleConfiguration(r -> r.bucket(backupLogs)).rules())
                .extracting(software.amazon.awssdk.services.s3.model.LifecycleRule::id).containsExactly(AccessLogLifecycle.RULE_ID);
        assertThat(aws.s3(BACKUP_REGION).getBucketLifecycleConfiguration(r -> r.bucket(backup)).rules())
                .extracting(software.amazon.awssdk.services.s3.model.LifecycleRule::id).containsExactly(BucketLifecycle.RULE_ID);

        List<Finding> findings = BucketFindings.evaluate(scope);
        assertThat(findings).noneMatch(Finding::faulty);
        assertThat(findings).filteredOn(f -> f.getId().equals("S3.7")).singleElement()
                .satisfies(f -> assertThat(f.failed()).as(f.getMessage()).isFalse());
        assertThat(findings).filteredOn(f -> f.getId().equals("S3.9")).hasSize(2).noneMatch(Finding::failed);

        // A resync reads only.
        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult resync;
        try {
            resync = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(resync.allReady()).as(resync.waitingSummary()).isTrue();
        assertThat(calls).as("a resync writes nothing").allMatch(ApiCallMetrics::isReadOnly);
        System.out.printf("[measure] cross-region SecureBucket resync: %d read calls, 0 writes%n", calls.size());

        // Drift on the backup, in its region: the default encryption taken away is put back with the backup key.
        aws.s3(BACKUP_REGION).deleteBucketEncryption(r -> r.bucket(backup));
        WalkResult repaired = graph.reconcile(scope(sb), new RecordedEvents());
        assertThat(repaired.allReady()).as(repaired.waitingSummary()).isTrue();
        assertThat(aws.s3(BACKUP_REGION).getBucketEncryption(r -> r.bucket(backup)).serverSideEncryptionConfiguration()
                .rules().get(0).applyServerSideEncryptionByDefault().kmsMasterKeyID()).isEqualTo(backupKey);

        // Delete: the backup bucket, its key (scheduled) and, with its last member gone, the backup region's access-log bucket.
        WalkResult deleted = null;
        for (int pass = 0; pass < 6 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
        List<String> buckets = aws.s3(REGION).listBuckets().buckets().stream().map(b -> b.name()).toList();
        assertThat(buckets).doesNotContain(data, backup, backupLogs);
        assertThat(aws.kms(BACKUP_REGION).describeKey(r -> r.keyId(backupKey)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_DELETION);
    }

    /**
     * Kills the pass after each mutating call made in the backup's region in turn (its key, its bucket, its access-log
     * bucket and their settings); the next pass adopts what the crash left, never makes a second, and Delete ends it all.
     * The other calls are the same-region SecureBucket's, whose crash points SecureBucketEmulatorTest covers.
     */
    @Test
    void everyCrashPointInTheBackupRegionConvergesToOneOfEachAndDeletesCleanly() {
        SecureBucket probe = resource(BACKUP_REGION);
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult probed = converge(scope(probe));
        List<String> mutations = CRASH.mutations();
        List<String> regions = CRASH.regions();
        CRASH.disarm();
        assertThat(probed.allReady()).as(probed.waitingSummary()).isTrue();
        deleteFully(probe);
        List<Integer> inBackupRegion = new java.util.ArrayList<>();
        for (int n = 1; n <= mutations.size(); n++) {
            if (BACKUP_REGION.equals(regions.get(n - 1))) {
                inBackupRegion.add(n);
            }
        }
        assertThat(inBackupRegion.stream().map(n -> mutations.get(n - 1)).toList())
                .contains("Kms:CreateKey", "Kms:CreateAlias", "S3:CreateBucket", "S3:PutBucketPolicy", "S3:PutBucketLogging");

        List<String> covered = new java.util.ArrayList<>();
        for (int n : inBackupRegion) {
            SecureBucket sb = resource(BACKUP_REGION);
            CRASH.arm(n);
            assertThatThrownBy(() -> converge(scope(sb))).isInstanceOf(SimulatedCrash.class);
            CRASH.disarm();
            BucketScope scope = scope(sb);
            WalkResult result = converge(scope);
            String at = mutations.get(n - 1);
            assertThat(result.allReady()).as("after a crash following %s: %s", at, result.waitingSummary()).isTrue();
            assertThat(aws.kms(BACKUP_REGION).listAliases().aliases()).as("one backup key alias after a crash at %s", at)
                    .filteredOn(a -> a.aliasName().equals(scope.names().backupKeyAlias())).hasSize(1);
            assertThat(liveBackupKeys(scope)).as("live backup keys after a crash at %s", at).hasSize(1);
            assertThat(location(scope.names().backupBucket())).isEqualTo(BACKUP_REGION);

            assertThat(deleteFully(sb).allGone()).isTrue();
            assertThat(liveBackupKeys(scope)).as("backup keys left after a crash at %s", at).isEmpty();
            List<String> buckets = aws.s3(REGION).listBuckets().buckets().stream().map(b -> b.name()).toList();
            assertThat(buckets).as("after a crash at %s", at)
                    .doesNotContain(scope.names().bucket(), scope.names().backupBucket(), scope.accessLogBucket(BACKUP_REGION));
            covered.add(at);
        }
        System.out.printf("[measure] cross-region crash points covered: %d of %d mutating calls (%s)%n", covered.size(), mutations.size(),
                String.join(", ", covered));
    }

    /** The backup region's keys this SecureBucket owns that are not pending deletion (found by their ownership tag). */
    private static List<String> liveBackupKeys(BucketScope scope) {
        List<String> live = new java.util.ArrayList<>();
        for (var key : aws.kms(BACKUP_REGION).listKeys().keys()) {
            var metadata = aws.kms(BACKUP_REGION).describeKey(r -> r.keyId(key.keyId())).keyMetadata();
            if (metadata.keyState() == KeyState.PENDING_DELETION) {
                continue;
            }
            boolean ours = aws.kms(BACKUP_REGION).listResourceTags(r -> r.keyId(key.keyId())).tags().stream()
                    .anyMatch(t -> t.tagKey().equals(io.webplatform.operator.aws.Ownership.OWNER_UID) && t.tagValue().equals(scope.ownerKey()));
            if (ours) {
                live.add(metadata.arn());
            }
        }
        return live;
    }

    private WalkResult deleteFully(SecureBucket sb) {
        WalkResult deleted = null;
        for (int pass = 0; pass < 6 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        return deleted;
    }

    /** Within the region: no key or access-log bucket elsewhere, and the status says S3.7 is the spec's choice. */
    @Test
    void aSameRegionBackupSharesTheKeyAndSaysCrossRegionIsOptedOut() {
        SecureBucket sb = resource(null);
        BucketScope scope = scope(sb);
        WalkResult first = converge(scope);
        assertThat(first.allReady()).as(first.waitingSummary()).isTrue();
        assertThat(scope.observed(BackupKey.NAME)).isNull();
        assertThat(scope.observed(BackupAccessLogBucket.NAME)).isNull();
        assertThat(location(scope.names().backupBucket())).isEqualTo(REGION);
        assertThat(BucketFindings.evaluate(scope)).filteredOn(f -> f.getId().equals("S3.7")).singleElement().satisfies(f -> {
            assertThat(f.failed()).isTrue();
            assertThat(f.getOptedOutBy()).isEqualTo("spec.replication.region: the bucket's own (" + REGION + ")");
        });
        WalkResult deleted = null;
        for (int pass = 0; pass < 6 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
    }

    /** S3 replicates within a partition: a backup region of GovCloud for a bucket of the aws partition costs no write. */
    @Test
    void aBackupRegionInAnotherPartitionStallsBeforeAnyWrite() {
        SecureBucket sb = resource("us-gov-west-1");
        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult result;
        try {
            result = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(result.stalledReason()).isEqualTo("InvalidSpec");
        assertThat(result.stalledMessage()).contains("S3 replicates within a partition only");
        assertThat(calls).as("nothing made").allMatch(ApiCallMetrics::isReadOnly);
    }
}
