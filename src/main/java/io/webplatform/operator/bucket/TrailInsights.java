package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudtrail.model.InsightSelector;
import software.amazon.awssdk.services.cloudtrail.model.InsightType;
import software.amazon.awssdk.services.cloudtrail.model.SourceEventCategory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * CloudTrail Insights on the shared trail, when the chart's trail.insights.enabled asks for it (prowler
 * cloudtrail_insights_exist): unusual rates of the object writes the trail records, and of their errors, against a
 * 28-day baseline. The trail records data events only, so both Insights types are selected on the Data category
 * (PutInsightSelectors: "valid EventCategories are Management and Data"; without EventCategories an Insights type
 * watches management events, which this trail does not record;
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutInsightSelectors.html). PutInsightSelectors
 * replaces the trail's selectors; an empty list turns Insights off.
 *
 * <p>Insights bill per event analyzed (both types analyze every data event the trail records), so it is off by
 * default. Reads are paid only where there is something to read: GetTrail, which {@link Trail} reads anyway, says
 * whether the trail has Insights selectors (HasInsightSelectors); GetInsightSelectors follows only then. The selectors
 * are the shared trail's, so the installation's setting applies whichever member converges; they end with the trail.
 */
public class TrailInsights implements Component<BucketScope, TrailInsights.Desired, List<InsightSelector>> {
    public static final String NAME = "TrailInsights";
    static final String SELECTORS = "insight selectors";

    /** The trail and the selectors it must have: both types on data events when on, none when off. */
    public record Desired(String trail, List<InsightSelector> selectors) {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Wherever this SecureBucket is a member of the trail: on, to put them; off, to take away what an earlier setting put. */
    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailEnabled();
    }

    @Override
    public Desired desired(BucketScope scope) {
        return new Desired(scope.trailDestination().trail(), scope.trailInsights() ? selectors() : List.of());
    }

    /** ApiCallRateInsight and ApiErrorRateInsight over the data events the trail records. */
    static List<InsightSelector> selectors() {
        return List.of(
                InsightSelector.builder().insightType(InsightType.API_CALL_RATE_INSIGHT).eventCategories(SourceEventCategory.DATA).build(),
                InsightSelector.builder().insightType(InsightType.API_ERROR_RATE_INSIGHT).eventCategories(SourceEventCategory.DATA).build());
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        if (desired.selectors().isEmpty()) {
            return List.of();
        }
        return List.of(CfnResource.of(CfnResource.logicalId(Trail.NAME), "AWS::CloudTrail::Trail", Map.of("InsightSelectors",
                desired.selectors().stream().map(s -> Map.of("InsightType", s.insightTypeAsString())).toList())));
    }

    @Override
    public Observed<List<InsightSelector>> planned(BucketScope scope, Desired desired) {
        return Observed.ready(id(scope), desired.selectors());
    }

    private static String id(BucketScope scope) {
        Trail.State trail = Trail.of(scope);
        return (trail == null ? scope.trailDestination().trail() : trail.trail().trailARN()) + "#insights";
    }

    /**
     * The trail's Insights selectors, empty when it has none: read only when GetTrail (read by {@link Trail}) says it has
     * some (HasInsightSelectors). Absent when this SecureBucket is not in the trail.
     */
    @Override
    public Observed<List<InsightSelector>> observe(BucketScope scope) {
        Trail.State trail = Trail.of(scope);
        if (trail == null) {
            return null;
        }
        if (!Boolean.TRUE.equals(trail.trail().hasInsightSelectors())) {
            return Observed.ready(id(scope), List.of());
        }
        try {
            return Observed.ready(id(scope), scope.cloudTrail().getInsightSelectors(r -> r.trailName(scope.trailDestination().trail()))
                    .insightSelectors());
        } catch (RuntimeException e) {
            if ("InsightNotEnabledException".equals(AwsErrors.errorCode(e))) {
                return Observed.ready(id(scope), List.of());
            }
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public List<Change> diff(List<InsightSelector> actual, Desired desired) {
        if (sorted(actual).equals(sorted(desired.selectors()))) {
            return List.of();
        }
        return List.of(Change.described(SELECTORS, describe(actual), describe(desired.selectors()),
                "CloudTrail Insights of trail " + desired.trail() + ": " + describe(desired.selectors())));
    }

    private static List<String> sorted(List<InsightSelector> selectors) {
        return selectors.stream().map(s -> s.insightTypeAsString() + " on " + s.eventCategoriesAsStrings().stream().sorted().toList())
                .sorted(Comparator.naturalOrder()).toList();
    }

    static String describe(List<InsightSelector> selectors) {
        return selectors.isEmpty() ? "off" : String.join(", ", sorted(selectors));
    }

    /** Observed whenever the trail lists this SecureBucket (see {@link #observe}); the trail makes it, so this only puts. */
    @Override
    public void create(BucketScope scope, Desired desired) {
        if (!desired.selectors().isEmpty()) {
            put(scope, desired);
        }
    }

    @Override
    public void apply(BucketScope scope, Observed<List<InsightSelector>> current, Desired desired, List<Change> changes) {
        put(scope, desired);
    }

    private static void put(BucketScope scope, Desired desired) {
        scope.cloudTrail().putInsightSelectors(r -> r.trailName(desired.trail()).insightSelectors(desired.selectors()));
    }

    /** The selectors are the trail's: they end with it (the last member deletes it) and stay while others record into it. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return scope.deleting() ? "the trail's: they end with it" : null;
    }

    /** No longer asked by this SecureBucket (its trail turned off): the trail's, left for its other members. */
    @Override
    public boolean delete(BucketScope scope, Observed<List<InsightSelector>> current) {
        return true;
    }
}
