package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.CrashAfterMutation;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.GatedPasses;
import io.webplatform.operator.testing.SimulatedCrash;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kms.model.EnableKeyRotationRequest;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every SecureBucket component against the emulator: create, adopt after a crash at any point,
 * repair drift, delete by policy, and the cost of a resync.
 */
class SecureBucketEmulatorTest {
    private static final CrashAfterMutation CRASH = new CrashAfterMutation();
    private static final FailCalls FAIL = new FailCalls();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static AwsClients aws;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    /**
     * Another member of the installation's shared trail for the whole class, so that each test's SecureBucket is
     * never the last one and the trail's end (which {@link SharedTrailEmulatorTest} judges) does not depend on the order.
     */
    private static SecureBucket neighbour;

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(FAIL, CRASH);
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.replication = null;
        spec.deletionPolicy = DeletionPolicy.Delete;
        neighbour = resource(spec);
        WalkResult converged = new SecureBucketEmulatorTest().converge(neighbour, new RecordedEvents());
        assertThat(converged.allReady()).as(converged.waitingSummary() + " " + converged.failures()).isTrue();
    }

    @AfterAll
    static void close() {
        new SecureBucketEmulatorTest().deleteFully(neighbour, new RecordedEvents());
        aws.close();
    }

    private static SecureBucket resource(SecureBucketSpec spec) {
        return TestResources.secureBucket("sb" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), spec);
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, aws, "123456789012");
    }

    private WalkResult converge(SecureBucket sb, RecordedEvents events) {
        WalkResult result = null;
        for (int pass = 0; pass < 5; pass++) {
            result = graph.reconcile(scope(sb), events);
            if (result.allReady() || result.stalled()) {
                return result;
            }
        }
        return result;
    }

    private WalkResult deleteFully(SecureBucket sb, RecordedEvents events) {
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult result = null;
        for (int pass = 0; pass < 5; pass++) {
            result = graph.delete(scope(sb), events);
            if (result.allGone() || result.stalled()) {
                return result;
            }
        }
        return result;
    }

    @Test
    void createsEverythingWithItsProtections() {
        SecureBucket sb = resource(TestResources.fullSpec());
        RecordedEvents events = new RecordedEvents();
        WalkResult result = converge(sb, events);

        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        BucketNames names = BucketNames.of(sb);
        BucketScope.TrailDestination shared = scope(sb).trailDestination();
        var s3 = aws.s3(Emulator.REGION);
        for (String bucket : List.of(names.bucket(), names.backupBucket(), shared.logBucket())) {
            assertThat(s3.getBucketVersioning(r -> r.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            var pab = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
            assertThat(List.of(pab.blockPublicAcls(), pab.ignorePublicAcls(), pab.blockPublicPolicy(), pab.restrictPublicBuckets()))
                    .containsOnly(true);
            assertThat(s3.getBucketPolicy(r -> r.bucket(bucket)).policy()).contains("aws:SecureTransport");
            assertThat(s3.getBucketOwnershipControls(r -> r.bucket(bucket)).ownershipControls().rules().get(0).objectOwnership())
                    .isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
            // The shared log bucket is the installation's, not this object's.
            assertThat(s3.getBucketTagging(r -> r.bucket(bucket)).tagSet())
                    .anySatisfy(t -> assertThat(t.value()).isEqualTo(bucket.equals(shared.logBucket()) ? scope(sb).installationKey() : sb.getMetadata().getUid()));
        }
        String keyArn = result.component(KmsKey.NAME).getId();
        var sse = s3.getBucketEncryption(r -> r.bucket(names.bucket())).serverSideEncryptionConfiguration().rules().get(0);
        assertThat(sse.applyServerSideEncryptionByDefault().sseAlgorithm()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(sse.applyServerSideEncryptionByDefault().kmsMasterKeyID()).isEqualTo(keyArn);
        assertThat(aws.kms(Emulator.REGION).getKeyRotationStatus(r -> r.keyId(keyArn)).keyRotationEnabled()).isTrue();
        var replication = s3.getBucketReplication(r -> r.bucket(names.bucket())).replicationConfiguration();
        assertThat(replication.rules().get(0).destination().bucket()).isEqualTo(Partition.of(Emulator.REGION).bucketArn(names.backupBucket()));
        var ct = aws.cloudTrail(Emulator.REGION);
        assertThat(ct.getTrailStatus(r -> r.name(shared.trail())).isLogging()).isTrue();
        assertThat(ct.getTrail(r -> r.name(shared.trail())).trail().logFileValidationEnabled()).isTrue();
        assertThat(result.component(Trail.NAME).getId()).endsWith(":trail/" + shared.trail());
        var selectors = ct.getEventSelectors(r -> r.trailName(shared.trail())).advancedEventSelectors();
        assertThat(selectors).hasSize(1);
        assertThat(Trail.wellFormed(selectors.get(0))).isTrue();
        // The neighbour is recorded too: one trail for both.
        assertThat(Trail.membersIn(selectors, Trail.selectorName(scope(sb))))
                .contains(Partition.of(Emulator.REGION).bucketArn(names.bucket()) + "/", scope(neighbour).objectArnPrefix());
        // Its three buckets log into the installation's access-log bucket, each under its own prefix, admitted by its policy.
        String accessLogs = scope(sb).accessLogBucket();
        for (String bucket : List.of(names.bucket(), names.backupBucket(), shared.logBucket())) {
            var logging = s3.getBucketLogging(r -> r.bucket(bucket)).loggingEnabled();
            assertThat(logging.targetBucket()).isEqualTo(accessLogs);
            assertThat(logging.targetPrefix()).isEqualTo(bucket + "/");
            assertThat(BucketPolicies.accessLogSources(s3.getBucketPolicy(r -> r.bucket(accessLogs)).policy()))
                    .contains(Partition.of(Emulator.REGION).bucketArn(bucket));
        }
        // Each of its buckets aborts incomplete uploads by the operator's rule.
        for (String bucket : List.of(names.bucket(), names.backupBucket(), shared.logBucket())) {
            assertThat(s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules())
                    .anySatisfy(rule -> assertThat(rule.abortIncompleteMultipartUpload().daysAfterInitiation()).isEqualTo(7));
        }
        // The trail, its log bucket and the access-log bucket exist already (the neighbour's): this SecureBucket made 5 of
        // its own, joined the trail, put its lifecycle rule and turned its access logging on.
        assertThat(events.normal).filteredOn(e -> e.startsWith("Created")).hasSize(8).anyMatch(e -> e.startsWith("Created: Trail "))
                .anyMatch(e -> e.startsWith("Created: BucketLifecycle ")).anyMatch(e -> e.startsWith("Created: AccessLogging "));
        assertThat(events.normal).noneMatch(e -> e.startsWith("Repaired"));
    }

    /**
     * Behind the idle gate, an idle resync window costs one listing per shared kind for all buckets
     * together (ListBuckets, ListAliases, ListRoles, DescribeTrails), not a full pass each; a trail deleted by
     * hand brings its bucket's full pass, which makes it again, while the others stay idle; the drift
     * check is a full pass of every bucket.
     */
    @Test
    void anIdleWindowCostsOneListingPerKindForAllBuckets() {
        Duration resync = Duration.ofMinutes(1);
        Duration driftCheck = Duration.ofMinutes(15);
        GatedPasses<BucketScope> passes = new GatedPasses<>(graph, BucketListings.kinds(aws), Emulator.REGION, driftCheck, resync);
        List<SecureBucket> buckets = IntStream.range(0, 5).mapToObj(i -> resource(TestResources.fullSpec())).toList();
        for (SecureBucket sb : buckets) {
            assertThat(gatedUntilConverged(passes, sb)).isTrue();
        }
        settle(passes, buckets, resync);

        passes.clock.advance(resync);
        List<String> window = new ArrayList<>();
        for (SecureBucket sb : buckets) {
            GatedPasses.Pass pass = passes.pass(sb, () -> scope(sb));
            assertThat(pass.skipped()).as("idle: " + sb.getMetadata().getName()).isTrue();
            window.addAll(pass.calls());
        }
        System.out.printf("[measure] SecureBucket idle window, N=%d: %d read calls in all (%.1f per bucket; a full pass costs 46): %s%n",
                buckets.size(), window.size(), window.size() / (double) buckets.size(), window);
        assertThat(window).containsExactlyInAnyOrder("S3:ListBuckets", "Kms:ListAliases", "Iam:ListRoles", "CloudTrail:DescribeTrails");

        // A key alias deleted by hand: that bucket's next resync is a full pass that makes it again; the others stay idle.
        SecureBucket changed = buckets.get(0);
        String alias = scope(changed).names().keyAlias();
        aws.kms(Emulator.REGION).deleteAlias(r -> r.aliasName(alias));
        passes.clock.advance(resync);
        GatedPasses.Pass repair = passes.pass(changed, () -> scope(changed));
        assertThat(repair.skipped()).isFalse();
        assertThat(repair.wrote()).isTrue();
        assertThat(aws.kms(Emulator.REGION).listAliases().aliases()).anyMatch(a -> a.aliasName().equals(alias));
        for (SecureBucket sb : buckets.subList(1, buckets.size())) {
            assertThat(passes.pass(sb, () -> scope(sb)).skipped()).as("untouched: idle").isTrue();
        }
        settle(passes, buckets, resync);

        // The drift check: every bucket in full once, nothing written; idle again in the next window.
        passes.clock.advance(driftCheck);
        for (SecureBucket sb : buckets) {
            GatedPasses.Pass check = passes.pass(sb, () -> scope(sb));
            assertThat(check.skipped()).isFalse();
            assertThat(check.wrote()).isFalse();
            assertThat(check.walk().allReady()).isTrue();
        }
        passes.clock.advance(resync);
        for (SecureBucket sb : buckets) {
            assertThat(passes.pass(sb, () -> scope(sb)).skipped()).isTrue();
        }
        for (SecureBucket sb : buckets) {
            assertThat(deleteFully(sb, new RecordedEvents()).allGone()).isTrue();
        }
    }

    private boolean gatedUntilConverged(GatedPasses<BucketScope> passes, SecureBucket sb) {
        for (int pass = 0; pass < 8; pass++) {
            GatedPasses.Pass p = passes.pass(sb, () -> scope(sb));
            passes.clock.advance(Duration.ofSeconds(1));
            if (!p.skipped() && p.walk().allReady() && !p.wrote()) {
                return true;
            }
        }
        return false;
    }

    /** Resync windows until every bucket is skipped in one (at most four: a write, a pass without listings, a baseline, idle). */
    private static void settle(GatedPasses<BucketScope> passes, List<SecureBucket> buckets, Duration resync) {
        for (int window = 0; window < 4; window++) {
            passes.clock.advance(resync);
            boolean allSkipped = true;
            for (SecureBucket sb : buckets) {
                allSkipped &= passes.pass(sb, () -> new BucketScope(sb, aws, "123456789012")).skipped();
            }
            if (allSkipped) {
                return;
            }
        }
        throw new AssertionError("not idle after four resync windows");
    }

    @Test
    void aConvergedResyncOnlyReads() {
        SecureBucket sb = resource(TestResources.fullSpec());
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult again;
        try {
            again = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(again.allReady()).isTrue();
        assertThat(calls).allMatch(ApiCallMetrics::isReadOnly, "read-only");
        System.out.printf("[measure] SecureBucket resync (key, 4 buckets, role, replication, trail key, trail log group and role, trail, access logging, lifecycle): %d read calls, 0 writes%n", calls.size());
        assertThat(calls.size()).isLessThanOrEqualTo(46);

        // Observing costs what a resync costs: the same reads, and it finds nothing to report.
        List<String> observing = ApiCallMetrics.startRecording();
        WalkResult observed;
        try {
            observed = graph.reconcile(scope(sb), new RecordedEvents(), io.webplatform.operator.api.ManagementPolicy.Observe);
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(observed.drift()).isEmpty();
        assertThat(observing).containsExactlyInAnyOrderElementsOf(calls);
    }

    /** Kills the pass after each mutating call in turn; the next pass must adopt, never duplicate. */
    @Test
    void everyCrashPointConvergesToExactlyOneOfEachAndDeletesCleanly() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.deletionPolicy = DeletionPolicy.Delete;
        CRASH.arm(Integer.MAX_VALUE);
        SecureBucket probe = resource(spec);
        converge(probe, new RecordedEvents());
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        deleteFully(probe, new RecordedEvents());
        // The shared trail and its log bucket exist already (the neighbour's): joining is one PutEventSelectors.
        assertThat(mutations).hasSizeGreaterThan(15).contains("CloudTrail:PutEventSelectors", "S3:PutBucketLogging");

        List<String> covered = new ArrayList<>();
        for (int n = 1; n <= mutations.size(); n++) {
            SecureBucket sb = resource(spec);
            CRASH.arm(n);
            assertThatThrownBy(() -> converge(sb, new RecordedEvents())).isInstanceOf(SimulatedCrash.class);
            CRASH.disarm();

            WalkResult result = converge(sb, new RecordedEvents());
            assertThat(result.allReady()).as("after a crash following %s: %s", mutations.get(n - 1), result.waitingSummary()).isTrue();
            BucketNames names = BucketNames.of(sb);
            AwsInventory after = AwsInventory.of(aws, scope(sb));
            assertThat(after.liveKeys()).as("keys after crash at %s", mutations.get(n - 1)).isEqualTo(1);
            assertThat(after.keys()).hasSize(1);
            assertThat(after.buckets()).containsExactlyInAnyOrder(names.bucket(), names.backupBucket());
            assertThat(after.logBucket()).isTrue();
            assertThat(after.role()).isTrue();
            assertThat(after.trail()).isTrue();

            assertThat(deleteFully(sb, new RecordedEvents()).allGone()).isTrue();
            AwsInventory gone = AwsInventory.of(aws, scope(sb));
            assertThat(gone.liveKeys()).isZero();
            assertThat(gone.buckets()).isEmpty();
            assertThat(gone.role()).isFalse();
            assertThat(gone.trail()).isFalse();
            assertThat(BucketPolicies.accessLogSources(aws.s3(Emulator.REGION).getBucketPolicy(r -> r.bucket(scope(sb).accessLogBucket())).policy()))
                    .as("admitted after crash at %s", mutations.get(n - 1)).doesNotContain(Partition.of(Emulator.REGION).bucketArn(names.bucket()));
            covered.add(mutations.get(n - 1));
        }
        System.out.printf("[measure] SecureBucket crash points covered: %d (%s)%n", covered.size(), String.join(", ", covered));
    }

    @Test
    void repairsDriftAndSaysSo() {
        SecureBucket sb = resource(TestResources.fullSpec());
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        BucketNames names = BucketNames.of(sb);
        var s3 = aws.s3(Emulator.REGION);
        String keyArn = scope(sb).kms().describeKey(r -> r.keyId(names.keyAlias())).keyMetadata().arn();

        s3.putBucketVersioning(r -> r.bucket(names.bucket()).versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        s3.putPublicAccessBlock(r -> r.bucket(names.bucket()).publicAccessBlockConfiguration(p -> p
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(true)));
        s3.deleteBucketPolicy(r -> r.bucket(names.backupBucket()));
        s3.putBucketEncryption(r -> r.bucket(names.bucket()).serverSideEncryptionConfiguration(c -> c.rules(x -> x
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        aws.kms(Emulator.REGION).disableKeyRotation(r -> r.keyId(keyArn));
        String trail = scope(sb).trailDestination().trail();
        aws.cloudTrail(Emulator.REGION).stopLogging(r -> r.name(trail));
        s3.deleteBucketReplication(r -> r.bucket(names.bucket()));
        aws.iam(Emulator.REGION).deleteRolePolicy(r -> r.roleName(names.replicationRole()).policyName(ReplicationRole.POLICY_NAME));
        // Access logging turned off on the data bucket, and the log bucket's lifecycle removed, by hand.
        s3.putBucketLogging(r -> r.bucket(names.bucket()).bucketLoggingStatus(st -> { }));
        s3.deleteBucketLifecycle(r -> r.bucket(scope(sb).accessLogBucket()));

        RecordedEvents events = new RecordedEvents();
        WalkResult repaired = graph.reconcile(scope(sb), events);
        assertThat(repaired.allReady()).isTrue();
        assertThat(repaired.repairs()).anyMatch(r -> r.startsWith("Bucket: versioning Suspended -> Enabled"))
                .anyMatch(r -> r.startsWith("Bucket: public access block restored"))
                .anyMatch(r -> r.startsWith("Bucket: default encryption set to aws:kms"))
                .anyMatch(r -> r.startsWith("BackupBucket: bucket policy restored"))
                .anyMatch(r -> r.startsWith("Key: enabled yearly key rotation"))
                .anyMatch(r -> r.startsWith("Trail: logging started"))
                .anyMatch(r -> r.startsWith("ReplicationRole: replication permissions restored"))
                .anyMatch(r -> r.startsWith("AccessLogging: server access logs of " + names.bucket() + " delivered to "
                        + scope(sb).accessLogBucket() + "/" + names.bucket() + "/"));
        // The lifecycle removed is a missing resource: created again.
        assertThat(events.normal).anyMatch(e -> e.startsWith("Created: AccessLogLifecycle"));
        assertThat(s3.getBucketLogging(r -> r.bucket(names.bucket())).loggingEnabled().targetBucket()).isEqualTo(scope(sb).accessLogBucket());
        // The deleted replication rule is a missing resource: created again, not repaired.
        assertThat(events.normal).anyMatch(e -> e.startsWith("Created: Replication"));
        assertThat(events.normal).filteredOn(e -> e.startsWith("Repaired")).hasSize(repaired.repairs().size());

        assertThat(s3.getBucketVersioning(r -> r.bucket(names.bucket())).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        assertThat(s3.getPublicAccessBlock(r -> r.bucket(names.bucket())).publicAccessBlockConfiguration().blockPublicPolicy()).isTrue();
        assertThat(s3.getBucketPolicy(r -> r.bucket(names.backupBucket())).policy()).contains("aws:SecureTransport");
        assertThat(aws.cloudTrail(Emulator.REGION).getTrailStatus(r -> r.name(trail)).isLogging()).isTrue();

        // Repaired state is stable: the next pass changes nothing.
        assertThat(graph.reconcile(scope(sb), new RecordedEvents()).repairs()).isEmpty();
    }

    @Test
    void keyScheduledForDeletionByHandIsRecovered() {
        SecureBucket sb = resource(TestResources.fullSpec());
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        var kms = aws.kms(Emulator.REGION);
        String keyId = kms.describeKey(r -> r.keyId(BucketNames.of(sb).keyAlias())).keyMetadata().keyId();
        kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));

        WalkResult result = graph.reconcile(scope(sb), new RecordedEvents());
        assertThat(result.repairs()).anyMatch(r -> r.contains("cancelled a scheduled deletion"));
        assertThat(kms.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
    }

    @Test
    void retainKeepsDataButRemovesTrailRoleAndRule() {
        SecureBucket sb = resource(TestResources.fullSpec());
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        BucketNames names = BucketNames.of(sb);

        WalkResult result = deleteFully(sb, new RecordedEvents());
        assertThat(result.allGone()).isTrue();
        // The shared log bucket is not this object's to keep or delete: the neighbour still records into it.
        assertThat(result.retained()).hasSize(3)
                .anyMatch(r -> r.startsWith("Key ")).anyMatch(r -> r.startsWith("Bucket "))
                .anyMatch(r -> r.startsWith("BackupBucket "));
        assertThat(result.component(TrailBucket.NAME).getMessage()).startsWith("shared: trail ");
        AwsInventory left = AwsInventory.of(aws, scope(sb));
        assertThat(left.liveKeys()).isEqualTo(1);
        assertThat(left.buckets()).containsExactlyInAnyOrder(names.bucket(), names.backupBucket());
        assertThat(left.logBucket()).isTrue();
        // A Retain member recorded into it: whenever the trail ends, the log bucket stays as its audit record.
        assertThat(aws.s3(Emulator.REGION).getBucketTagging(r -> r.bucket(scope(sb).trailDestination().logBucket())).tagSet())
                .anyMatch(t -> t.key().equals(TrailBucket.RETAINS_LOGS) && t.value().equals("true"));
        assertThat(left.role()).isFalse();
        assertThat(left.trail()).isFalse();
        assertThat(left.replication()).isFalse();
        // Its kept buckets no longer log, nor are admitted by the access-log bucket; that bucket, kept for the
        // neighbour, now keeps the logs a Retain member wrote whenever its last member goes.
        var s3 = aws.s3(Emulator.REGION);
        String accessLogs = scope(sb).accessLogBucket();
        assertThat(result.component(AccessLogBucket.NAME).getMessage()).startsWith("shared: ");
        for (String bucket : List.of(names.bucket(), names.backupBucket())) {
            assertThat(s3.getBucketLogging(r -> r.bucket(bucket)).loggingEnabled()).isNull();
            assertThat(BucketPolicies.accessLogSources(s3.getBucketPolicy(r -> r.bucket(accessLogs)).policy()))
                    .doesNotContain(Partition.of(Emulator.REGION).bucketArn(bucket));
        }
        assertThat(s3.getBucketTagging(r -> r.bucket(accessLogs)).tagSet())
                .anyMatch(t -> t.key().equals(SharedBucket.RETAINS_LOGS) && t.value().equals("true"));
    }

    @Test
    void deleteRefusesToDropObjectsUnlessAskedThenEmptiesEveryVersion() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.deletionPolicy = DeletionPolicy.Delete;
        SecureBucket sb = resource(spec);
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        BucketNames names = BucketNames.of(sb);
        var s3 = aws.s3(Emulator.REGION);
        // The emulator answers over plain HTTP, which the TLS-only policy denies; lift it to write test objects.
        s3.deleteBucketPolicy(r -> r.bucket(names.bucket()));
        for (int i = 0; i < 3; i++) {
            s3.putObject(r -> r.bucket(names.bucket()).key("report.csv"), RequestBody.fromString("v" + System.nanoTime()));
        }
        s3.deleteObject(r -> r.bucket(names.bucket()).key("report.csv"));

        RecordedEvents events = new RecordedEvents();
        WalkResult blocked = deleteFully(sb, events);
        assertThat(blocked.stalled()).isTrue();
        assertThat(blocked.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(blocked.stalledMessage()).contains("s3:DeleteBucket refused (BucketNotEmpty)", "emptyOnDelete");
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).contains(names.bucket());

        sb.getSpec().emptyOnDelete = true;
        WalkResult done = deleteFully(sb, new RecordedEvents());
        assertThat(done.allGone()).as(done.waitingSummary()).isTrue();
        AwsInventory gone = AwsInventory.of(aws, scope(sb));
        assertThat(gone.buckets()).isEmpty();
        assertThat(gone.liveKeys()).isZero();
        assertThat(gone.keys()).allMatch(k -> k.keyState() == KeyState.PENDING_DELETION);
    }

    @Test
    void turningReplicationOffRemovesRuleAndRoleAndKeepsTheBackupByPolicy() {
        SecureBucket sb = resource(TestResources.fullSpec());
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        sb.getSpec().replication.enabled = false;
        WalkResult result = converge(sb, new RecordedEvents());
        assertThat(result.allReady()).isTrue();
        AwsInventory inv = AwsInventory.of(aws, scope(sb));
        assertThat(inv.replication()).isFalse();
        assertThat(inv.role()).isFalse();
        assertThat(inv.buckets()).contains(BucketNames.of(sb).backupBucket());
        assertThat(result.component(BackupBucket.NAME).getState()).isEqualTo(ComponentGraph.RETAINED);
    }

    @Test
    void aMissingReferencedKeyStallsBeforeAnythingIsCreated() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.encryption.mode = SecureBucketSpec.EncryptionMode.ExistingKey;
        spec.encryption.keyArn = "arn:aws:kms:eu-west-3:123456789012:key/00000000-0000-0000-0000-000000000000";
        SecureBucket sb = resource(spec);
        CRASH.arm(Integer.MAX_VALUE);
        RecordedEvents events = new RecordedEvents();
        WalkResult result = graph.reconcile(scope(sb), events);
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();

        assertThat(result.stalled()).isTrue();
        assertThat(result.stalledReason()).isEqualTo("KmsKeyNotUsable");
        assertThat(result.stalledMessage()).contains("NotFoundException");
        assertThat(mutations).isEmpty();
        assertThat(events.warnings).hasSize(1);
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).isEmpty();
    }

    @Test
    void aReferencedKeyIsUsedAndNeverDeleted() {
        var kms = aws.kms(Emulator.REGION);
        String keyArn = kms.createKey(r -> r.description("user key")).keyMetadata().arn();
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.encryption.mode = SecureBucketSpec.EncryptionMode.ExistingKey;
        spec.encryption.keyArn = keyArn;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.replication = null;
        spec.trail = null;
        SecureBucket sb = resource(spec);
        WalkResult result = converge(sb, new RecordedEvents());
        assertThat(result.allReady()).isTrue();
        assertThat(result.component(KmsKey.NAME).getId()).isEqualTo(keyArn);
        assertThat(aws.s3(Emulator.REGION).getBucketEncryption(r -> r.bucket(BucketNames.of(sb).bucket()))
                .serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault().kmsMasterKeyID()).isEqualTo(keyArn);

        assertThat(deleteFully(sb, new RecordedEvents()).allGone()).isTrue();
        assertThat(kms.describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).isEmpty();
    }

    @Test
    void aBucketOfAnotherResourceIsNeverTakenOver() {
        SecureBucketSpec first = TestResources.fullSpec();
        first.bucketName = "explicit-" + System.nanoTime();
        first.replication = null;
        first.trail = null;
        SecureBucket owner = resource(first);
        assertThat(converge(owner, new RecordedEvents()).allReady()).isTrue();

        SecureBucketSpec second = TestResources.fullSpec();
        second.bucketName = first.bucketName;
        second.replication = null;
        second.trail = null;
        SecureBucket intruder = resource(second);
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult result = converge(intruder, new RecordedEvents());
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        assertThat(result.stalled()).isTrue();
        assertThat(result.stalledReason()).isEqualTo("BucketOwnedElsewhere");
        assertThat(Set.of(result.stalledMessage())).allMatch(m -> m.contains(first.bucketName));
        // Judged before its key was made: nothing at all in AWS for the second resource.
        assertThat(mutations).isEmpty();
    }

    @Test
    void aBucketNameOfAnotherAccountStallsBeforeAnythingIsCreated() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.bucketName = "taken-" + System.nanoTime();
        SecureBucket sb = resource(spec);
        // S3 answers 403 to anyone but the bucket's owner.
        FAIL.fail("GetBucketTagging", "AccessDenied", 403);
        CRASH.arm(Integer.MAX_VALUE);
        WalkResult result;
        try {
            result = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            FAIL.clear();
        }
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        assertThat(result.stalledReason()).isEqualTo("BucketNameTaken");
        assertThat(result.stalledMessage()).contains("bucket " + spec.bucketName + " exists and belongs to another AWS account");
        assertThat(mutations).isEmpty();
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).isEmpty();
    }

    @Test
    void throttlingAndServerErrorsAreProgressNotFailuresAndClearOnTheirOwn() {
        SecureBucketSpec spec = TestResources.fullSpec();
        // A log bucket of its own (a destination no one else uses): independent of the key, it goes ahead.
        spec.trail.logBucketName = "throttled-logs-" + System.nanoTime();
        spec.deletionPolicy = DeletionPolicy.Delete;
        SecureBucket sb = resource(spec);
        FAIL.fail("PutBucketPolicy", "SlowDown", 503);
        // Only the data key's rotation (the first key the walk makes; the trail's key comes later): the trail's key,
        // which its log bucket waits for, is not held back.
        var dataKey = new AtomicReference<String>();
        FAIL.answer("EnableKeyRotation", "InternalFailure", 500, "We encountered an internal error. Please try again.").when(r -> {
            String keyId = ((EnableKeyRotationRequest) r).keyId();
            return dataKey.compareAndSet(null, keyId) || keyId.equals(dataKey.get());
        });
        RecordedEvents events = new RecordedEvents();
        WalkResult throttled;
        try {
            throttled = graph.reconcile(scope(sb), events);
        } finally {
            FAIL.clear();
        }
        assertThat(throttled.stalled()).isFalse();
        assertThat(throttled.failures()).isEmpty();
        assertThat(throttled.allReady()).isFalse();
        // The data key's 500 holds back what depends on it; the log bucket (after the trail's own key) went ahead
        // until its own throttled policy call, and the trail waits for it.
        assertThat(throttled.component(KmsKey.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(throttled.component(KmsKey.NAME).getLastError()).contains("InternalFailure");
        assertThat(throttled.component(DataBucket.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(throttled.component(TrailBucket.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(throttled.component(TrailBucket.NAME).getLastError()).contains("SlowDown");
        assertThat(throttled.component(Trail.NAME).getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(throttled.transientErrors()).isEqualTo(2);
        assertThat(events.warnings).isEmpty();

        WalkResult recovered = converge(sb, new RecordedEvents());
        assertThat(recovered.allReady()).isTrue();
        AwsInventory made = AwsInventory.of(aws, scope(sb));
        assertThat(made.buckets()).hasSize(2);
        assertThat(made.trail()).isTrue();
        assertThat(made.logBucket()).isTrue();
        // Its own destination, its own trail: the last member's deletion ends both.
        assertThat(deleteFully(sb, new RecordedEvents()).allGone()).isTrue();
        AwsInventory gone = AwsInventory.of(aws, scope(sb));
        assertThat(gone.sharedTrail()).isFalse();
        assertThat(gone.logBucket()).isFalse();
    }

    @Test
    void permissionDeniedStallsWithAwsMessageAndRecoversWhenGranted() {
        SecureBucket sb = resource(TestResources.fullSpec());
        FAIL.fail("CreateRole", "AccessDenied", 403);
        RecordedEvents events = new RecordedEvents();
        WalkResult denied;
        try {
            denied = graph.reconcile(scope(sb), events);
        } finally {
            FAIL.clear();
        }
        assertThat(denied.stalled()).isTrue();
        assertThat(denied.stalledReason()).isEqualTo("AwsRejected");
        assertThat(denied.stalledMessage()).contains("ReplicationRole: AccessDenied: injected AccessDenied for CreateRole");
        assertThat(events.warnings).anyMatch(w -> w.contains("AccessDenied"));
        // Nothing is stuck forever: the next pass (a resync, or a spec change) tries again.
        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
    }

    @Test
    void aUserNamedBucketLeftUntaggedByACrashIsOwnedAndDeletedByPolicy() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.bucketName = "named-" + System.nanoTime();
        spec.replication = null;
        spec.trail = null;
        spec.deletionPolicy = DeletionPolicy.Delete;
        SecureBucket sb = resource(spec);
        // Mutations: CreateKey, CreateAlias, EnableKeyRotation, CreateBucket <- crash here, before tagging.
        CRASH.arm(4);
        assertThatThrownBy(() -> converge(sb, new RecordedEvents())).isInstanceOf(SimulatedCrash.class);
        assertThat(CRASH.mutations().get(3)).isEqualTo("S3:CreateBucket");
        CRASH.disarm();

        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        assertThat(aws.s3(Emulator.REGION).getBucketTagging(r -> r.bucket(spec.bucketName)).tagSet())
                .noneMatch(t -> t.key().equals(ProtectedBucket.ADOPTED));
        assertThat(deleteFully(sb, new RecordedEvents()).allGone()).isTrue();
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).isEmpty();
    }

    @Test
    void aUsersExistingBucketWithDataIsAdoptedButNeverDeleted() {
        String name = "existing-" + System.nanoTime();
        var s3 = aws.s3(Emulator.REGION);
        s3.createBucket(r -> r.bucket(name).createBucketConfiguration(c -> c.locationConstraint(Emulator.REGION)));
        s3.putObject(r -> r.bucket(name).key("precious.txt"), RequestBody.fromString("data"));
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.bucketName = name;
        spec.replication = null;
        spec.trail = null;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.emptyOnDelete = true;
        SecureBucket sb = resource(spec);

        assertThat(converge(sb, new RecordedEvents()).allReady()).isTrue();
        assertThat(s3.getBucketTagging(r -> r.bucket(name)).tagSet()).anyMatch(t -> t.key().equals(ProtectedBucket.ADOPTED));
        assertThat(s3.getBucketVersioning(r -> r.bucket(name)).status()).isEqualTo(BucketVersioningStatus.ENABLED);

        WalkResult deleted = deleteFully(sb, new RecordedEvents());
        assertThat(deleted.allGone()).isTrue();
        assertThat(deleted.component(DataBucket.NAME).getState()).isEqualTo(ComponentGraph.RETAINED);
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).containsExactly(name);
    }
}
