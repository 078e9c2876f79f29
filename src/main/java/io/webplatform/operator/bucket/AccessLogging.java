package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.s3.model.LoggingEnabled;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The S3 server access logging of this SecureBucket's buckets (PutBucketLogging,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html): the data bucket, the backup bucket and
 * the trail's log bucket deliver into the installation's {@link AccessLogBucket}, each under the prefix
 * &lt;source bucket&gt;/ (LoggingEnabled: "you should choose a different TargetPrefix for each source bucket",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LoggingEnabled.html). No TargetGrants: the destination enforces
 * bucket ownership, which does not support them. No TargetObjectKeyFormat: the simple prefix, S3's default (the
 * partitioned one is an option for Athena, not a recommendation of AWS's guides).
 *
 * <p>Each source logs into the access-log bucket of its own region (S3 delivers within a Region only): a backup bucket
 * in another region (spec.replication.region) into that region's {@link BackupAccessLogBucket}.
 *
 * <p>Its sources are first admitted by the destination's policy, then switched on (S3 checks the destination when
 * logging is put). Turned off (spec.accessLogs.enabled: false) or deleted, it switches its own data and backup
 * buckets' logging off and takes them off the destination's policy; the trail's log bucket, shared, stops logging
 * only when it is itself deleted ({@link TrailBucket#delete}).
 */
public class AccessLogging implements Component<BucketScope, AccessLogging.Desired, AccessLogging.State> {
    public static final String NAME = "AccessLogging";
    static final String ADMITTED = "admitted";
    static final String LOGGING_OF = "logging of ";
    /** The key format S3 uses when none is given: [TargetPrefix]YYYY-mm-DD-HH-MM-SS-UniqueString. */
    static final String SIMPLE_PREFIX = "SimplePrefix";

    /**
     * One bucket whose access logs are delivered: the component that made it, its name and ARN, its prefix, and its
     * region with the access-log bucket there that receives them.
     */
    public record Source(String component, String bucket, String arn, String prefix, String region, String target) {
    }

    /** Where a bucket's logs go, as GetBucketLogging reports it. */
    public record Target(String bucket, String prefix, String keyFormat) {
        @Override
        public String toString() {
            return bucket + "/" + prefix + (SIMPLE_PREFIX.equals(keyFormat) ? "" : " (" + keyFormat + ")");
        }
    }

    /** Each source bucket's logging (null: off), and which of its ARNs the destination's policy admits. */
    public record State(Map<String, Target> logging, List<String> admitted) {
        /** The bucket's logging as this pass left it; null when off or not read. */
        public Target of(String bucket) {
            return logging.get(bucket);
        }
    }

    public record Desired(List<Source> sources) {
        List<String> arns() {
            return sources.stream().map(Source::arn).toList();
        }

        /** The sources' ARNs by the region of the access-log bucket that must admit them, the SecureBucket's first. */
        Map<String, List<String>> arnsByRegion() {
            Map<String, List<String>> byRegion = new LinkedHashMap<>();
            sources.forEach(s -> byRegion.computeIfAbsent(s.region(), r -> new ArrayList<>()).add(s.arn()));
            return byRegion;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.accessLogsEnabled();
    }

    @Override
    public Desired desired(BucketScope scope) {
        List<Source> sources = new ArrayList<>();
        sources.add(source(scope, DataBucket.NAME, scope.names().bucket(), scope.region()));
        // A cross-region backup logs once its region's access-log bucket exists (read, not waited for: same-region has none).
        if (scope.replicationEnabled() && scope.observed(BackupBucket.NAME) != null
                && (!scope.crossRegion() || scope.observed(BackupAccessLogBucket.NAME) != null)) {
            sources.add(source(scope, BackupBucket.NAME, scope.names().backupBucket(), scope.backupRegion()));
        }
        if (scope.trailEnabled() && scope.observed(TrailBucket.NAME) != null) {
            sources.add(source(scope, TrailBucket.NAME, scope.trailDestination().logBucket(), scope.region()));
        }
        return new Desired(sources);
    }

    private static Source source(BucketScope scope, String component, String bucket, String region) {
        return new Source(component, bucket, scope.partition().bucketArn(bucket), bucket + "/", region, scope.accessLogBucket(region));
    }

    /** The ARNs of every bucket of {@code region} this SecureBucket's spec makes log (what that region's destination must admit). */
    static List<String> sourceArns(BucketScope scope, String region) {
        List<String> arns = new ArrayList<>();
        if (region.equals(scope.region())) {
            arns.add(scope.partition().bucketArn(scope.names().bucket()));
        }
        if (scope.replicationEnabled() && region.equals(scope.backupRegion())) {
            arns.add(scope.partition().bucketArn(scope.names().backupBucket()));
        }
        if (scope.trailEnabled() && region.equals(scope.region())) {
            arns.add(scope.partition().bucketArn(scope.trailDestination().logBucket()));
        }
        return arns;
    }

    /** The regions whose access-log buckets this SecureBucket's own buckets may log into: its own, and its backup's. */
    private static List<String> regions(BucketScope scope) {
        return scope.crossRegion() ? List.of(scope.region(), scope.backupRegion()) : List.of(scope.region());
    }

    /** The component of the access-log bucket of a region. */
    private static String destination(BucketScope scope, String region) {
        return region.equals(scope.region()) ? AccessLogBucket.NAME : BackupAccessLogBucket.NAME;
    }

    /** Each source's LoggingConfiguration on its AWS::S3::Bucket. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return desired.sources().stream().map(s -> CfnResource.of(CfnResource.logicalId(s.component()), "AWS::S3::Bucket",
                Map.<String, Object>of("LoggingConfiguration", Map.of("DestinationBucketName", s.target(), "LogFilePrefix", s.prefix()))))
                .toList();
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        Map<String, Target> logging = new LinkedHashMap<>();
        desired.sources().forEach(s -> logging.put(s.bucket(), wanted(s)));
        return Observed.ready(id(scope), new State(logging, desired.arns()));
    }

    private static String id(BucketScope scope) {
        return scope.partition().bucketArn(scope.accessLogBucket()) + "/" + scope.names().bucket() + "/";
    }

    /**
     * The logging of this SecureBucket's own buckets (the data bucket, the backup bucket while replicated or going
     * away) and, while it logs, the trail's log bucket; absent when none of its own buckets logs into the access-log
     * bucket nor is admitted by it. Its policy is the one the pass observed, or read when the pass has not (a deletion).
     */
    @Override
    public Observed<State> observe(BucketScope scope) {
        Map<String, Target> logging = new LinkedHashMap<>();
        List<String> own = new ArrayList<>();
        own.add(scope.names().bucket());
        if (scope.replicationEnabled() || scope.deleting() || !scope.accessLogsEnabled()) {
            own.add(scope.names().backupBucket());
        }
        read(scope, scope.region(), scope.names().bucket(), logging);
        if (own.contains(scope.names().backupBucket())) {
            read(scope, scope.backupRegion(), scope.names().backupBucket(), logging);
        }
        if (scope.accessLogsEnabled() && !scope.deleting() && scope.trailEnabled() && scope.observed(TrailBucket.NAME) != null) {
            read(scope, scope.region(), scope.trailDestination().logBucket(), logging);
        }
        List<String> admitted = new ArrayList<>();
        for (String region : regions(scope)) {
            ProtectedBucket.State destination = ProtectedBucket.of(scope, destination(scope, region));
            String policy = destination != null ? destination.policy() : AccessLogBucket.currentPolicy(scope, region);
            admitted.addAll(BucketPolicies.accessLogSources(policy));
        }
        List<String> targets = regions(scope).stream().map(scope::accessLogBucket).toList();
        boolean ours = own.stream().anyMatch(b -> logging.get(b) != null && targets.contains(logging.get(b).bucket())
                || admitted.contains(scope.partition().bucketArn(b)));
        if (!ours) {
            return null;
        }
        return Observed.ready(id(scope), new State(logging, admitted));
    }

    /** One bucket's logging into {@code logging}: null when off; nothing when the bucket does not exist. */
    private static void read(BucketScope scope, String region, String bucket, Map<String, Target> logging) {
        try {
            LoggingEnabled on = scope.s3(region).getBucketLogging(r -> r.bucket(bucket)).loggingEnabled();
            logging.put(bucket, on == null ? null : new Target(on.targetBucket(), on.targetPrefix(), keyFormat(on)));
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
        }
    }

    private static String keyFormat(LoggingEnabled on) {
        var format = on.targetObjectKeyFormat();
        if (format == null || format.partitionedPrefix() == null) {
            return SIMPLE_PREFIX;
        }
        return "PartitionedPrefix " + format.partitionedPrefix().partitionDateSourceAsString();
    }

    private static Target wanted(Source source) {
        return new Target(source.target(), source.prefix(), SIMPLE_PREFIX);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        List<String> missing = desired.arns().stream().filter(a -> !actual.admitted().contains(a)).toList();
        if (!missing.isEmpty()) {
            List<String> into = desired.sources().stream().filter(s -> missing.contains(s.arn())).map(Source::target).distinct().toList();
            changes.add(Change.described(ADMITTED, "not admitted: " + String.join(", ", missing), "admitted",
                    "access-log bucket " + String.join(", ", into) + " admits " + String.join(", ", missing)));
        }
        for (Source source : desired.sources()) {
            Target want = wanted(source);
            Target has = actual.of(source.bucket());
            if (!want.equals(has)) {
                changes.add(Change.described(LOGGING_OF + source.bucket(), has == null ? "off" : has.toString(), want.toString(),
                        "server access logs of " + source.bucket() + " delivered to " + want));
            }
        }
        return changes;
    }

    /** Admitted first: the logging itself is put by {@link #apply}, once observe finds this SecureBucket admitted. */
    @Override
    public void create(BucketScope scope, Desired desired) {
        desired.arnsByRegion().forEach((region, arns) -> AccessLogBucket.admit(scope, region, arns));
        for (Source source : desired.sources()) {
            put(scope, source);
        }
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Map<String, Target> logging = new LinkedHashMap<>(current.detail().logging());
        List<String> admitted = current.detail().admitted();
        List<String> fields = changes.stream().map(Change::field).toList();
        try {
            if (fields.contains(ADMITTED)) {
                desired.arnsByRegion().forEach((region, arns) -> AccessLogBucket.admit(scope, region, arns));
                admitted = desired.arns();
            }
            for (Source source : desired.sources()) {
                if (fields.contains(LOGGING_OF + source.bucket())) {
                    put(scope, source);
                    logging.put(source.bucket(), wanted(source));
                }
            }
        } finally {
            // The findings, judged after the walk, read the logging as this pass left it.
            scope.record(NAME, current.withDetail(new State(logging, admitted)));
        }
    }

    private static void put(BucketScope scope, Source source) {
        scope.s3(source.region()).putBucketLogging(r -> r.bucket(source.bucket()).bucketLoggingStatus(s -> s.loggingEnabled(l -> l
                .targetBucket(source.target()).targetPrefix(source.prefix()))));
    }

    /**
     * Its own buckets stop logging into the access-log bucket (an empty BucketLoggingStatus turns logging off), then
     * leave its policy; a bucket already gone needs neither. Each step is complete on its own: a crash between passes
     * converges.
     */
    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        Map<String, String> own = new LinkedHashMap<>();
        own.put(scope.names().bucket(), scope.region());
        own.put(scope.names().backupBucket(), scope.backupRegion());
        for (Map.Entry<String, String> bucket : own.entrySet()) {
            Target target = current.detail().of(bucket.getKey());
            if (target != null && scope.accessLogBucket(bucket.getValue()).equals(target.bucket())) {
                try {
                    scope.s3(bucket.getValue()).putBucketLogging(r -> r.bucket(bucket.getKey()).bucketLoggingStatus(s -> { }));
                } catch (RuntimeException e) {
                    if (!AwsErrors.isNotFound(e)) {
                        throw e;
                    }
                }
            }
        }
        for (String region : regions(scope)) {
            List<String> leaving = own.entrySet().stream().filter(b -> b.getValue().equals(region))
                    .map(b -> scope.partition().bucketArn(b.getKey())).toList();
            if (!leaving.isEmpty()) {
                AccessLogBucket.release(scope, region, leaving);
            }
        }
        return true;
    }

    /** This SecureBucket's access logging as this pass found it (and left it); null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
