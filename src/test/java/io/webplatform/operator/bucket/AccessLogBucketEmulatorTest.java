package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
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
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The installation's access-log bucket against the emulator: AWS's rules for a server-access-log destination that the
 * emulator does not enforce (moto 5.2.1 checks at PutBucketLogging only that the target exists in the same region and
 * that some statement names the logging principal with PutObject), its membership, and its end. Each test has an
 * installation of its own, so its access-log bucket is its own.
 * Rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html.
 */
class AccessLogBucketEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "eu-central-2";
    private static final CrashAfterMutation CRASH = new CrashAfterMutation();
    private static AwsClients aws;
    private final String installation = "al" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();
    private int retentionDays = BucketScope.DEFAULT_ACCESS_LOG_RETENTION_DAYS;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(CRASH);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private SecureBucket resource(DeletionPolicy policy, boolean replication) {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = REGION;
        spec.deletionPolicy = policy;
        spec.emptyOnDelete = policy == DeletionPolicy.Delete;
        if (!replication) {
            spec.replication = null;
        }
        return TestResources.secureBucket("al" + System.nanoTime() % 100000, spec);
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation, retentionDays);
    }

    private WalkResult converge(SecureBucket sb) {
        WalkResult result = null;
        for (int pass = 0; pass < 5; pass++) {
            result = graph.reconcile(scope(sb), new RecordedEvents());
            if (result.allReady() || result.stalled()) {
                return result;
            }
        }
        return result;
    }

    private WalkResult deleteFully(SecureBucket sb) {
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult result = null;
        for (int pass = 0; pass < 5; pass++) {
            result = graph.delete(scope(sb), new RecordedEvents());
            if (result.allGone() || result.stalled()) {
                return result;
            }
        }
        return result;
    }

    private static boolean exists(String bucket) {
        return aws.s3(REGION).listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
    }

    private List<String> admitted(BucketScope scope) {
        return BucketPolicies.accessLogSources(AccessLogBucket.currentPolicy(scope));
    }

    @Test
    void theDestinationFollowsAwsRulesTheEmulatorDoesNotEnforce() {
        retentionDays = 30;
        SecureBucket sb = resource(DeletionPolicy.Delete, true);
        WalkResult walk = converge(sb);
        assertThat(walk.allReady()).as(walk.waitingSummary()).isTrue();
        BucketScope scope = scope(sb);
        var s3 = aws.s3(REGION);
        String target = scope.accessLogBucket();
        List<String> sources = List.of(scope.names().bucket(), scope.names().backupBucket(), scope.trailDestination().logBucket());

        // Default encryption SSE-S3 only: "Default server-side encryption with AWS KMS keys (SSE-KMS) is not supported."
        var sse = s3.getBucketEncryption(r -> r.bucket(target)).serverSideEncryptionConfiguration().rules().get(0);
        assertThat(sse.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(sse.applyServerSideEncryptionByDefault().kmsMasterKeyID()).isNull();
        // No Object Lock (no default retention): none is configured.
        assertThatThrownBy(() -> s3.getObjectLockConfiguration(r -> r.bucket(target))).isInstanceOfSatisfying(S3Exception.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ObjectLockConfigurationNotFoundError"));
        // Same Region as every source; never a source itself; never logging itself.
        assertThat(s3.getBucketLocation(r -> r.bucket(target)).locationConstraintAsString()).isEqualTo(REGION);
        assertThat(sources).doesNotContain(target);
        assertThat(s3.getBucketLogging(r -> r.bucket(target)).loggingEnabled()).isNull();
        for (String source : sources) {
            assertThat(s3.getBucketLocation(r -> r.bucket(source)).locationConstraintAsString()).isEqualTo(REGION);
            var logging = s3.getBucketLogging(r -> r.bucket(source)).loggingEnabled();
            assertThat(logging.targetBucket()).isEqualTo(target);
            assertThat(logging.targetPrefix()).isEqualTo(source + "/");
            // Bucket owner enforced on the destination: no target grants.
            assertThat(logging.targetGrants()).isEmpty();
        }
        assertThat(s3.getBucketOwnershipControls(r -> r.bucket(target)).ownershipControls().rules().get(0).objectOwnershipAsString())
                .isEqualTo("BucketOwnerEnforced");

        // The policy: the logging principal may PutObject, for this account's listed sources only.
        JsonNode policy = PolicyDocuments.parse(s3.getBucketPolicy(r -> r.bucket(target)).policy());
        JsonNode delivery = null;
        for (JsonNode statement : policy.get("Statement")) {
            if (BucketPolicies.ACCESS_LOG_DELIVERY.equals(statement.path("Sid").asText())) {
                delivery = statement;
            } else {
                // Every other statement is the TLS deny: it matches only requests without TLS, which log delivery never makes,
                // and holds no encryption-header condition that would catch S3's writes.
                assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
                assertThat(statement.path("Condition").fieldNames()).toIterable().containsExactly("Bool");
                assertThat(statement.path("Condition").path("Bool").fieldNames()).toIterable().containsExactly("aws:SecureTransport");
                assertThat(statement.path("Condition").path("Bool").path("aws:SecureTransport").asText()).isEqualTo("false");
            }
        }
        assertThat(delivery).isNotNull();
        assertThat(delivery.path("Effect").asText()).isEqualTo("Allow");
        assertThat(delivery.path("Principal").path("Service").asText()).isEqualTo("logging.s3.amazonaws.com");
        assertThat(delivery.path("Action").asText()).isEqualTo("s3:PutObject");
        assertThat(delivery.path("Resource").asText()).isEqualTo("arn:aws:s3:::" + target + "/*");
        assertThat(delivery.path("Condition").path("StringEquals").path("aws:SourceAccount").asText()).isEqualTo(ACCOUNT);
        assertThat(BucketPolicies.accessLogSources(policy.toString()))
                .containsExactlyInAnyOrderElementsOf(sources.stream().map(b -> "arn:aws:s3:::" + b).toList());

        // Logs expire after the retention asked, their noncurrent versions a day later, incomplete uploads are aborted.
        var rules = s3.getBucketLifecycleConfiguration(r -> r.bucket(target)).rules();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).expiration().days()).isEqualTo(30);
        assertThat(rules.get(0).noncurrentVersionExpiration().noncurrentDays()).isEqualTo(1);
        assertThat(rules.get(0).abortIncompleteMultipartUpload().daysAfterInitiation()).isEqualTo(1);

        // The next pass writes nothing.
        assertThat(graph.reconcile(scope(sb), new RecordedEvents()).repairs()).isEmpty();
        assertThat(deleteFully(sb).allGone()).isTrue();
        assertThat(exists(target)).isFalse();
    }

    @Test
    void membersComeAndGoAndTheLastEndsTheBucket() {
        SecureBucket first = resource(DeletionPolicy.Delete, true);
        SecureBucket second = resource(DeletionPolicy.Delete, false);
        assertThat(converge(first).allReady()).isTrue();
        assertThat(converge(second).allReady()).isTrue();
        BucketScope a = scope(first);
        BucketScope b = scope(second);
        String trailBucketArn = a.partition().bucketArn(a.trailDestination().logBucket());
        assertThat(admitted(a)).containsExactlyInAnyOrder(a.partition().bucketArn(a.names().bucket()),
                a.partition().bucketArn(a.names().backupBucket()), trailBucketArn, b.partition().bucketArn(b.names().bucket()));

        // A policy statement changed by hand is put back with every member.
        aws.s3(REGION).putBucketPolicy(r -> r.bucket(a.accessLogBucket())
                .policy(PolicyDocuments.toJson(BucketPolicies.tlsOnly(a.partition(), a.accessLogBucket()))));
        WalkResult repaired = graph.reconcile(scope(first), new RecordedEvents());
        assertThat(repaired.allReady()).isTrue();
        assertThat(admitted(a)).contains(a.partition().bucketArn(a.names().bucket()));
        assertThat(converge(second).allReady()).isTrue();
        assertThat(admitted(a)).contains(b.partition().bucketArn(b.names().bucket()));

        WalkResult firstGone = deleteFully(first);
        assertThat(firstGone.allGone()).isTrue();
        assertThat(firstGone.component(AccessLogBucket.NAME).getMessage()).startsWith("shared: ");
        assertThat(admitted(b)).containsExactlyInAnyOrder(trailBucketArn, b.partition().bucketArn(b.names().bucket()));
        assertThat(exists(b.accessLogBucket())).isTrue();

        assertThat(deleteFully(second).allGone()).isTrue();
        assertThat(exists(b.accessLogBucket())).as("the last member ends it").isFalse();
    }

    /** Without trails (whose kept log bucket would still log into it), the rule itself: a Retain member's logs are kept. */
    @Test
    void aRetainMemberKeepsTheAccessLogBucketWithItsLogs() {
        SecureBucket kept = resource(DeletionPolicy.Retain, false);
        SecureBucket deleted = resource(DeletionPolicy.Delete, false);
        kept.getSpec().trail = null;
        deleted.getSpec().trail = null;
        assertThat(converge(kept).allReady()).isTrue();
        assertThat(converge(deleted).allReady()).isTrue();
        BucketScope scope = scope(kept);

        assertThat(deleteFully(kept).allGone()).isTrue();
        // Its bucket is kept, but no longer logs nor is admitted.
        assertThat(aws.s3(REGION).getBucketLogging(r -> r.bucket(scope.names().bucket())).loggingEnabled()).isNull();
        assertThat(admitted(scope)).doesNotContain(scope.partition().bucketArn(scope.names().bucket()));
        WalkResult last = deleteFully(deleted);
        assertThat(last.allGone()).isTrue();
        assertThat(exists(scope.accessLogBucket())).as("kept for the logs a Retain member wrote").isTrue();
        assertThat(last.retained()).anyMatch(r -> r.startsWith("AccessLogBucket "));
        assertThat(aws.s3(REGION).getBucketTagging(r -> r.bucket(scope.accessLogBucket())).tagSet())
                .anyMatch(t -> t.key().equals(SharedBucket.RETAINS_LOGS));
    }

    /** A policy is at most 20 KB: a member it cannot admit stalls, and nothing of it is switched on. */
    @Test
    void aPolicyThatCannotAdmitAnotherMemberStallsAndSaysWhy() {
        SecureBucket first = resource(DeletionPolicy.Delete, false);
        assertThat(converge(first).allReady()).isTrue();
        BucketScope scope = scope(first);
        // Others fill the policy: 250 buckets of 63-character names.
        List<String> filler = new ArrayList<>(admitted(scope));
        IntStream.range(0, 250).forEach(i -> filler.add(scope.partition().bucketArn(String.format("%-60s%03d", "f", i).replace(' ', 'f'))));
        String full = PolicyDocuments.toJson(BucketPolicies.accessLogBucket(scope.partition(), scope.accessLogBucket(), ACCOUNT, filler));
        System.out.printf("[measure] access-log bucket policy with %d sources of 63 characters: %d bytes (limit %d)%n",
                filler.size(), full.length(), AccessLogBucket.POLICY_LIMIT_BYTES);
        aws.s3(REGION).putBucketPolicy(r -> r.bucket(scope.accessLogBucket()).policy(full));

        SecureBucket next = resource(DeletionPolicy.Delete, false);
        WalkResult stalled = converge(next);
        assertThat(stalled.stalledReason()).isEqualTo("QuotaExceeded");
        assertThat(stalled.stalledMessage()).contains("S3 bucket policy size (20 KB", "spec.accessLogs.enabled: false");
        assertThat(aws.s3(REGION).getBucketLogging(r -> r.bucket(scope(next).names().bucket())).loggingEnabled()).isNull();

        assertThat(deleteFully(next).allGone()).isTrue();
        assertThat(deleteFully(first).allGone()).isTrue();
        // The fillers' buckets do not exist: they hold nothing, and the bucket ends with its last real member.
        assertThat(exists(scope.accessLogBucket())).isFalse();
    }

    /**
     * Kills the pass after each mutating call of the access-log bucket's whole life in turn (its making, its lifecycle,
     * a member's admission and logging; then the member's leaving and the bucket's end): the next passes converge and
     * the deletion leaves nothing.
     */
    @Test
    void everyCrashPointOfTheAccessLogBucketsLifeConverges() {
        CRASH.arm(Integer.MAX_VALUE);
        SecureBucket probe = resource(DeletionPolicy.Delete, false);
        probe.getSpec().trail = null;
        assertThat(converge(probe).allReady()).isTrue();
        List<String> creating = CRASH.mutations();
        CRASH.arm(Integer.MAX_VALUE);
        assertThat(deleteFully(probe).allGone()).isTrue();
        List<String> deleting = CRASH.mutations();
        CRASH.disarm();
        assertThat(creating).contains("S3:PutBucketLifecycleConfiguration", "S3:PutBucketLogging");
        assertThat(deleting).contains("S3:PutBucketLogging", "S3:PutBucketPolicy", "S3:DeleteBucket");

        List<String> covered = new ArrayList<>();
        for (int n = 1; n <= creating.size() + deleting.size(); n++) {
            SecureBucket sb = resource(DeletionPolicy.Delete, false);
            sb.getSpec().trail = null;
            boolean whileCreating = n <= creating.size();
            String at = whileCreating ? creating.get(n - 1) : deleting.get(n - creating.size() - 1);
            if (whileCreating) {
                CRASH.arm(n);
                assertThatThrownBy(() -> converge(sb)).isInstanceOf(SimulatedCrash.class);
                CRASH.disarm();
            }
            WalkResult ready = converge(sb);
            assertThat(ready.allReady()).as("after a crash following %s: %s", at, ready.waitingSummary()).isTrue();
            BucketScope scope = scope(sb);
            assertThat(aws.s3(REGION).getBucketLogging(r -> r.bucket(scope.names().bucket())).loggingEnabled().targetBucket())
                    .isEqualTo(scope.accessLogBucket());
            assertThat(admitted(scope)).containsExactly(scope.partition().bucketArn(scope.names().bucket()));
            if (!whileCreating) {
                CRASH.arm(n - creating.size());
                assertThatThrownBy(() -> deleteFully(sb)).isInstanceOf(SimulatedCrash.class);
                CRASH.disarm();
            }
            WalkResult gone = deleteFully(sb);
            assertThat(gone.allGone()).as("deletion after a crash following %s: %s", at, gone.waitingSummary()).isTrue();
            assertThat(exists(scope.accessLogBucket())).as("access-log bucket after a crash following %s", at).isFalse();
            covered.add((whileCreating ? "create " : "delete ") + at);
        }
        System.out.printf("[measure] access-log bucket crash points covered: %d (%s)%n", covered.size(), String.join(", ", covered));
    }
}
