package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The findings are judged after the walk, on what each component left: the pass that creates or
 * repairs a setting reports it as passing (apply records the state it made), not Degraded until the
 * next resync.
 */
class BucketFindingsEmulatorTest {
    private static AwsClients aws;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients();
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private BucketScope scope(SecureBucket sb) {
        return new BucketScope(sb, aws, "123456789012");
    }

    @Test
    void thePassThatCreatesOrRepairsReportsEveryCheckPassing() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.deletionPolicy = DeletionPolicy.Delete;
        SecureBucket sb = TestResources.secureBucket("fi" + System.nanoTime() % 100000, spec);
        BucketNames names = BucketNames.of(sb);

        BucketScope created = scope(sb);
        assertThat(graph.reconcile(created, new RecordedEvents()).allReady()).isTrue();
        List<Finding> first = BucketFindings.evaluate(created);
        // 5 checks on each of 4 buckets (the access-log bucket too), key rotation, trail validation, logging and KMS encryption (CloudTrail.2),
        // access logging of the data and backup buckets (S3.9) and of the trail's log bucket (CloudTrail.7), the trail's delivery
        // to CloudWatch Logs (CloudTrail.5), and the installation's options, off by default in the chart: Insights and Object
        // Lock (S3.15) on the trail, and the spec's: replication within the region (S3.7), reported as opted out.
        assertThat(first).hasSize(31).noneMatch(Finding::faulty);
        assertThat(first).filteredOn(f -> f.getId().equals("CloudTrail.5")).hasSize(1);
        assertThat(first).filteredOn(Finding::failed).extracting(Finding::getId, Finding::getOptedOutBy).containsExactlyInAnyOrder(
                tuple("cloudtrail_insights_exist", "the chart's trail.insights.enabled: false"),
                tuple("S3.15", "the chart's trail.objectLock.mode: none"),
                tuple("S3.7", "spec.replication.region: the bucket's own (" + Emulator.REGION + ")"));
        assertThat(first).filteredOn(f -> f.getId().equals("S3.9")).hasSize(2);
        assertThat(first).filteredOn(f -> f.getId().equals("CloudTrail.7")).hasSize(1);

        aws.s3(Emulator.REGION).putBucketVersioning(r -> r.bucket(names.bucket())
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        BucketScope.TrailDestination shared = created.trailDestination();
        aws.s3(Emulator.REGION).deleteBucketPolicy(r -> r.bucket(shared.logBucket()));
        aws.cloudTrail(Emulator.REGION).stopLogging(r -> r.name(shared.trail()));
        aws.cloudTrail(Emulator.REGION).updateTrail(r -> r.name(shared.trail()).enableLogFileValidation(false));
        aws.s3(Emulator.REGION).putBucketLogging(r -> r.bucket(names.backupBucket()).bucketLoggingStatus(st -> { }));
        BucketScope repaired = scope(sb);
        WalkResult walk = graph.reconcile(repaired, new RecordedEvents());
        assertThat(walk.repairs()).hasSize(5);
        assertThat(BucketFindings.evaluate(repaired)).hasSize(31).noneMatch(Finding::faulty);

        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 5 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        assertThat(deleted.allGone()).isTrue();
    }

    /**
     * A SecureBucket that opts out of access logs: its buckets stop logging and leave the access-log bucket's policy;
     * its findings say S3.9 is off by the spec's choice (optedOutBy), which is not a fault.
     */
    @Test
    void optingOutOfAccessLogsTurnsThemOffAndSaysWhoChose() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.deletionPolicy = DeletionPolicy.Delete;
        SecureBucket sb = TestResources.secureBucket("fo" + System.nanoTime() % 100000, spec);
        BucketNames names = BucketNames.of(sb);
        assertThat(graph.reconcile(scope(sb), new RecordedEvents()).allReady()).isTrue();

        sb.getSpec().accessLogs.enabled = false;
        BucketScope optedOut = scope(sb);
        WalkResult walk = graph.reconcile(optedOut, new RecordedEvents());
        assertThat(walk.allReady()).as(walk.waitingSummary()).isTrue();
        var s3 = aws.s3(Emulator.REGION);
        for (String bucket : List.of(names.bucket(), names.backupBucket())) {
            assertThat(s3.getBucketLogging(r -> r.bucket(bucket)).loggingEnabled()).isNull();
            assertThat(BucketPolicies.accessLogSources(AccessLogBucket.currentPolicy(optedOut)))
                    .doesNotContain(optedOut.partition().bucketArn(bucket));
        }
        List<Finding> findings = BucketFindings.evaluate(optedOut);
        assertThat(findings).filteredOn(f -> f.getId().equals("S3.9")).hasSize(2).allSatisfy(f -> {
            assertThat(f.failed()).isTrue();
            assertThat(f.faulty()).isFalse();
            assertThat(f.getOptedOutBy()).isEqualTo("spec.accessLogs.enabled: false");
            assertThat(f.getMessage()).startsWith("opted out: ").contains("S3.9", "s3_bucket_server_access_logging_enabled");
        });
        // The trail's log bucket is the installation's: an opted-out member neither judges nor changes it.
        assertThat(findings).noneMatch(f -> f.getId().equals("CloudTrail.7"));
        assertThat(findings).noneMatch(Finding::faulty);
        // Stable: the next pass writes nothing.
        assertThat(graph.reconcile(scope(sb), new RecordedEvents()).repairs()).isEmpty();

        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 5 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        assertThat(deleted.allGone()).isTrue();
    }
}
