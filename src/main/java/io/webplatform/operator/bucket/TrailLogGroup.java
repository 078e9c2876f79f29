package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CloudWatch Logs group the shared trail also delivers its events to (Security Hub CloudTrail.5, prowler
 * cloudtrail_cloudwatch_logging_enabled): /aws/cloudtrail/&lt;trail name&gt;, one per shared trail, kept for the chart's
 * trail.cloudWatchLogs.retentionDays and encrypted with the trail's own {@link TrailKey}, whose policy lets
 * logs.&lt;region&gt;.amazonaws.com use it for this group only (kms:EncryptionContext:aws:logs:arn, "Encrypt log data in
 * CloudWatch Logs using AWS KMS"). Made before the trail names it; tagged as the installation's at CreateLogGroup.
 *
 * <p>Its end is the trail's: left while the trail delivers into it; once the last member deleted the trail, deleted,
 * unless the trail's log bucket is kept (a member whose deletionPolicy is Retain recorded into it): then its events are
 * kept with it, as the key is. The chart's opt-out (trail.cloudWatchLogs.enabled: false) deletes it once the trail no
 * longer names it.
 */
public class TrailLogGroup implements Component<BucketScope, TrailLogGroup.Desired, TrailLogGroup.State> {
    public static final String NAME = "TrailLogGroup";
    static final String PREFIX = "/aws/cloudtrail/";
    static final String RETENTION = "retention";
    static final String ENCRYPTION = "encryption";

    /** The group as the operator wants it: what CreateLogGroup and PutRetentionPolicy send. */
    public record Desired(String name, int retentionDays, String kmsKeyArn, Map<String, String> tags) {
    }

    /** The group as DescribeLogGroups reports it (retention null: kept forever; key null: encrypted by CloudWatch Logs' own keys). */
    public record State(String name, Integer retentionDays, String kmsKeyId) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailLogsEnabled();
    }

    /** /aws/cloudtrail/&lt;trail name&gt;: a trail name (at most 128 of [a-zA-Z0-9._-]) is a valid group name as it is. */
    static String groupName(BucketScope scope) {
        return PREFIX + scope.trailDestination().trail();
    }

    /** The group's ARN, as the key policy's kms:EncryptionContext:aws:logs:arn names it (no ":*"). */
    static String arn(BucketScope scope) {
        return scope.partition().arn("logs", scope.region(), scope.accountId(), "log-group:" + groupName(scope));
    }

    /** What CreateTrail's CloudWatchLogsLogGroupArn takes: "a log group ARN ... ending in :*" (API_CreateTrail). */
    static String trailArn(BucketScope scope) {
        return arn(scope) + ":*";
    }

    @Override
    public Desired desired(BucketScope scope) {
        String name = groupName(scope);
        return new Desired(name, scope.trailLogs().retentionDays(), scope.idOf(TrailKey.NAME), Trail.sharedTags(scope, NAME, name));
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("LogGroupName", desired.name());
        group.put("RetentionInDays", desired.retentionDays());
        group.put("KmsKeyId", desired.kmsKeyArn());
        group.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::Logs::LogGroup", group));
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        return Observed.ready(arn(scope), new State(desired.name(), desired.retentionDays(), desired.kmsKeyArn()));
    }

    /** Found by its name (DescribeLogGroups matches a prefix: the exact name is picked). */
    @Override
    public Observed<State> observe(BucketScope scope) {
        String name = groupName(scope);
        LogGroup group = scope.logs().describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups().stream()
                .filter(g -> name.equals(g.logGroupName())).findFirst().orElse(null);
        return group == null ? null : Observed.ready(arn(scope), new State(name, group.retentionInDays(), group.kmsKeyId()));
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        if (actual.retentionDays() == null || actual.retentionDays() != desired.retentionDays()) {
            changes.add(Change.described(RETENTION, actual.retentionDays() == null ? "forever" : actual.retentionDays(), desired.retentionDays(),
                    "log group " + desired.name() + " keeps " + desired.retentionDays() + " days"));
        }
        if (!desired.kmsKeyArn().equals(actual.kmsKeyId())) {
            changes.add(Change.described(ENCRYPTION, actual.kmsKeyId() == null ? "CloudWatch Logs' own keys" : actual.kmsKeyId(),
                    desired.kmsKeyArn(), "log group " + desired.name() + " encrypted with KMS key " + desired.kmsKeyArn()));
        }
        return changes;
    }

    /**
     * CreateLogGroup takes the key and tags but no retention: the diff then sets it. Several members applied together
     * all find it missing: ResourceAlreadyExistsException is another member's group, observed next.
     */
    @Override
    public void create(BucketScope scope, Desired desired) {
        try {
            keyChecked(scope, desired, () -> scope.logs().createLogGroup(r -> r.logGroupName(desired.name()).kmsKeyId(desired.kmsKeyArn())
                    .tags(desired.tags())));
        } catch (RuntimeException e) {
            if (!"ResourceAlreadyExistsException".equals(AwsErrors.errorCode(e))) {
                throw e;
            }
        }
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        CloudWatchLogsClient logs = scope.logs();
        State after = current.detail();
        for (Change change : changes) {
            switch (change.field()) {
                case RETENTION -> {
                    logs.putRetentionPolicy(r -> r.logGroupName(desired.name()).retentionInDays(desired.retentionDays()));
                    after = new State(after.name(), desired.retentionDays(), after.kmsKeyId());
                }
                case ENCRYPTION -> {
                    // Events already stored stay readable: CloudWatch Logs keeps the keys it used.
                    keyChecked(scope, desired, () -> logs.associateKmsKey(r -> r.logGroupName(desired.name()).kmsKeyId(desired.kmsKeyArn())));
                    after = new State(after.name(), after.retentionDays(), desired.kmsKeyArn());
                }
                default -> throw new IllegalArgumentException("no such log group setting: " + change.field());
            }
        }
        scope.record(NAME, current.withDetail(after));
    }

    /**
     * CloudWatch Logs checks at CreateLogGroup and AssociateKmsKey that it may use the key: right after the key policy
     * gained its statement, a refusal is a retry (StillWorking) for a bounded time, not Stalled.
     */
    private static void keyChecked(BucketScope scope, Desired desired, Runnable call) {
        io.webplatform.operator.aws.Propagation.TRAIL_LOG_GROUP_KEY.run("the key policy of " + desired.kmsKeyArn() + " for " + desired.name(),
                null, scope.clock(), call);
    }

    /** ResourceNotFoundException (someone deleted it meanwhile) is judged by the engine's table of delete failures: GONE. */
    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        scope.logs().deleteLogGroup(r -> r.logGroupName(current.detail().name()));
        return true;
    }

    /**
     * While the trail exists and delivers into it (or the installation still wants it), other SecureBuckets' events
     * go there: not this object's to delete. Opted out, it goes once the trail no longer names it.
     */
    @Override
    public String leftInPlace(BucketScope scope) {
        return Trail.deliveryLeftInPlace(scope, software.amazon.awssdk.services.cloudtrail.model.Trail::cloudWatchLogsLogGroupArn, trailArn(scope), "into it");
    }

    /**
     * Kept exactly when the trail's log bucket is kept, as the trail's key is ({@link TrailKey#retainedOnDelete}); never
     * when the installation opted out of CloudWatch Logs delivery.
     */
    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return scope.trailLogs().enabled() && new TrailKey().retainedOnDelete(scope);
    }

    /** The group as this pass found it (and left it); null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
