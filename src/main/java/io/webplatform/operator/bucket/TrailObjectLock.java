package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * S3 Object Lock on the trail's log bucket, when the chart's trail.objectLock.mode asks for it (prowler
 * s3_bucket_object_lock): every log file CloudTrail delivers is kept unchanged for trail.objectLock.retentionDays by
 * the bucket's default retention (PutObjectLockConfiguration,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html). GOVERNANCE lets a person
 * holding s3:BypassGovernanceRetention remove a version early; COMPLIANCE lets no one, the root user included.
 *
 * <p>AWS enables Object Lock on an existing bucket whose versioning is on (every bucket of the operator's is), and never
 * turns it off again ("After you enable Object Lock on a bucket, you can't disable Object Lock or suspend versioning",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html). So: it is put right after the
 * bucket is made and before the trail (walked in that order), a bucket that has it is kept after its last member
 * ({@link TrailBucket#kept}: its locked logs could not be emptied), and the chart turning it off leaves the bucket's
 * lock as it is, unread. It is never put on the access-log bucket: S3 refuses an Object Lock bucket as a server access
 * log destination.
 */
public class TrailObjectLock implements Component<BucketScope, TrailObjectLock.Desired, TrailObjectLock.Retention> {
    public static final String NAME = "TrailObjectLock";
    static final String RETENTION = "default retention";

    /** The default retention (mode and days); the chart's setting, null mode when off. */
    public record Retention(ObjectLockRetentionMode mode, int days) {
        public static final Retention OFF = new Retention(null, 0);

        /** The chart's values: mode "" (off), GOVERNANCE or COMPLIANCE; days 1 to 36500 (the schema says so too). */
        public static Retention of(String mode, int days) {
            if (mode == null || mode.isBlank()) {
                return OFF;
            }
            ObjectLockRetentionMode parsed = ObjectLockRetentionMode.fromValue(mode.trim().toUpperCase(Locale.ROOT));
            if (parsed == ObjectLockRetentionMode.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("trail.objectLock.mode must be GOVERNANCE, COMPLIANCE or empty, not " + mode);
            }
            if (days < 1 || days > 36500) {
                throw new IllegalArgumentException("trail.objectLock.retentionDays must be 1 to 36500, not " + days);
            }
            return new Retention(parsed, days);
        }

        public boolean enabled() {
            return mode != null;
        }

        @Override
        public String toString() {
            return enabled() ? mode + " for " + days + " days" : "none";
        }
    }

    public record Desired(String bucket, Retention retention) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailEnabled() && scope.trailObjectLock().enabled();
    }

    /**
     * Never this object's to remove: off in the chart, nothing is read (a lock set earlier stays, AWS never turns it
     * off); on, the lock is the bucket's and stays with it.
     */
    @Override
    public String leftInPlace(BucketScope scope) {
        return scope.trailObjectLock().enabled() ? "the lock is the trail's log bucket's: it stays with it"
                : "the chart's trail.objectLock is off (a lock set earlier stays: AWS never turns Object Lock off)";
    }

    @Override
    public Desired desired(BucketScope scope) {
        return new Desired(scope.trailDestination().logBucket(), scope.trailObjectLock());
    }

    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return List.of(CfnResource.of(CfnResource.logicalId(TrailBucket.NAME), "AWS::S3::Bucket", Map.of(
                "ObjectLockEnabled", true,
                "ObjectLockConfiguration", Map.of("ObjectLockEnabled", "Enabled", "Rule", Map.of("DefaultRetention",
                        Map.of("Mode", desired.retention().mode().toString(), "Days", desired.retention().days()))))));
    }

    @Override
    public Observed<Retention> planned(BucketScope scope, Desired desired) {
        return Observed.ready(id(scope), desired.retention());
    }

    private static String id(BucketScope scope) {
        return scope.partition().bucketArn(scope.trailDestination().logBucket()) + "#object-lock";
    }

    /** The bucket's default retention; absent when the bucket has no default retention (or no lock, or is gone). */
    @Override
    public Observed<Retention> observe(BucketScope scope) {
        ObjectLockConfiguration lock = read(scope, scope.trailDestination().logBucket());
        if (lock == null || lock.rule() == null || lock.rule().defaultRetention() == null) {
            return null;
        }
        var retention = lock.rule().defaultRetention();
        // AWS keeps what was put: Days, or Years (a person's choice), which compares as 365 days each.
        int days = retention.days() != null ? retention.days() : retention.years() == null ? 0 : retention.years() * 365;
        return Observed.ready(id(scope), new Retention(retention.mode(), days));
    }

    /** The bucket's Object Lock configuration; null when it has none or is gone. */
    static ObjectLockConfiguration read(BucketScope scope, String bucket) {
        try {
            return scope.s3().getObjectLockConfiguration(r -> r.bucket(bucket)).objectLockConfiguration();
        } catch (RuntimeException e) {
            if ("ObjectLockConfigurationNotFoundError".equals(AwsErrors.errorCode(e)) || AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /** True when Object Lock is on for the bucket: its versions may be locked, so it can never be emptied at will. */
    static boolean enabledOn(BucketScope scope, String bucket) {
        ObjectLockConfiguration lock = read(scope, bucket);
        return lock != null && lock.objectLockEnabled() == ObjectLockEnabled.ENABLED;
    }

    @Override
    public List<Change> diff(Retention actual, Desired desired) {
        return Objects.equals(actual, desired.retention()) ? List.of()
                : List.of(Change.described(RETENTION, actual.toString(), desired.retention().toString(),
                        "Object Lock default retention of " + desired.bucket() + ": " + desired.retention()));
    }

    /** Object Lock on, with the default retention; a bucket any member locked already is locked the same way. */
    @Override
    public void create(BucketScope scope, Desired desired) {
        put(scope, desired);
    }

    @Override
    public void apply(BucketScope scope, Observed<Retention> current, Desired desired, List<Change> changes) {
        put(scope, desired);
    }

    private static void put(BucketScope scope, Desired desired) {
        // The SDK sends the checksum the operation requires (Content-MD5 or x-amz-checksum-*).
        scope.s3().putObjectLockConfiguration(r -> r.bucket(desired.bucket()).objectLockConfiguration(c -> c
                .objectLockEnabled(ObjectLockEnabled.ENABLED)
                .rule(rule -> rule.defaultRetention(d -> d.mode(desired.retention().mode()).days(desired.retention().days())))));
    }

    /** Never reached: see {@link #leftInPlace}. */
    @Override
    public boolean delete(BucketScope scope, Observed<Retention> current) {
        return true;
    }
}
