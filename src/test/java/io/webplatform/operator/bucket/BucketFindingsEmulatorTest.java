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
        // 5 checks on each of 3 buckets, key rotation, trail validation, logging and KMS encryption (CloudTrail.2).
        assertThat(first).hasSize(19).noneMatch(Finding::failed);

        aws.s3(Emulator.REGION).putBucketVersioning(r -> r.bucket(names.bucket())
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        BucketScope.TrailDestination shared = created.trailDestination();
        aws.s3(Emulator.REGION).deleteBucketPolicy(r -> r.bucket(shared.logBucket()));
        aws.cloudTrail(Emulator.REGION).stopLogging(r -> r.name(shared.trail()));
        aws.cloudTrail(Emulator.REGION).updateTrail(r -> r.name(shared.trail()).enableLogFileValidation(false));
        BucketScope repaired = scope(sb);
        WalkResult walk = graph.reconcile(repaired, new RecordedEvents());
        assertThat(walk.repairs()).hasSize(4);
        assertThat(BucketFindings.evaluate(repaired)).hasSize(19).noneMatch(Finding::failed);

        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 5 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb), new RecordedEvents());
        }
        assertThat(deleted.allGone()).isTrue();
    }
}
