package io.webplatform.operator.bucket;

import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.InsightSelectorsAsAws;
import io.webplatform.operator.testing.RecordRequests;
import io.webplatform.operator.testing.TestResources;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.InsightSelector;
import software.amazon.awssdk.services.cloudtrail.model.InsightType;
import software.amazon.awssdk.services.cloudtrail.model.PutInsightSelectorsRequest;
import software.amazon.awssdk.services.cloudtrail.model.SourceEventCategory;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloudTrail Insights on the shared trail, as the chart's trail.insights.enabled asks, against the emulator with
 * AWS's way of keeping Insights selectors played by {@link InsightSelectorsAsAws}: off by default and then never read,
 * on both types over data events, repaired, turned off again, left for the other members when one leaves.
 */
class TrailInsightsEmulatorTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "ca-central-1";
    private static final RecordRequests REQUESTS = new RecordRequests();
    private static AwsClients aws;
    private final String installation = "ti" + System.nanoTime() % 1000000;
    private final ComponentGraph<BucketScope> graph = SecureBucketGraph.create();

    @BeforeAll
    static void clients() {
        aws = Emulator.clients(new InsightSelectorsAsAws(), REQUESTS);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private static SecureBucket resource() {
        SecureBucketSpec spec = TestResources.fullSpec();
        spec.region = REGION;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.emptyOnDelete = true;
        return TestResources.secureBucket("ti" + System.nanoTime() % 100000, spec);
    }

    private BucketScope scope(SecureBucket sb, boolean insights) {
        return new BucketScope(sb, Identity.ofUid(sb), aws, ACCOUNT, installation).trailInsights(insights);
    }

    private WalkResult converge(SecureBucket sb, boolean insights) {
        WalkResult result = null;
        for (int pass = 0; pass < 5 && (result == null || !result.allReady()); pass++) {
            result = graph.reconcile(scope(sb, insights), new RecordedEvents());
        }
        assertThat(result.allReady()).as(result.waitingSummary()).isTrue();
        return result;
    }

    private static <T> List<String> callsOf(Supplier<T> work) {
        List<String> calls = ApiCallMetrics.startRecording();
        try {
            work.get();
        } finally {
            ApiCallMetrics.stopRecording();
        }
        return calls;
    }

    private List<InsightSelector> selectorsOf(String trail) {
        try {
            return aws.cloudTrail(REGION).getInsightSelectors(r -> r.trailName(trail)).insightSelectors();
        } catch (RuntimeException notEnabled) {
            return List.of();
        }
    }

    @Test
    void offByDefaultNothingIsReadOnBothTypesOverDataEventsRepairedAndTurnedOffAgain() {
        SecureBucket sb = resource();
        String trail = scope(sb, false).trailDestination().trail();
        List<String> off = callsOf(() -> converge(sb, false));
        assertThat(off).noneMatch(c -> c.contains("InsightSelectors"));
        assertThat(converge(sb, false).component(TrailInsights.NAME).isReady()).isTrue();

        REQUESTS.start();
        List<String> on = callsOf(() -> converge(sb, true));
        assertThat(on).contains("CloudTrail:PutInsightSelectors");
        assertThat(REQUESTS.sent(PutInsightSelectorsRequest.class)).singleElement().satisfies(put ->
                assertThat(put.insightSelectors()).containsExactlyInAnyOrder(
                        InsightSelector.builder().insightType(InsightType.API_CALL_RATE_INSIGHT).eventCategories(SourceEventCategory.DATA).build(),
                        InsightSelector.builder().insightType(InsightType.API_ERROR_RATE_INSIGHT).eventCategories(SourceEventCategory.DATA).build()));
        assertThat(TrailInsights.describe(selectorsOf(trail))).isEqualTo("ApiCallRateInsight on [Data], ApiErrorRateInsight on [Data]");
        BucketScope walked = scope(sb, true);
        assertThat(graph.reconcile(walked, new RecordedEvents()).allReady()).isTrue();
        assertThat(BucketFindings.evaluate(walked)).filteredOn(f -> f.getId().equals("cloudtrail_insights_exist"))
                .singleElement().satisfies(f -> assertThat(f.failed()).as(f.getMessage()).isFalse());

        List<String> resync = callsOf(() -> converge(sb, true));
        assertThat(resync).allMatch(ApiCallMetrics::isReadOnly);
        assertThat(resync.stream().filter(c -> c.equals("CloudTrail:GetInsightSelectors")).count()).isEqualTo(1);

        // Management events only, set by hand: this trail records none, so it is put back.
        aws.cloudTrail(REGION).putInsightSelectors(r -> r.trailName(trail)
                .insightSelectors(InsightSelector.builder().insightType(InsightType.API_CALL_RATE_INSIGHT).build()));
        WalkResult repaired = graph.reconcile(scope(sb, true), new RecordedEvents());
        assertThat(repaired.repairs()).anyMatch(r -> r.contains("CloudTrail Insights of trail " + trail));
        assertThat(TrailInsights.describe(selectorsOf(trail))).isEqualTo("ApiCallRateInsight on [Data], ApiErrorRateInsight on [Data]");

        // Turned off in the chart: taken away (it bills per event analyzed), and no longer read.
        converge(sb, false);
        assertThat(selectorsOf(trail)).isEmpty();
        assertThat(callsOf(() -> converge(sb, false))).noneMatch(c -> c.contains("InsightSelectors"));
        deleteFully(sb, false);
    }

    @Test
    void aMemberLeavingLeavesTheTrailsInsightsToTheOthers() {
        SecureBucket first = resource();
        SecureBucket second = resource();
        converge(first, true);
        converge(second, true);
        String trail = scope(first, true).trailDestination().trail();
        WalkResult left = deleteFully(first, true);
        assertThat(left.component(TrailInsights.NAME).getMessage()).contains("the trail's");
        assertThat(selectorsOf(trail)).hasSize(2);
        deleteFully(second, true);
        assertThat(aws.cloudTrail(REGION).listTrails(r -> { }).trails()).noneMatch(t -> t.name().equals(trail));
    }

    private WalkResult deleteFully(SecureBucket sb, boolean insights) {
        sb.getMetadata().setDeletionTimestamp(Instant.now().toString());
        WalkResult deleted = null;
        for (int pass = 0; pass < 8 && (deleted == null || !deleted.allGone()); pass++) {
            deleted = graph.delete(scope(sb, insights), new RecordedEvents());
        }
        assertThat(deleted.allGone()).as(deleted.waitingSummary()).isTrue();
        return deleted;
    }
}
