package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A CloudTrail trail of the data bucket's object writes (S3 data events, WriteOnly), validated and logging. */
public class Trail implements Component<BucketScope, Trail.Desired, Trail.State> {
    public static final String NAME = "Trail";

    static final String VALIDATION = "log file validation";
    static final String DESTINATION = "destination";
    static final String SELECTOR = "event selector";
    static final String LOGGING = "logging";

    /** The trail as CloudTrail reports it: its settings, whether it logs, and its event selectors. */
    public record State(software.amazon.awssdk.services.cloudtrail.model.Trail trail, boolean logging, List<EventSelector> selectors) {
        public boolean validationEnabled() {
            return Boolean.TRUE.equals(trail.logFileValidationEnabled());
        }
    }

    /**
     * The trail as the operator wants it: what CreateTrail sends, the one event selector, and logging on.
     * Only validation, destination, selector and logging are compared: the rest is set at creation.
     */
    public record Desired(String name, String logBucket, boolean logFileValidation, boolean multiRegion,
                          boolean includeGlobalServiceEvents, Map<String, String> tags, String dataBucket,
                          EventSelector selector, boolean logging) {
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
    public Desired desired(BucketScope scope) {
        String name = scope.names().trail();
        return new Desired(name, scope.names().logBucket(), true, false, false, scope.tags(NAME, name),
                scope.names().bucket(), desiredSelector(scope), true);
    }

    /** The trail, logging, with its one event selector: the data bucket's object writes. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> trail = new java.util.LinkedHashMap<>();
        trail.put("TrailName", desired.name());
        trail.put("S3BucketName", desired.logBucket());
        trail.put("IsLogging", desired.logging());
        trail.put("EnableLogFileValidation", desired.logFileValidation());
        trail.put("IsMultiRegionTrail", desired.multiRegion());
        trail.put("IncludeGlobalServiceEvents", desired.includeGlobalServiceEvents());
        EventSelector selector = desired.selector();
        trail.put("EventSelectors", List.of(Map.of("ReadWriteType", selector.readWriteTypeAsString(),
                "IncludeManagementEvents", selector.includeManagementEvents(),
                "DataResources", selector.dataResources().stream().map(d -> Map.of("Type", d.type(), "Values", d.values())).toList())));
        trail.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::CloudTrail::Trail", trail));
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        String arn = CfnResource.attribute(CfnResource.logicalId(NAME), "Arn");
        return Observed.ready(arn, new State(software.amazon.awssdk.services.cloudtrail.model.Trail.builder().name(desired.name())
                .trailARN(arn).s3BucketName(desired.logBucket()).logFileValidationEnabled(desired.logFileValidation()).build(),
                desired.logging(), List.of(desired.selector())));
    }

    @Override
    public Observed<State> observe(BucketScope scope) {
        CloudTrailClient ct = scope.cloudTrail();
        String name = scope.names().trail();
        software.amazon.awssdk.services.cloudtrail.model.Trail trail;
        try {
            trail = ct.getTrail(r -> r.name(name)).trail();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        boolean logging = Boolean.TRUE.equals(ct.getTrailStatus(r -> r.name(name)).isLogging());
        List<EventSelector> selectors = ct.getEventSelectors(r -> r.trailName(name)).eventSelectors();
        return Observed.ready(trail.trailARN(), new State(trail, logging, selectors));
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (actual.validationEnabled() != desired.logFileValidation()) {
            changes.add(Change.described(VALIDATION, onOff(actual.validationEnabled()), onOff(desired.logFileValidation()),
                    "log file validation turned " + onOff(desired.logFileValidation())));
        }
        if (!desired.logBucket().equals(actual.trail().s3BucketName())) {
            changes.add(Change.of(DESTINATION, actual.trail().s3BucketName(), desired.logBucket()));
        }
        if (!selectorMatches(actual.selectors(), desired.selector())) {
            changes.add(Change.described(SELECTOR, describe(actual.selectors()), describe(List.of(desired.selector())),
                    "event selector set to WriteOnly S3 data events of " + desired.dataBucket()));
        }
        if (actual.logging() != desired.logging()) {
            changes.add(Change.described(LOGGING, actual.logging() ? "started" : "stopped", desired.logging() ? "started" : "stopped",
                    desired.logging() ? "logging started" : "logging stopped"));
        }
        return changes;
    }

    /** "WriteOnly AWS::S3::Object [arn:aws:s3:::b/]", management events included when they are. */
    static String describe(List<EventSelector> selectors) {
        if (selectors == null || selectors.isEmpty()) {
            return "none";
        }
        return String.join("; ", selectors.stream().map(s -> s.readWriteTypeAsString()
                + (Boolean.TRUE.equals(s.includeManagementEvents()) ? " management events" : "")
                + s.dataResources().stream().map(d -> " " + d.type() + " " + d.values()).reduce("", String::concat)).toList());
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    @Override
    public void create(BucketScope scope, Desired desired) {
        List<Tag> tags = desired.tags().entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        Propagation.TRAIL_BUCKET_POLICY.run(logBucketPolicy(desired), null, scope.clock(), () -> scope.cloudTrail().createTrail(r -> r
                .name(desired.name())
                .s3BucketName(desired.logBucket())
                .enableLogFileValidation(desired.logFileValidation())
                .isMultiRegionTrail(desired.multiRegion())
                .includeGlobalServiceEvents(desired.includeGlobalServiceEvents())
                .tagsList(tags)));
    }

    /**
     * CloudTrail checks the log bucket's policy, which TrailBucket has just put. S3 keeps no date of a
     * bucket policy (the bucket's CreationDate is only listed by ListBuckets, which would need
     * s3:ListAllMyBuckets over the whole account), so the window runs from the first refusal.
     */
    private static String logBucketPolicy(Desired desired) {
        return "the bucket policy of " + desired.logBucket();
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        CloudTrailClient ct = scope.cloudTrail();
        var trail = current.detail().trail();
        boolean logging = current.detail().logging();
        List<EventSelector> selectors = current.detail().selectors();
        List<String> fields = changes.stream().map(Change::field).toList();
        try {
            // One UpdateTrail sets both: validation and destination.
            if (fields.contains(VALIDATION) || fields.contains(DESTINATION)) {
                Propagation.TRAIL_BUCKET_POLICY.run(logBucketPolicy(desired), null, scope.clock(), () -> ct.updateTrail(r -> r
                        .name(desired.name()).s3BucketName(desired.logBucket()).enableLogFileValidation(desired.logFileValidation())));
                trail = trail.toBuilder().s3BucketName(desired.logBucket()).logFileValidationEnabled(desired.logFileValidation()).build();
            }
            if (fields.contains(SELECTOR)) {
                ct.putEventSelectors(r -> r.trailName(desired.name()).eventSelectors(desired.selector()));
                selectors = List.of(desired.selector());
            }
            if (fields.contains(LOGGING)) {
                ct.startLogging(r -> r.name(desired.name()));
                logging = true;
            }
        } finally {
            // The findings, judged after the walk, read the trail as this pass left it.
            scope.record(NAME, current.withDetail(new State(trail, logging, selectors)));
        }
    }

    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
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

    /** The trail as this pass found it (and left it); null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
