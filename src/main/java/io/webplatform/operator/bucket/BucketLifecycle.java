package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The operator's lifecycle rule on the data bucket, its backup bucket and the trail's log bucket (Security Hub S3.13,
 * prowler s3_bucket_lifecycle_enabled; PutBucketLifecycleConfiguration,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html). Every bucket aborts
 * uploads left incomplete after {@value #ABORT_UPLOADS_AFTER_DAYS} days: their parts are billed and invisible
 * ("Configuring a bucket lifecycle configuration to delete incomplete multipart uploads",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html). With
 * spec.lifecycle.noncurrentVersionExpirationDays the data and backup buckets also remove a version that many days
 * after it stopped being current, and the delete markers left with no version behind them (ExpiredObjectDeleteMarker):
 * a versioned bucket otherwise grows forever. The trail's log bucket never expires versions: a log overwritten or
 * deleted by hand stays as evidence.
 *
 * <p>The rule is the operator's by its ID: a person's own rules on the same bucket are kept (the configuration is
 * read, the operator's rule replaced in it, and the whole put back, as PutBucketLifecycleConfiguration replaces it).
 * The rule goes with its bucket; a bucket kept on delete keeps it.
 */
public class BucketLifecycle implements Component<BucketScope, BucketLifecycle.Desired, BucketLifecycle.State> {
    public static final String NAME = "BucketLifecycle";
    static final String RULE_ID = "webplatform.io: housekeeping";
    static final int ABORT_UPLOADS_AFTER_DAYS = 7;
    static final String LIFECYCLE_OF = "lifecycle of ";

    /** One bucket and the operator's rule for it. */
    /** One bucket the rule goes on, in its region (a cross-region backup's is another). */
    public record Target(String component, String bucket, String region, LifecycleRule rule) {
    }

    public record Desired(List<Target> targets) {
    }

    /** Each bucket's rules as S3 reports them (empty: none); buckets not found are missing. */
    public record State(Map<String, List<LifecycleRule>> rules) {
        /** The operator's rule on that bucket; null when it has none. */
        public LifecycleRule ours(String bucket) {
            return rules.getOrDefault(bucket, List.of()).stream().filter(r -> RULE_ID.equals(r.id())).findFirst().orElse(null);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(BucketScope scope) {
        Integer noncurrentDays = scope.spec().lifecycle == null ? null : scope.spec().lifecycle.noncurrentVersionExpirationDays;
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(DataBucket.NAME, scope.names().bucket(), scope.region(), rule(noncurrentDays)));
        if (scope.replicationEnabled() && scope.observed(BackupBucket.NAME) != null) {
            targets.add(new Target(BackupBucket.NAME, scope.names().backupBucket(), scope.backupRegion(), rule(noncurrentDays)));
        }
        if (scope.trailEnabled() && scope.observed(TrailBucket.NAME) != null) {
            targets.add(new Target(TrailBucket.NAME, scope.trailDestination().logBucket(), scope.region(), rule(null)));
        }
        return new Desired(targets);
    }

    /** Over every key: abort incomplete uploads and, given days, expire noncurrent versions and lone delete markers. */
    static LifecycleRule rule(Integer noncurrentDays) {
        LifecycleRule.Builder rule = LifecycleRule.builder().id(RULE_ID).status(ExpirationStatus.ENABLED)
                .filter(f -> f.prefix(""))
                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(ABORT_UPLOADS_AFTER_DAYS));
        if (noncurrentDays != null) {
            rule.noncurrentVersionExpiration(n -> n.noncurrentDays(noncurrentDays)).expiration(e -> e.expiredObjectDeleteMarker(true));
        }
        return rule.build();
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return desired.targets().stream().map(t -> {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("Id", t.rule().id());
            rule.put("Status", t.rule().statusAsString());
            rule.put("AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", t.rule().abortIncompleteMultipartUpload().daysAfterInitiation()));
            if (t.rule().noncurrentVersionExpiration() != null) {
                rule.put("NoncurrentVersionExpiration", Map.of("NoncurrentDays", t.rule().noncurrentVersionExpiration().noncurrentDays()));
                rule.put("ExpiredObjectDeleteMarker", true);
            }
            return CfnResource.of(CfnResource.logicalId(t.component()), "AWS::S3::Bucket",
                    Map.<String, Object>of("LifecycleConfiguration", Map.of("Rules", List.of(rule))));
        }).toList();
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        Map<String, List<LifecycleRule>> rules = new LinkedHashMap<>();
        desired.targets().forEach(t -> rules.put(t.bucket(), List.of(t.rule())));
        return Observed.ready(id(scope), new State(rules));
    }

    private static String id(BucketScope scope) {
        return scope.partition().bucketArn(scope.names().bucket()) + "#" + RULE_ID;
    }

    /**
     * The rules of this SecureBucket's buckets; absent when neither its data nor its backup bucket carries the
     * operator's rule (nothing made yet: the shared trail bucket's rule may be another member's).
     */
    @Override
    public Observed<State> observe(BucketScope scope) {
        Map<String, List<LifecycleRule>> rules = new LinkedHashMap<>();
        read(scope, scope.region(), scope.names().bucket(), rules);
        if (scope.replicationEnabled() && scope.observed(BackupBucket.NAME) != null) {
            read(scope, scope.backupRegion(), scope.names().backupBucket(), rules);
        }
        if (scope.trailEnabled() && scope.observed(TrailBucket.NAME) != null) {
            read(scope, scope.region(), scope.trailDestination().logBucket(), rules);
        }
        State state = new State(rules);
        boolean made = state.ours(scope.names().bucket()) != null || state.ours(scope.names().backupBucket()) != null;
        return made ? Observed.ready(id(scope), state) : null;
    }

    private static void read(BucketScope scope, String region, String bucket, Map<String, List<LifecycleRule>> rules) {
        try {
            rules.put(bucket, scope.s3(region).getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules());
        } catch (RuntimeException e) {
            if ("NoSuchLifecycleConfiguration".equals(AwsErrors.errorCode(e))) {
                rules.put(bucket, List.of());
            } else if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (Target target : desired.targets()) {
            LifecycleRule has = actual.ours(target.bucket());
            if (has == null || !same(has, target.rule())) {
                changes.add(Change.described(LIFECYCLE_OF + target.bucket(), has == null ? Change.ABSENT : describe(has), describe(target.rule()),
                        "lifecycle of " + target.bucket() + ": " + describe(target.rule())));
            }
        }
        return changes;
    }

    /** Compared by what the rule does: an empty prefix filter, a legacy empty prefix and no filter select the same keys. */
    static boolean same(LifecycleRule actual, LifecycleRule desired) {
        var filter = actual.filter();
        boolean everyKey = (filter == null || (filter.prefix() == null || filter.prefix().isEmpty()) && filter.tag() == null
                && filter.and() == null && filter.objectSizeGreaterThan() == null && filter.objectSizeLessThan() == null)
                && (actual.prefix() == null || actual.prefix().isEmpty());
        Integer actualNoncurrent = actual.noncurrentVersionExpiration() == null ? null : actual.noncurrentVersionExpiration().noncurrentDays();
        Integer desiredNoncurrent = desired.noncurrentVersionExpiration() == null ? null : desired.noncurrentVersionExpiration().noncurrentDays();
        boolean actualMarkers = actual.expiration() != null && Boolean.TRUE.equals(actual.expiration().expiredObjectDeleteMarker());
        boolean desiredMarkers = desired.expiration() != null && Boolean.TRUE.equals(desired.expiration().expiredObjectDeleteMarker());
        return everyKey && actual.status() == desired.status()
                && actual.abortIncompleteMultipartUpload() != null
                && Objects.equals(actual.abortIncompleteMultipartUpload().daysAfterInitiation(), desired.abortIncompleteMultipartUpload().daysAfterInitiation())
                && Objects.equals(actualNoncurrent, desiredNoncurrent)
                && (actual.noncurrentVersionExpiration() == null || actual.noncurrentVersionExpiration().newerNoncurrentVersions() == null)
                && actualMarkers == desiredMarkers
                && (actual.expiration() == null || actual.expiration().days() == null && actual.expiration().date() == null)
                && (actual.transitions() == null || actual.transitions().isEmpty())
                && (actual.noncurrentVersionTransitions() == null || actual.noncurrentVersionTransitions().isEmpty());
    }

    static String describe(LifecycleRule rule) {
        String text = "abort incomplete uploads after " + rule.abortIncompleteMultipartUpload().daysAfterInitiation() + " days";
        if (rule.noncurrentVersionExpiration() != null) {
            text += ", expire noncurrent versions after " + rule.noncurrentVersionExpiration().noncurrentDays() + " days";
        }
        return text;
    }

    /** Each bucket's rules read first: a person's stay, and a rule already right (another member's) is not put again. */
    @Override
    public void create(BucketScope scope, Desired desired) {
        Map<String, List<LifecycleRule>> rules = new LinkedHashMap<>();
        desired.targets().forEach(t -> read(scope, t.region(), t.bucket(), rules));
        Observed<State> read = Observed.ready(id(scope), new State(rules));
        apply(scope, read, desired, diff(read.detail(), desired));
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Map<String, List<LifecycleRule>> rules = new LinkedHashMap<>(current.detail().rules());
        List<String> fields = changes.stream().map(Change::field).toList();
        try {
            for (Target target : desired.targets()) {
                if (fields.contains(LIFECYCLE_OF + target.bucket())) {
                    rules.put(target.bucket(), put(scope, target));
                }
            }
        } finally {
            // The findings, judged after the walk, read the rules as this pass left them.
            scope.record(NAME, current.withDetail(new State(rules)));
        }
    }

    /**
     * Under the bucket's lock, read again and put only if still needed: members of a shared trail bucket converging at
     * once write its rule once, and a person's rules (kept beside the operator's) are the latest.
     */
    private static List<LifecycleRule> put(BucketScope scope, Target target) {
        return SharedLocks.locked(scope, "s3-lifecycle:" + target.bucket(), () -> {
            Map<String, List<LifecycleRule>> now = new LinkedHashMap<>();
            read(scope, target.region(), target.bucket(), now);
            List<LifecycleRule> existing = now.getOrDefault(target.bucket(), List.of());
            LifecycleRule ours = existing.stream().filter(r -> RULE_ID.equals(r.id())).findFirst().orElse(null);
            if (ours != null && same(ours, target.rule())) {
                return existing;
            }
            List<LifecycleRule> merged = new ArrayList<>(existing.stream().filter(r -> !RULE_ID.equals(r.id())).toList());
            merged.add(target.rule());
            // The SDK adds the integrity checksum the operation requires.
            scope.s3(target.region()).putBucketLifecycleConfiguration(r -> r.bucket(target.bucket()).lifecycleConfiguration(c -> c.rules(merged)));
            return merged;
        });
    }

    /** The rule is part of its bucket's configuration: it ends with the bucket, or stays on a bucket kept. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return "the lifecycle rule goes with its buckets (a bucket kept on delete keeps it)";
    }

    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        return true;
    }
}
