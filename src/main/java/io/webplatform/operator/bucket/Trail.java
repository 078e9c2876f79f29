package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Tag;

import java.util.ArrayList;
import java.util.List;

/** A CloudTrail trail of the data bucket's object writes (S3 data events, WriteOnly), validated and logging. */
public class Trail extends RepairingComponent<BucketScope> {
    public static final String NAME = "Trail";

    static final class State {
        software.amazon.awssdk.services.cloudtrail.model.Trail trail;
        boolean logging;
        List<EventSelector> selectors;
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailEnabled();
    }

    @Override
    public Observed<Object> observe(BucketScope scope) {
        CloudTrailClient ct = scope.cloudTrail();
        String name = scope.names().trail();
        State state = new State();
        try {
            state.trail = ct.getTrail(r -> r.name(name)).trail();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        state.logging = Boolean.TRUE.equals(ct.getTrailStatus(r -> r.name(name)).isLogging());
        GetEventSelectorsResponse selectors = ct.getEventSelectors(r -> r.trailName(name));
        state.selectors = selectors.eventSelectors();
        return Observed.ready(state.trail.trailARN(), state);
    }

    @Override
    public void create(BucketScope scope) {
        String name = scope.names().trail();
        List<Tag> tags = scope.tags(NAME, name).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        Propagation.TRAIL_BUCKET_POLICY.run(logBucketPolicy(scope), null, scope.clock(), () -> scope.cloudTrail().createTrail(r -> r
                .name(name)
                .s3BucketName(scope.names().logBucket())
                .enableLogFileValidation(true)
                .isMultiRegionTrail(false)
                .includeGlobalServiceEvents(false)
                .tagsList(tags)));
    }

    /**
     * CloudTrail checks the log bucket's policy, which TrailBucket has just put. S3 keeps no date of a
     * bucket policy (the bucket's CreationDate is only listed by ListBuckets, which would need
     * s3:ListAllMyBuckets over the whole account), so the window runs from the first refusal.
     */
    private static String logBucketPolicy(BucketScope scope) {
        return "the bucket policy of " + scope.names().logBucket();
    }

    @Override
    public List<String> repair(BucketScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        CloudTrailClient ct = scope.cloudTrail();
        String name = scope.names().trail();
        List<String> changes = new ArrayList<>();
        if (!Boolean.TRUE.equals(state.trail.logFileValidationEnabled())
                || !scope.names().logBucket().equals(state.trail.s3BucketName())) {
            Propagation.TRAIL_BUCKET_POLICY.run(logBucketPolicy(scope), null, scope.clock(),
                    () -> ct.updateTrail(r -> r.name(name).s3BucketName(scope.names().logBucket()).enableLogFileValidation(true)));
            changes.add("log file validation and destination restored");
        }
        EventSelector desired = desiredSelector(scope);
        if (!selectorMatches(state.selectors, desired)) {
            ct.putEventSelectors(r -> r.trailName(name).eventSelectors(desired));
            state.selectors = List.of(desired);
            changes.add("event selector set to WriteOnly S3 data events of " + scope.names().bucket());
        }
        if (!state.logging) {
            ct.startLogging(r -> r.name(name));
            state.logging = true;
            changes.add("logging started");
        }
        return changes;
    }

    @Override
    public boolean delete(BucketScope scope, Observed<Object> current) {
        scope.cloudTrail().deleteTrail(r -> r.name(scope.names().trail()));
        return true;
    }

    static EventSelector desiredSelector(BucketScope scope) {
        return EventSelector.builder()
                .readWriteType(ReadWriteType.WRITE_ONLY)
                .includeManagementEvents(false)
                .dataResources(DataResource.builder().type("AWS::S3::Object")
                        .values(scope.partition().bucketArn(scope.names().bucket()) + "/").build())
                .build();
    }

    static boolean selectorMatches(List<EventSelector> actual, EventSelector desired) {
        if (actual == null || actual.size() != 1) {
            return false;
        }
        EventSelector a = actual.get(0);
        return a.readWriteType() == desired.readWriteType()
                && Boolean.FALSE.equals(a.includeManagementEvents())
                && a.dataResources().size() == 1
                && desired.dataResources().get(0).type().equals(a.dataResources().get(0).type())
                && desired.dataResources().get(0).values().equals(a.dataResources().get(0).values());
    }

    public static boolean logging(Observed<?> observed) {
        return observed.detail(State.class).logging;
    }

    public static boolean validationEnabled(Observed<?> observed) {
        return Boolean.TRUE.equals(observed.detail(State.class).trail.logFileValidationEnabled());
    }
}
