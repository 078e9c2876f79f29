package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.ExpiringCache;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.Tag;
import software.amazon.awssdk.services.cloudtrail.model.TrailInfo;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This SecureBucket's membership in the installation's shared CloudTrail trail of object writes.
 *
 * <p>CloudTrail allows 5 trails per Region, not adjustable (CloudTrail quotas,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html), so a trail per
 * SecureBucket stops at the sixth. A trail is identified by its destination: every SecureBucket of an
 * installation in a Region whose logs go to the same log bucket is recorded by one trail, validated and
 * logging, through ONE advanced event selector (S3 data events, readOnly=false) whose resources.ARN StartsWith
 * lists arn:&lt;partition&gt;:s3:::&lt;bucket&gt;/ of each member (API_AdvancedFieldSelector; "filtering data events by
 * using advanced event selectors" in the CloudTrail guide). PutEventSelectors replaces a trail's whole
 * configuration, so joining and leaving read, modify and write under one lock per trail; another process's lost
 * update is repaired at the next pass, where each member finds its own ARN missing. A trail holds 500 values over
 * all its selectors (not adjustable): 3 for the selector's fixed conditions, one per member. The last member's
 * leaving deletes the trail (an empty StartsWith is invalid); its log bucket's end is {@link TrailBucket}'s.
 */
public class Trail implements Component<BucketScope, Trail.Desired, Trail.State> {
    public static final String NAME = "Trail";

    static final String VALIDATION = "log file validation";
    static final String DESTINATION = "destination";
    static final String ENCRYPTION = "log file encryption";
    static final String MEMBERSHIP = "member";
    static final String LOGGING = "logging";
    static final String CLOUDWATCH_LOGS = "CloudWatch Logs delivery";

    /** CloudTrail: 500 values over all conditions of all advanced event selectors of a trail, not adjustable. */
    public static final int VALUES_PER_TRAIL = 500;
    /** CloudTrail: 5 trails per Region, not adjustable. */
    public static final int TRAILS_PER_REGION = 5;
    /** The conditions of the selector besides the members: eventCategory, resources.type, readOnly. */
    static final int FIXED_VALUES = 3;
    static final String ARN_FIELD = "resources.ARN";
    /** A member found in the shared trail is not asked about again in preflight for this long. */
    private static final Duration MEMBER_CACHED_FOR = Duration.ofHours(1);

    /** Members found in their trail by preflight (region/trail/member): a resync's preflight asks nothing. */
    private final ExpiringCache<Boolean> members = new ExpiringCache<>(Clock.systemUTC());

    /** The trail as CloudTrail reports it: its settings, whether it logs, and its advanced event selectors. */
    public record State(software.amazon.awssdk.services.cloudtrail.model.Trail trail, boolean logging,
                        List<AdvancedEventSelector> selectors, String selectorName) {
        public boolean validationEnabled() {
            return Boolean.TRUE.equals(trail.logFileValidationEnabled());
        }

        /** The members the operator's selector lists (resources.ARN StartsWith), in its order. */
        public List<String> members() {
            return membersIn(selectors, selectorName);
        }
    }

    /**
     * The trail as this SecureBucket wants it: what CreateTrail sends, the member it adds (its objects' ARN
     * prefix) to the operator's selector, and logging on. Validation, destination, the KMS key of its log files (an
     * ARN: what GetTrail returns, "a fully specified ARN to a KMS key"), membership and logging are compared: the
     * rest is set at creation. The CloudWatch Logs group (its ARN ending in ":*") and the role CloudTrail assumes to
     * deliver there are null when the installation opted out (the chart's trail.cloudWatchLogs.enabled: false).
     */
    public record Desired(String name, String logBucket, String kmsKeyArn, boolean logFileValidation, Map<String, String> tags,
                          String selectorName, String member, boolean logging, String logGroupArn, String logsRoleArn) {
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
        BucketScope.TrailDestination destination = scope.trailDestination();
        if (scope.trailLogs().enabled() && (scope.observed(TrailLogGroup.NAME) == null || scope.observed(TrailLogsRole.NAME) == null)) {
            // What an "after" edge would say; the graph reads them instead, so that the chart's opt-out does not hold the trail.
            throw new io.webplatform.operator.aws.StillWorking("waiting for " + TrailLogGroup.NAME + ", " + TrailLogsRole.NAME);
        }
        return new Desired(destination.trail(), destination.logBucket(), scope.idOf(TrailKey.NAME), true, sharedTags(scope, NAME, destination.trail()),
                selectorName(scope), scope.objectArnPrefix(), true,
                scope.trailLogs().enabled() ? TrailLogGroup.trailArn(scope) : null,
                scope.trailLogs().enabled() ? scope.idOf(TrailLogsRole.NAME) : null);
    }

    /** The operator's selector in a trail: named after the installation, so a selector a person added is kept apart. */
    static String selectorName(BucketScope scope) {
        return "webplatform.io/" + scope.installation() + ": S3 object writes of SecureBuckets";
    }

    /**
     * The ownership tags of what the installation shares in a region: the installation's key as owner, never one
     * SecureBucket's, so nothing that sweeps one object's resources by its key touches them.
     */
    static Map<String, String> sharedTags(BucketScope scope, String component, String name) {
        return sharedTags(scope, scope.installationKey(), component, name);
    }

    /** The tags of what the installation shares, owned by {@code ownerKey} (the installation's key of the thing's region). */
    static Map<String, String> sharedTags(BucketScope scope, String ownerKey, String component, String name) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(Ownership.OWNER_UID, ownerKey);
        tags.put(Ownership.OWNER, "Installation/" + scope.installation());
        tags.put(Ownership.COMPONENT, component);
        tags.put(Ownership.MANAGED_BY, Ownership.MANAGED_BY_VALUE);
        tags.put("Name", io.webplatform.operator.aws.ResourceNames.tagValue(name));
        return tags;
    }

    /**
     * The shared trail, logging, with the operator's selector. A plan renders one object, so the selector lists
     * only this SecureBucket: the trail is the installation's, and each other member adds itself at its own pass.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> trail = new LinkedHashMap<>();
        trail.put("TrailName", desired.name());
        trail.put("S3BucketName", desired.logBucket());
        trail.put("KMSKeyId", desired.kmsKeyArn());
        trail.put("IsLogging", desired.logging());
        trail.put("EnableLogFileValidation", desired.logFileValidation());
        trail.put("IsMultiRegionTrail", false);
        trail.put("IncludeGlobalServiceEvents", false);
        if (desired.logGroupArn() != null) {
            trail.put("CloudWatchLogsLogGroupArn", desired.logGroupArn());
            trail.put("CloudWatchLogsRoleArn", desired.logsRoleArn());
        }
        trail.put("AdvancedEventSelectors", List.of(Map.of("Name", desired.selectorName(),
                "FieldSelectors", selector(desired.selectorName(), List.of(desired.member())).fieldSelectors().stream().map(f -> {
                    Map<String, Object> field = new LinkedHashMap<>();
                    field.put("Field", f.field());
                    if (f.hasEqualsValue()) {
                        field.put("Equals", f.equalsValue());
                    }
                    if (f.hasStartsWith()) {
                        field.put("StartsWith", f.startsWith());
                    }
                    return field;
                }).toList())));
        trail.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::CloudTrail::Trail", trail));
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        String arn = CfnResource.attribute(CfnResource.logicalId(NAME), "Arn");
        return Observed.ready(arn, new State(software.amazon.awssdk.services.cloudtrail.model.Trail.builder().name(desired.name())
                .trailARN(arn).s3BucketName(desired.logBucket()).kmsKeyId(desired.kmsKeyArn()).logFileValidationEnabled(desired.logFileValidation())
                .cloudWatchLogsLogGroupArn(desired.logGroupArn()).cloudWatchLogsRoleArn(desired.logsRoleArn()).build(),
                desired.logging(), List.of(selector(desired.selectorName(), List.of(desired.member()))), desired.selectorName()));
    }

    /**
     * This SecureBucket's place in the shared trail: the trail, when it lists this bucket. Not listed (the trail
     * absent, or recording others only) reads as absent: a SecureBucket joins by {@link #create}, and one that is
     * going, or no longer asks for a trail, finds nothing of its own (another member's trail is not its to delete).
     */
    @Override
    public Observed<State> observe(BucketScope scope) {
        CloudTrailClient ct = scope.cloudTrail();
        String name = scope.trailDestination().trail();
        software.amazon.awssdk.services.cloudtrail.model.Trail trail;
        List<AdvancedEventSelector> selectors;
        try {
            trail = ct.getTrail(r -> r.name(name)).trail();
            selectors = ct.getEventSelectors(r -> r.trailName(name)).advancedEventSelectors();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        String selectorName = selectorName(scope);
        if (!membersIn(selectors, selectorName).contains(scope.objectArnPrefix())) {
            return null;
        }
        members.put(memberKey(scope), true, MEMBER_CACHED_FOR);
        boolean logging = Boolean.TRUE.equals(ct.getTrailStatus(r -> r.name(name)).isLogging());
        return Observed.ready(trail.trailARN(), new State(trail, logging, selectors, selectorName));
    }

    /**
     * Before any write: a SecureBucket whose trail does not exist yet needs one of the Region's 5 trails (those
     * whose HomeRegion is this Region, shadow and organisation trails included, as ListTrails returns them);
     * a new member needs one of the trail's 500 selector values. Either missing stalls QuotaExceeded.
     */
    @Override
    public void preflight(BucketScope scope) {
        BucketScope.TrailDestination destination = scope.trailDestination();
        String key = memberKey(scope);
        if (members.get(key) != null) {
            return;
        }
        CloudTrailClient ct = scope.cloudTrail();
        List<AdvancedEventSelector> selectors;
        try {
            selectors = ct.getEventSelectors(r -> r.trailName(destination.trail())).advancedEventSelectors();
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            List<String> inRegion = new ArrayList<>();
            for (TrailInfo t : ct.listTrailsPaginator(r -> { }).trails()) {
                if (scope.region().equals(t.homeRegion())) {
                    inRegion.add(t.name());
                }
            }
            // Another member made it since GetEventSelectors answered: it needs no new trail.
            if (inRegion.size() >= TRAILS_PER_REGION && !inRegion.contains(destination.trail())) {
                throw trailsQuota(scope, destination, String.join(", ", inRegion), inRegion.size());
            }
            return;
        }
        List<String> listed = membersIn(selectors, selectorName(scope));
        if (listed.contains(scope.objectArnPrefix())) {
            members.put(key, true, MEMBER_CACHED_FOR);
            return;
        }
        int used = valuesIn(selectors);
        int needed = listed.isEmpty() ? FIXED_VALUES + 1 : 1;
        if (used + needed > VALUES_PER_TRAIL) {
            throw valuesQuota(destination, used, needed);
        }
    }

    /** A member known to be in its trail: region/trail/member. */
    private static String memberKey(BucketScope scope) {
        return scope.region() + "/" + scope.trailDestination().trail() + "/" + scope.objectArnPrefix();
    }

    private static UserError trailsQuota(BucketScope scope, BucketScope.TrailDestination destination, String trails, int used) {
        return new UserError("QuotaExceeded", "CloudTrail trails per Region (service code cloudtrail; " + TRAILS_PER_REGION
                + ", not adjustable): " + scope.region() + " has " + used + " (" + trails + "); this SecureBucket needs 1 more, the trail "
                + destination.trail() + " for log bucket " + destination.logBucket() + ". Nothing was made. Delete a trail in "
                + scope.region() + ", or record into an existing destination: every SecureBucket of this installation that"
                + " omits spec.trail.logBucketName shares one trail");
    }

    private static UserError valuesQuota(BucketScope.TrailDestination destination, int used, int needed) {
        return new UserError("QuotaExceeded", "CloudTrail advanced event selector values per trail (service code cloudtrail; "
                + VALUES_PER_TRAIL + ", not adjustable): trail " + destination.trail() + " uses " + used + "; this SecureBucket needs "
                + needed + ". Nothing was added. Give this SecureBucket another destination (spec.trail.logBucketName), which"
                + " makes another trail, or turn its trail off");
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
        if (!desired.kmsKeyArn().equals(actual.trail().kmsKeyId())) {
            changes.add(Change.described(ENCRYPTION, actual.trail().kmsKeyId() == null ? "SSE-S3" : actual.trail().kmsKeyId(),
                    desired.kmsKeyArn(), "log files encrypted with KMS key " + desired.kmsKeyArn()));
        }
        String group = blankAsNull(actual.trail().cloudWatchLogsLogGroupArn());
        String role = blankAsNull(actual.trail().cloudWatchLogsRoleArn());
        if (!java.util.Objects.equals(group, desired.logGroupArn()) || !java.util.Objects.equals(role, desired.logsRoleArn())) {
            changes.add(Change.described(CLOUDWATCH_LOGS, group == null ? "off" : group + " as " + role,
                    desired.logGroupArn() == null ? "off" : desired.logGroupArn() + " as " + desired.logsRoleArn(),
                    desired.logGroupArn() == null ? "CloudWatch Logs delivery removed (the chart's trail.cloudWatchLogs.enabled: false)"
                            : "events delivered to CloudWatch Logs group " + desired.logGroupArn()));
        }
        AdvancedEventSelector ours = ours(actual.selectors(), desired.selectorName());
        List<String> listed = actual.members();
        if (ours == null || !wellFormed(ours) || !listed.contains(desired.member())) {
            String had = ours == null ? "no selector of the operator" : !wellFormed(ours) ? "a changed selector"
                    : "not recorded (" + listed.size() + " other member(s))";
            changes.add(Change.described(MEMBERSHIP, had, "recorded",
                    "object writes of " + desired.member() + " recorded by shared trail " + desired.name()));
        }
        if (actual.logging() != desired.logging()) {
            changes.add(Change.described(LOGGING, actual.logging() ? "started" : "stopped", desired.logging() ? "started" : "stopped",
                    desired.logging() ? "logging started" : "logging stopped"));
        }
        return changes;
    }

    /** UpdateTrail with an empty CloudWatchLogsLogGroupArn removes the delivery; GetTrail may then answer an empty string. */
    static String blankAsNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    /**
     * Joins the shared trail, creating it unless another member did (under the trail's lock, checked again:
     * CreateTrail of an existing name is refused). A sixth trail in the Region is refused with
     * MaximumNumberOfTrailsExceededException ("User: ... already has 5 trails in &lt;region&gt;."): QuotaExceeded.
     * Logging starts in {@link #apply}, once the selector says what to record.
     */
    @Override
    public void create(BucketScope scope, Desired desired) {
        createTrailUnlessItExists(scope, desired);
        join(scope, desired);
        members.put(memberKey(scope), true, MEMBER_CACHED_FOR);
    }

    private static void createTrailUnlessItExists(BucketScope scope, Desired desired) {
        List<Tag> tags = desired.tags().entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        CloudTrailClient ct = scope.cloudTrail();
        locked(scope, desired.name(), () -> {
            try {
                ct.getTrail(r -> r.name(desired.name()));
                return null;
            } catch (RuntimeException e) {
                if (!AwsErrors.isNotFound(e)) {
                    throw e;
                }
            }
            try {
                checkedByCloudTrail(scope, desired, () -> ct.createTrail(r -> r
                        .name(desired.name())
                        .s3BucketName(desired.logBucket())
                        .kmsKeyId(desired.kmsKeyArn())
                        .enableLogFileValidation(desired.logFileValidation())
                        .isMultiRegionTrail(false)
                        .includeGlobalServiceEvents(false)
                        .cloudWatchLogsLogGroupArn(desired.logGroupArn())
                        .cloudWatchLogsRoleArn(desired.logsRoleArn())
                        .tagsList(tags)));
            } catch (RuntimeException e) {
                String code = AwsErrors.errorCode(e);
                if ("MaximumNumberOfTrailsExceededException".equals(code)) {
                    throw new UserError("QuotaExceeded", "CloudTrail trails per Region (service code cloudtrail; " + TRAILS_PER_REGION
                            + ", not adjustable): AWS refused trail " + desired.name() + " for log bucket " + desired.logBucket() + " in "
                            + scope.region() + " (" + AwsErrors.message(e) + "); this SecureBucket needs 1 more. Delete a trail in "
                            + scope.region() + ", or record into an existing destination");
                }
                if (!"TrailAlreadyExistsException".equals(code)) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        CloudTrailClient ct = scope.cloudTrail();
        var trail = current.detail().trail();
        boolean logging = current.detail().logging();
        List<AdvancedEventSelector> selectors = current.detail().selectors();
        List<String> fields = changes.stream().map(Change::field).toList();
        try {
            // One UpdateTrail sets them all: validation, destination, the key and CloudWatch Logs delivery (empty strings remove it).
            if (fields.contains(VALIDATION) || fields.contains(DESTINATION) || fields.contains(ENCRYPTION) || fields.contains(CLOUDWATCH_LOGS)) {
                String group = desired.logGroupArn() == null ? "" : desired.logGroupArn();
                String role = desired.logsRoleArn() == null ? "" : desired.logsRoleArn();
                checkedByCloudTrail(scope, desired, () -> ct.updateTrail(r -> r.name(desired.name()).s3BucketName(desired.logBucket())
                        .kmsKeyId(desired.kmsKeyArn()).enableLogFileValidation(desired.logFileValidation())
                        .cloudWatchLogsLogGroupArn(group).cloudWatchLogsRoleArn(role)));
                trail = trail.toBuilder().s3BucketName(desired.logBucket()).kmsKeyId(desired.kmsKeyArn())
                        .logFileValidationEnabled(desired.logFileValidation())
                        .cloudWatchLogsLogGroupArn(desired.logGroupArn()).cloudWatchLogsRoleArn(desired.logsRoleArn()).build();
            }
            if (fields.contains(MEMBERSHIP)) {
                selectors = join(scope, desired);
                members.put(memberKey(scope), true, MEMBER_CACHED_FOR);
            }
            if (fields.contains(LOGGING)) {
                ct.startLogging(r -> r.name(desired.name()));
                logging = true;
            }
        } finally {
            // The findings, judged after the walk, read the trail as this pass left it.
            scope.record(NAME, current.withDetail(new State(trail, logging, selectors, desired.selectorName())));
        }
    }

    /**
     * CreateTrail and UpdateTrail check the log bucket's policy and the key's policy the operator has just written:
     * a refusal while either propagates is a retry (StillWorking), not Stalled, for a bounded time. So is the role
     * CloudTrail assumes to deliver to CloudWatch Logs, right after CreateRole (measured from the role's CreateDate).
     */
    private static void checkedByCloudTrail(BucketScope scope, Desired desired, Runnable call) {
        TrailLogsRole.State role = desired.logsRoleArn() == null ? null : TrailLogsRole.of(scope);
        java.time.Instant roleMade = role == null ? null : role.role().createDate();
        Runnable withRole = desired.logsRoleArn() == null ? call
                : () -> Propagation.TRAIL_LOGS_ROLE.run("role " + desired.logsRoleArn(), roleMade, scope.clock(), call);
        Propagation.TRAIL_BUCKET_POLICY.run("the bucket policy of " + desired.logBucket(), null, scope.clock(),
                () -> Propagation.TRAIL_KEY_POLICY.run("the key policy of " + desired.kmsKeyArn(), null, scope.clock(), withRole));
    }

    /** Adds this member to the operator's selector, read and written under the trail's lock; the selectors as put. */
    private static List<AdvancedEventSelector> join(BucketScope scope, Desired desired) {
        CloudTrailClient ct = scope.cloudTrail();
        return locked(scope, desired.name(), () -> {
            List<AdvancedEventSelector> now = ct.getEventSelectors(r -> r.trailName(desired.name())).advancedEventSelectors();
            Set<String> listed = new LinkedHashSet<>(membersIn(now, desired.selectorName()));
            listed.add(desired.member());
            List<AdvancedEventSelector> wanted = replaceOurs(now, desired.selectorName(), List.copyOf(listed));
            if (valuesIn(wanted) > VALUES_PER_TRAIL) {
                throw valuesQuota(scope.trailDestination(), valuesIn(now), valuesIn(wanted) - valuesIn(now));
            }
            put(ct, scope, desired.name(), wanted);
            return wanted;
        });
    }

    private static void put(CloudTrailClient ct, BucketScope scope, String trail, List<AdvancedEventSelector> selectors) {
        try {
            ct.putEventSelectors(r -> r.trailName(trail).advancedEventSelectors(selectors));
        } catch (RuntimeException e) {
            // InvalidEventSelectorsException: "Specify up to 500 values for all conditions in all advanced event selectors for a trail".
            if ("InvalidEventSelectorsException".equals(AwsErrors.errorCode(e)) && AwsErrors.message(e).contains(String.valueOf(VALUES_PER_TRAIL))) {
                throw valuesQuota(scope.trailDestination(), VALUES_PER_TRAIL, 1);
            }
            throw e;
        }
    }

    /**
     * Leaves the shared trail: its ARN removed from the selector, the others kept. The last member deletes the
     * trail (a selector cannot list no ARN). Each step is complete on its own: a crash between passes converges.
     */
    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        CloudTrailClient ct = scope.cloudTrail();
        String name = scope.trailDestination().trail();
        String selectorName = selectorName(scope);
        return locked(scope, name, () -> {
            List<AdvancedEventSelector> now;
            try {
                now = ct.getEventSelectors(r -> r.trailName(name)).advancedEventSelectors();
            } catch (RuntimeException e) {
                if (AwsErrors.isNotFound(e)) {
                    return true;
                }
                throw e;
            }
            List<String> listed = membersIn(now, selectorName);
            List<String> others = listed.stream().filter(m -> !m.equals(scope.objectArnPrefix())).toList();
            if (!others.isEmpty()) {
                if (others.size() != listed.size()) {
                    put(ct, scope, name, replaceOurs(now, selectorName, others));
                }
                return true;
            }
            // TrailNotFoundException (someone deleted it meanwhile) is judged by the engine's table of delete failures: GONE.
            ct.deleteTrail(r -> r.name(name));
            return true;
        });
    }

    /** The shared trail exists (read under its lock, so that no member of this process is joining it meanwhile). */
    static boolean exists(BucketScope scope) {
        return read(scope) != null;
    }

    /** The shared trail as GetTrail reports it, read under its lock; null when it does not exist. */
    static software.amazon.awssdk.services.cloudtrail.model.Trail read(BucketScope scope) {
        String name = scope.trailDestination().trail();
        return locked(scope, name, () -> {
            try {
                return scope.cloudTrail().getTrail(r -> r.name(name)).trail();
            } catch (RuntimeException e) {
                if (AwsErrors.isNotFound(e)) {
                    return null;
                }
                throw e;
            }
        });
    }

    /**
     * Why a part of the trail's CloudWatch Logs delivery (its group, its role) stays: while the trail exists and the
     * installation wants delivery, other SecureBuckets' events use it; opted out, it stays until the trail no longer
     * names it ({@code named}: the ARN the trail gives for that part). Null when it is this object's to delete.
     */
    static String deliveryLeftInPlace(BucketScope scope, java.util.function.Function<software.amazon.awssdk.services.cloudtrail.model.Trail, String> named,
                                      String ours, String using) {
        software.amazon.awssdk.services.cloudtrail.model.Trail trail = read(scope);
        if (trail == null || !scope.trailLogs().enabled() && !ours.equals(named.apply(trail))) {
            return null;
        }
        return "shared: trail " + scope.trailDestination().trail() + (scope.trailLogs().enabled()
                ? " still delivers other SecureBuckets' events " + using : " still names it (removed once the trail no longer does)");
    }

    /** Read-modify-write of the trail's selectors, its creation and deletion, under one lock per trail. */
    private static <T> T locked(BucketScope scope, String trail, Supplier<T> work) {
        return SharedLocks.locked(scope, "cloudtrail:" + trail, work);
    }

    /** The operator's selector: S3 object writes (data events, readOnly=false) of the objects under each member prefix. */
    static AdvancedEventSelector selector(String name, List<String> members) {
        return AdvancedEventSelector.builder().name(name).fieldSelectors(
                AdvancedFieldSelector.builder().field("eventCategory").equalsValue("Data").build(),
                AdvancedFieldSelector.builder().field("resources.type").equalsValue("AWS::S3::Object").build(),
                AdvancedFieldSelector.builder().field("readOnly").equalsValue("false").build(),
                AdvancedFieldSelector.builder().field(ARN_FIELD).startsWith(members).build()).build();
    }

    /** The selectors with the operator's replaced by one listing these members (dropped when none); the others as they are. */
    static List<AdvancedEventSelector> replaceOurs(List<AdvancedEventSelector> selectors, String name, List<String> members) {
        List<AdvancedEventSelector> result = new ArrayList<>();
        if (selectors != null) {
            selectors.stream().filter(s -> !name.equals(s.name())).forEach(result::add);
        }
        if (!members.isEmpty()) {
            result.add(selector(name, members));
        }
        return result;
    }

    static AdvancedEventSelector ours(List<AdvancedEventSelector> selectors, String name) {
        return selectors == null ? null : selectors.stream().filter(s -> name.equals(s.name())).findFirst().orElse(null);
    }

    static List<String> membersIn(List<AdvancedEventSelector> selectors, String name) {
        AdvancedEventSelector ours = ours(selectors, name);
        if (ours == null) {
            return List.of();
        }
        return ours.fieldSelectors().stream().filter(f -> ARN_FIELD.equals(f.field()) && f.hasStartsWith())
                .flatMap(f -> f.startsWith().stream()).distinct().toList();
    }

    /** Exactly the operator's conditions, whatever its members. */
    static boolean wellFormed(AdvancedEventSelector selector) {
        List<String> members = membersIn(List.of(selector), selector.name());
        return !members.isEmpty() && selector.equals(selector(selector.name(), members));
    }

    /** What counts against the 500: every value of every condition of every advanced selector. */
    static int valuesIn(List<AdvancedEventSelector> selectors) {
        if (selectors == null) {
            return 0;
        }
        return selectors.stream().flatMap(s -> s.fieldSelectors().stream()).mapToInt(f -> f.equalsValue().size() + f.startsWith().size()
                + f.endsWith().size() + f.notEquals().size() + f.notStartsWith().size() + f.notEndsWith().size()).sum();
    }

    /** The trail as this pass found it (and left it); null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
