package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.api.SecureBucketStatus;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.CrashAfterMutation;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.SimulatedCrash;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import io.webplatform.operator.testing.TrailQuota;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The installation's shared CloudTrail trail against the emulator, under a seam that plays AWS's limits the
 * emulator lacks ({@link TrailQuota}: 5 trails per Region, 500 selector values per trail, no duplicate name).
 * Each test works in a Region of its own, whose trails it alone makes, so it can count them.
 */
class SharedTrailEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final FailCalls FAIL = new FailCalls();
    private static final TrailQuota QUOTA = new TrailQuota();
    private static final CrashAfterMutation CRASH = new CrashAfterMutation();
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** The operator's clients: the seams, then the metrics. */
    private static AwsClients aws;
    /** A person's clients: what someone else makes in the account, without the operator's seams. */
    private static AwsClients person;
    /** Its own installation per test: its own trail names, whatever earlier runs left in the emulator. */
    private final String installation = "st" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(FAIL, QUOTA, CRASH);
        person = Emulator.clients();
    }

    @AfterEach
    void clearSeam() {
        FAIL.clear();
    }

    @AfterAll
    static void close() {
        aws.close();
        person.close();
    }

    private SecureBucket resource(String region, DeletionPolicy policy, String logBucketName) {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = region;
        spec.replication = null;
        spec.deletionPolicy = policy;
        spec.emptyOnDelete = true;
        spec.trail.logBucketName = logBucketName;
        return TestResources.secureBucket("sh" + System.nanoTime() % 100000 + "-" + SEQ.incrementAndGet(), spec);
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation);
    }

    private WalkResult converge(SecureBucket sb) {
        WalkResult result = null;
        for (int pass = 0; pass < 5; pass++) {
            result = graph.reconcile(scope(sb), new RecordedEvents());
            // SecureBuckets converging together make the shared log bucket once; the others find it, never fail on it.
            assertThat(result.failures()).as("pass %d", pass).noneMatch(f -> f.contains(TrailBucket.NAME));
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

    /** The trails whose HomeRegion is this Region, by name, as AWS's quota counts them. */
    private static List<String> trailsIn(String region) {
        return person.cloudTrail(region).listTrails(r -> { }).trails().stream()
                .filter(t -> region.equals(t.homeRegion())).map(t -> t.name()).sorted().toList();
    }

    private List<String> members(SecureBucket sb) {
        BucketScope scope = scope(sb);
        return Trail.membersIn(person.cloudTrail(scope.region()).getEventSelectors(r -> r.trailName(scope.trailDestination().trail()))
                .advancedEventSelectors(), Trail.selectorName(scope));
    }

    private static boolean bucketExists(String region, String bucket) {
        return person.s3(region).listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
    }

    /** Trails someone else made (an organisation's, another tool's), delivering into a bucket of theirs. */
    private static List<String> foreignTrails(String region, int count) {
        String bucket = "foreign-logs-" + System.nanoTime() % 10000000;
        person.s3(region).createBucket(r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(region))));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(foreignTrail(region, bucket));
        }
        return names;
    }

    private static String foreignTrail(String region, String bucket) {
        String name = "foreign-" + System.nanoTime() % 100000000;
        person.cloudTrail(region).createTrail(r -> r.name(name).s3BucketName(bucket));
        return name;
    }

    /** What earlier runs of this class may have left in its Regions (a run killed half-way), so that the count is ours. */
    private static void forgetTrailsOfEarlierRuns(String region) {
        trailsIn(region).forEach(name -> person.cloudTrail(region).deleteTrail(r -> r.name(name)));
    }

    @Test
    void twentySecureBucketsShareOneTrailAndEachDeletionRemovesExactlyItsOwn() throws Exception {
        String region = "eu-north-1";
        forgetTrailsOfEarlierRuns(region);
        // Four trails someone else made: a trail per SecureBucket would stop at the second; a shared one needs the one slot left.
        List<String> foreign = foreignTrails(region, 4);
        int refusedBefore = QUOTA.refusedTrails();
        List<SecureBucket> buckets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            buckets.add(resource(region, DeletionPolicy.Delete, null));
        }

        // Converged five at a time, as the operator's reconcile threads would: joining the trail is serialised by its lock.
        List<String> convergeCalls = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(5);
        List<Future<WalkResult>> results = new ArrayList<>();
        for (SecureBucket sb : buckets) {
            results.add(threads.submit(() -> {
                List<String> calls = ApiCallMetrics.startRecording();
                try {
                    return converge(sb);
                } finally {
                    convergeCalls.addAll(calls);
                    ApiCallMetrics.stopRecording();
                }
            }));
        }
        for (Future<WalkResult> result : results) {
            WalkResult walk = result.get();
            assertThat(walk.allReady()).as(walk.waitingSummary() + " " + walk.stalledMessage()).isTrue();
        }
        threads.shutdown();

        BucketScope.TrailDestination shared = scope(buckets.get(0)).trailDestination();
        assertThat(trailsIn(region)).as("one trail for all 20, beside the 4 foreign ones")
                .containsExactlyInAnyOrderElementsOf(concat(foreign, shared.trail()));
        assertThat(QUOTA.refusedTrails() - refusedBefore).isZero();
        Set<String> expected = new HashSet<>(buckets.stream().map(sb -> scope(sb).objectArnPrefix()).toList());
        assertThat(members(buckets.get(0))).hasSize(20).containsExactlyInAnyOrderElementsOf(expected);
        var ct = person.cloudTrail(region);
        assertThat(ct.getTrailStatus(r -> r.name(shared.trail())).isLogging()).isTrue();
        assertThat(ct.getTrail(r -> r.name(shared.trail())).trail().logFileValidationEnabled()).isTrue();
        assertThat(ct.getTrail(r -> r.name(shared.trail())).trail().s3BucketName()).isEqualTo(shared.logBucket());
        assertThat(person.s3(region).getBucketPolicy(r -> r.bucket(shared.logBucket())).policy())
                .contains("arn:aws:cloudtrail:" + region + ":" + ACCOUNT + ":trail/" + shared.trail());
        // The log bucket is the installation's: no SecureBucket's owner key is on it.
        List<Tag> logTags = person.s3(region).getBucketTagging(r -> r.bucket(shared.logBucket())).tagSet();
        assertThat(logTags).anyMatch(t -> t.key().equals(Ownership.OWNER_UID) && t.value().equals(scope(buckets.get(0)).installationKey()));
        Map<String, Long> trailCalls = convergeCalls.stream().filter(c -> c.startsWith("CloudTrail:"))
                .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
        assertThat(trailCalls.get("CloudTrail:CreateTrail")).isEqualTo(1);
        assertThat(trailCalls.get("CloudTrail:PutEventSelectors")).isEqualTo(20);
        // One access-log bucket for all 20, its policy admitting each data bucket and the trail's log bucket: joined under
        // its lock, none lost.
        String accessLogs = scope(buckets.get(0)).accessLogBucket();
        Set<String> admitted = new HashSet<>(buckets.stream().map(sb -> scope(sb).partition().bucketArn(scope(sb).names().bucket())).toList());
        admitted.add(scope(buckets.get(0)).partition().bucketArn(shared.logBucket()));
        assertThat(BucketPolicies.accessLogSources(person.s3(region).getBucketPolicy(r -> r.bucket(accessLogs)).policy()))
                .containsExactlyInAnyOrderElementsOf(admitted);
        // A lifecycle per data bucket, and one each for the shared access-log and trail buckets (put under their locks).
        assertThat(convergeCalls.stream().filter(c -> c.equals("S3:PutBucketLifecycleConfiguration")).count()).isEqualTo(20 + 2);
        System.out.printf("[measure] 20 SecureBuckets converged (5 threads): %d AWS calls, %.1f per SecureBucket; CloudTrail: %s%n",
                convergeCalls.size(), convergeCalls.size() / 20.0, trailCalls);

        // A converged member's resync reads what a trail of its own cost: no more as the trail grows.
        List<String> resync = ApiCallMetrics.startRecording();
        try {
            assertThat(graph.reconcile(scope(buckets.get(7)), new RecordedEvents()).allReady()).isTrue();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(resync).allMatch(ApiCallMetrics::isReadOnly);
        assertThat(resync.stream().filter(c -> c.startsWith("CloudTrail:")).toList())
                .containsExactlyInAnyOrder("CloudTrail:GetTrail", "CloudTrail:GetEventSelectors", "CloudTrail:GetTrailStatus");
        System.out.printf("[measure] resync of one of 20 members: %d reads (%d CloudTrail)%n", resync.size(),
                resync.stream().filter(c -> c.startsWith("CloudTrail:")).count());

        // Deleted one at a time: each removes exactly its own ARN; the last removes the trail and its log bucket.
        List<String> deleteCalls = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            SecureBucket sb = buckets.get(i);
            List<String> calls = ApiCallMetrics.startRecording();
            WalkResult deleted;
            try {
                deleted = deleteFully(sb);
            } finally {
                ApiCallMetrics.stopRecording();
                deleteCalls.addAll(calls);
            }
            assertThat(deleted.allGone()).as(deleted.waitingSummary() + " " + deleted.stalledMessage()).isTrue();
            expected.remove(scope(sb).objectArnPrefix());
            AwsInventory left = AwsInventory.of(aws, scope(sb));
            assertThat(left.buckets()).isEmpty();
            assertThat(left.liveKeys()).isZero();
            assertThat(left.trail()).isFalse();
            admitted.remove(scope(sb).partition().bucketArn(scope(sb).names().bucket()));
            if (i < buckets.size() - 1) {
                assertThat(BucketPolicies.accessLogSources(person.s3(region).getBucketPolicy(r -> r.bucket(accessLogs)).policy()))
                        .as("admitted after deleting %d of 20", i + 1).containsExactlyInAnyOrderElementsOf(admitted);
                assertThat(members(buckets.get(i + 1))).as("after deleting %d of 20", i + 1).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(left.logBucket()).isTrue();
                assertThat(deleted.component(TrailBucket.NAME).getMessage()).startsWith("shared: trail " + shared.trail());
            } else {
                assertThat(left.sharedTrail()).isFalse();
                assertThat(left.logBucket()).as("no Retain member: the log bucket ends with the trail").isFalse();
                assertThat(bucketExists(region, accessLogs)).as("no Retain member: the access-log bucket ends with its last source").isFalse();
            }
        }
        assertThat(trailsIn(region)).containsExactlyInAnyOrderElementsOf(foreign);
        Map<String, Long> trailDeletes = deleteCalls.stream().filter(c -> c.startsWith("CloudTrail:") && !ApiCallMetrics.isReadOnly(c))
                .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
        assertThat(trailDeletes).containsEntry("CloudTrail:PutEventSelectors", 19L).containsEntry("CloudTrail:DeleteTrail", 1L);
        System.out.printf("[measure] 20 deletions: %d AWS calls, %.1f per SecureBucket; CloudTrail writes: %s%n",
                deleteCalls.size(), deleteCalls.size() / 20.0, trailDeletes);
        foreign.forEach(name -> person.cloudTrail(region).deleteTrail(r -> r.name(name)));
    }

    @Test
    void aRegionWithFiveTrailsStallsANewTrailBeforeAnyWriteAndARefusedCreateSaysTheSame() {
        String region = "ap-southeast-2";
        forgetTrailsOfEarlierRuns(region);
        List<String> foreign = foreignTrails(region, 5);
        SecureBucket sb = resource(region, DeletionPolicy.Delete, null);

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult stalled;
        try {
            stalled = graph.reconcile(scope(sb), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(stalled.stalled()).isTrue();
        assertThat(stalled.stalledReason()).isEqualTo("QuotaExceeded");
        assertThat(stalled.stalledMessage()).contains("CloudTrail trails per Region", "5, not adjustable", region + " has 5",
                "needs 1 more", scope(sb).trailDestination().trail());
        assertThat(calls).as("zero writes").allMatch(ApiCallMetrics::isReadOnly);
        assertThat(AwsInventory.of(aws, scope(sb)).buckets()).isEmpty();

        // One slot freed; someone takes it between the operator's count and its CreateTrail: AWS refuses, same reason.
        person.cloudTrail(region).deleteTrail(r -> r.name(foreign.remove(0)));
        String logs = person.cloudTrail(region).getTrail(r -> r.name(foreign.get(0))).trail().s3BucketName();
        FAIL.watch("CreateTrail", request -> {
            if (trailsIn(region).size() < TrailQuota.TRAILS_PER_REGION) {
                foreign.add(foreignTrail(region, logs));
            }
            return true;
        });
        int refusedBefore = QUOTA.refusedTrails();
        WalkResult refused = converge(sb);
        assertThat(refused.stalledReason()).isEqualTo("QuotaExceeded");
        assertThat(refused.stalledMessage()).contains("CloudTrail trails per Region", "already has 5 trails in " + region);
        assertThat(QUOTA.refusedTrails() - refusedBefore).isEqualTo(1);
        FAIL.clear();

        // A trail goes: the SecureBucket converges at its next pass, and leaves nothing when deleted.
        person.cloudTrail(region).deleteTrail(r -> r.name(foreign.remove(0)));
        assertThat(converge(sb).allReady()).isTrue();
        assertThat(members(sb)).containsExactly(scope(sb).objectArnPrefix());
        assertThat(deleteFully(sb).allGone()).isTrue();
        AwsInventory gone = AwsInventory.of(aws, scope(sb));
        assertThat(gone.sharedTrail()).isFalse();
        assertThat(gone.logBucket()).isFalse();
        assertThat(trailsIn(region)).containsExactlyInAnyOrderElementsOf(foreign);
        foreign.forEach(name -> person.cloudTrail(region).deleteTrail(r -> r.name(name)));
    }

    @Test
    void aTrailWhoseSelectorHoldsFiveHundredValuesTakesNoNewMemberAndSaysWhy() {
        String region = "sa-east-1";
        forgetTrailsOfEarlierRuns(region);
        SecureBucket first = resource(region, DeletionPolicy.Delete, null);
        assertThat(converge(first).allReady()).isTrue();
        // 497 members (3 fixed conditions + 497 ARNs = 500 values, AWS's limit per trail): the first and 496 others.
        BucketScope scope = scope(first);
        List<String> full = new ArrayList<>(List.of(scope.objectArnPrefix()));
        for (int i = 0; i < 496; i++) {
            full.add("arn:aws:s3:::filler-" + i + "/");
        }
        String trail = scope.trailDestination().trail();
        person.cloudTrail(region).putEventSelectors(r -> r.trailName(trail)
                .advancedEventSelectors(Trail.selector(Trail.selectorName(scope), full)));

        SecureBucket next = resource(region, DeletionPolicy.Delete, null);
        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult stalled;
        try {
            stalled = graph.reconcile(scope(next), new RecordedEvents());
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(stalled.stalledReason()).isEqualTo("QuotaExceeded");
        assertThat(stalled.stalledMessage()).contains("CloudTrail advanced event selector values per trail", "500, not adjustable",
                "uses 500", "needs 1", trail);
        assertThat(calls).as("zero writes").allMatch(ApiCallMetrics::isReadOnly);

        // A member leaves (here: the fillers): the next one joins.
        person.cloudTrail(region).putEventSelectors(r -> r.trailName(trail)
                .advancedEventSelectors(Trail.selector(Trail.selectorName(scope), List.of(scope.objectArnPrefix()))));
        assertThat(converge(next).allReady()).isTrue();
        assertThat(members(next)).containsExactlyInAnyOrder(scope.objectArnPrefix(), scope(next).objectArnPrefix());
        assertThat(deleteFully(first).allGone()).isTrue();
        assertThat(deleteFully(next).allGone()).isTrue();
        assertThat(trailsIn(region)).isEmpty();
    }

    @Test
    void aNamedLogBucketIsItsOwnDestinationSharedByEverySecureBucketNamingIt() {
        String region = "eu-south-2";
        forgetTrailsOfEarlierRuns(region);
        String audit = "audit-" + System.nanoTime() % 10000000;
        String other = "other-" + System.nanoTime() % 10000000;
        SecureBucket first = resource(region, DeletionPolicy.Delete, audit);
        SecureBucket second = resource(region, DeletionPolicy.Delete, audit);
        SecureBucket third = resource(region, DeletionPolicy.Delete, other);
        SecureBucket byDefault = resource(region, DeletionPolicy.Delete, null);
        for (SecureBucket sb : List.of(first, second, third, byDefault)) {
            assertThat(converge(sb).allReady()).isTrue();
        }
        String auditTrail = scope(first).trailDestination().trail();
        assertThat(scope(second).trailDestination().trail()).isEqualTo(auditTrail);
        assertThat(trailsIn(region)).containsExactlyInAnyOrder(auditTrail, scope(third).trailDestination().trail(),
                scope(byDefault).trailDestination().trail());
        assertThat(members(first)).containsExactlyInAnyOrder(scope(first).objectArnPrefix(), scope(second).objectArnPrefix());
        assertThat(members(third)).containsExactly(scope(third).objectArnPrefix());
        assertThat(person.cloudTrail(region).getTrail(r -> r.name(auditTrail)).trail().s3BucketName()).isEqualTo(audit);

        assertThat(deleteFully(first).allGone()).isTrue();
        assertThat(members(second)).containsExactly(scope(second).objectArnPrefix());
        assertThat(bucketExists(region, audit)).isTrue();
        assertThat(deleteFully(second).allGone()).isTrue();
        assertThat(trailsIn(region)).doesNotContain(auditTrail);
        assertThat(bucketExists(region, audit)).isFalse();
        assertThat(deleteFully(third).allGone()).isTrue();
        assertThat(deleteFully(byDefault).allGone()).isTrue();
        assertThat(trailsIn(region)).isEmpty();
        // Three trails' log buckets, one access-log bucket: gone with the last of them.
        assertThat(bucketExists(region, scope(byDefault).accessLogBucket())).isFalse();
    }

    @Test
    void aRetainMemberKeepsTheSharedLogBucketAfterTheTrailEnds() {
        String region = "eu-south-2";
        SecureBucket kept = resource(region, DeletionPolicy.Retain, null);
        SecureBucket deleted = resource(region, DeletionPolicy.Delete, null);
        assertThat(converge(kept).allReady()).isTrue();
        assertThat(converge(deleted).allReady()).isTrue();
        String logBucket = scope(kept).trailDestination().logBucket();

        assertThat(deleteFully(kept).allGone()).isTrue();
        WalkResult last = deleteFully(deleted);
        assertThat(last.allGone()).isTrue();
        assertThat(AwsInventory.of(aws, scope(deleted)).sharedTrail()).isFalse();
        // A Retain member recorded into it: it stays as that bucket's audit record, even when a Delete member ends the trail.
        assertThat(bucketExists(region, logBucket)).isTrue();
        assertThat(last.retained()).anyMatch(r -> r.startsWith("TrailBucket "));
        // The kept log bucket still delivers its access logs: the access-log bucket stays with it.
        String accessLogs = scope(kept).accessLogBucket();
        assertThat(bucketExists(region, accessLogs)).isTrue();
        assertThat(last.component(AccessLogBucket.NAME).getMessage()).startsWith("shared: ");
        assertThat(person.s3(region).getBucketLogging(r -> r.bucket(logBucket)).loggingEnabled().targetBucket()).isEqualTo(accessLogs);
    }

    @Test
    void aSecureBucketOfThePreviousVersionJoinsTheSharedTrailThenDeletesItsOwn() {
        String region = "ca-central-1";
        forgetTrailsOfEarlierRuns(region);
        SecureBucket sb = resource(region, DeletionPolicy.Delete, null);
        sb.getSpec().trail.enabled = false;
        WalkResult before = converge(sb);
        assertThat(before.allReady()).isTrue();
        String keyArn = before.component(KmsKey.NAME).getId();
        // What the previous version made for it alone: a log bucket <bucket>-trail and a trail <ns>-<name>-<hash>-writes
        // recording its writes with a basic selector, named in its status.
        BucketScope scope = scope(sb);
        String oldLogs = ResourceNames.derivedBucket(scope.names().bucket(), "-trail");
        var s3 = person.s3(region);
        s3.createBucket(r -> r.bucket(oldLogs).createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(region))));
        s3.putBucketTagging(r -> r.bucket(oldLogs).tagging(t -> t.tagSet(Tag.builder().key(Ownership.OWNER_UID).value(scope.ownerKey()).build(),
                Tag.builder().key(Ownership.COMPONENT).value(TrailBucket.NAME).build())));
        s3.putBucketVersioning(r -> r.bucket(oldLogs).versioningConfiguration(v -> v.status("Enabled")));
        s3.putObject(r -> r.bucket(oldLogs).key("AWSLogs/" + ACCOUNT + "/CloudTrail/old.json.gz"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("old logs"));
        var ct = person.cloudTrail(region);
        String oldTrail = scope.names().trail();
        String oldArn = ct.createTrail(r -> r.name(oldTrail).s3BucketName(oldLogs).enableLogFileValidation(true)
                .isMultiRegionTrail(false).includeGlobalServiceEvents(false)).trailARN();
        ct.putEventSelectors(r -> r.trailName(oldTrail).eventSelectors(EventSelector.builder().readWriteType(ReadWriteType.WRITE_ONLY)
                .includeManagementEvents(false).dataResources(DataResource.builder().type("AWS::S3::Object")
                        .values(scope.objectArnPrefix()).build()).build()));
        ct.startLogging(r -> r.name(oldTrail));
        SecureBucketStatus status = new SecureBucketStatus();
        status.setOutputs(new SecureBucketStatus.Outputs());
        status.getOutputs().trailArn = oldArn;
        sb.setStatus(status);
        sb.getSpec().trail.enabled = true;

        // The shared trail refuses the member once: the old trail stays, so its writes are never unrecorded.
        FAIL.answer("PutEventSelectors", "ThrottlingException", 400, "Rate exceeded").times(1);
        WalkResult waiting = graph.reconcile(scope(sb), new RecordedEvents());
        assertThat(waiting.allReady()).isFalse();
        assertThat(waiting.component(PreviousTrail.NAME).getId()).as("still named in status").isEqualTo(oldArn);
        assertThat(trailsIn(region)).contains(oldTrail);

        List<String> calls = ApiCallMetrics.startRecording();
        WalkResult upgraded;
        try {
            upgraded = converge(sb);
        } finally {
            ApiCallMetrics.stopRecording();
        }
        assertThat(upgraded.allReady()).as(upgraded.waitingSummary()).isTrue();
        assertThat(calls.indexOf("CloudTrail:PutEventSelectors")).as("joined the shared trail").isNotNegative()
                .isLessThan(calls.indexOf("CloudTrail:DeleteTrail"));
        assertThat(upgraded.component(PreviousTrail.NAME).getId()).isNull();
        assertThat(trailsIn(region)).containsExactly(scope(sb).trailDestination().trail());
        assertThat(members(sb)).containsExactly(scope(sb).objectArnPrefix());
        assertThat(bucketExists(region, oldLogs)).as("the old log bucket keeps the old logs").isTrue();

        // Deleted with the SecureBucket, by its policy (Delete, emptyOnDelete): old logs, shared trail and log bucket go.
        WalkResult deleted = deleteFully(sb);
        assertThat(deleted.allGone()).as(deleted.waitingSummary() + " " + deleted.stalledMessage()).isTrue();
        assertThat(bucketExists(region, oldLogs)).isFalse();
        assertThat(trailsIn(region)).isEmpty();
        assertThat(bucketExists(region, scope(sb).trailDestination().logBucket())).isFalse();
        assertThat(aws.kms(region).describeKey(r -> r.keyId(keyArn)).keyMetadata().keyState())
                .isEqualTo(KeyState.PENDING_DELETION);
    }

    /**
     * Kills the pass after each mutating call of a trail's whole life in turn (its log bucket, CreateTrail, the
     * first member, logging; then the last member's leaving: the trail, the emptied log bucket): the next passes
     * converge to exactly one trail recording the bucket, and the deletion to nothing.
     */
    @Test
    void everyCrashPointOfASharedTrailsLifeConverges() {
        String region = "eu-west-2";
        forgetTrailsOfEarlierRuns(region);
        CRASH.arm(Integer.MAX_VALUE);
        SecureBucket probe = resource(region, DeletionPolicy.Delete, null);
        assertThat(converge(probe).allReady()).isTrue();
        List<String> creating = CRASH.mutations();
        CRASH.arm(Integer.MAX_VALUE);
        assertThat(deleteFully(probe).allGone()).isTrue();
        List<String> deleting = CRASH.mutations();
        CRASH.disarm();
        assertThat(creating).contains("CloudTrail:CreateTrail", "CloudTrail:PutEventSelectors", "CloudTrail:StartLogging");
        assertThat(deleting).contains("CloudTrail:DeleteTrail", "S3:DeleteBucket");
        assertThat(creating).contains("S3:PutBucketLogging");

        List<String> covered = new ArrayList<>();
        for (int n = 1; n <= creating.size() + deleting.size(); n++) {
            SecureBucket sb = resource(region, DeletionPolicy.Delete, null);
            boolean whileCreating = n <= creating.size();
            String at = whileCreating ? creating.get(n - 1) : deleting.get(n - creating.size() - 1);
            if (whileCreating) {
                CRASH.arm(n);
                assertThatThrownBy(() -> converge(sb)).isInstanceOf(SimulatedCrash.class);
                CRASH.disarm();
            }
            WalkResult ready = converge(sb);
            assertThat(ready.allReady()).as("after a crash following %s: %s", at, ready.waitingSummary()).isTrue();
            assertThat(trailsIn(region)).as("after a crash following %s", at).containsExactly(scope(sb).trailDestination().trail());
            assertThat(members(sb)).containsExactly(scope(sb).objectArnPrefix());
            if (!whileCreating) {
                CRASH.arm(n - creating.size());
                assertThatThrownBy(() -> deleteFully(sb)).isInstanceOf(SimulatedCrash.class);
                CRASH.disarm();
            }
            WalkResult gone = deleteFully(sb);
            assertThat(gone.allGone()).as("deletion after a crash following %s: %s", at, gone.waitingSummary()).isTrue();
            assertThat(trailsIn(region)).as("after a crash following %s", at).isEmpty();
            assertThat(bucketExists(region, scope(sb).trailDestination().logBucket())).as("log bucket after a crash following %s", at).isFalse();
            assertThat(bucketExists(region, scope(sb).accessLogBucket())).as("access-log bucket after a crash following %s", at).isFalse();
            covered.add((whileCreating ? "create " : "delete ") + at);
        }
        System.out.printf("[measure] shared trail crash points covered: %d (%s)%n", covered.size(), String.join(", ", covered));
    }

    private static List<String> concat(List<String> list, String one) {
        List<String> all = new ArrayList<>(list);
        all.add(one);
        return all;
    }
}
