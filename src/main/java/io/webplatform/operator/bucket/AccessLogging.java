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

    /** One bucket whose access logs are delivered: the component that made it, its name and ARN, and its prefix. */
    public record Source(String component, String bucket, String arn, String prefix) {
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

    public record Desired(String targetBucket, List<Source> sources) {
        List<String> arns() {
            return sources.stream().map(Source::arn).toList();
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
        sources.add(source(scope, DataBucket.NAME, scope.names().bucket()));
        if (scope.replicationEnabled() && scope.observed(BackupBucket.NAME) != null) {
            sources.add(source(scope, BackupBucket.NAME, scope.names().backupBucket()));
        }
        if (scope.trailEnabled() && scope.observed(TrailBucket.NAME) != null) {
            sources.add(source(scope, TrailBucket.NAME, scope.trailDestination().logBucket()));
        }
        return new Desired(scope.accessLogBucket(), sources);
    }

    private static Source source(BucketScope scope, String component, String bucket) {
        return new Source(component, bucket, scope.partition().bucketArn(bucket), bucket + "/");
    }

    /** The ARNs of every bucket this SecureBucket's spec makes log (what the destination's policy must admit). */
    static List<String> sourceArns(BucketScope scope) {
        List<String> arns = new ArrayList<>();
        arns.add(scope.partition().bucketArn(scope.names().bucket()));
        if (scope.replicationEnabled()) {
            arns.add(scope.partition().bucketArn(scope.names().backupBucket()));
        }
        if (scope.trailEnabled()) {
            arns.add(scope.partition().bucketArn(scope.trailDestination().logBucket()));
        }
        return arns;
    }

    /** Each source's LoggingConfiguration on its AWS::S3::Bucket. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return desired.sources().stream().map(s -> CfnResource.of(CfnResource.logicalId(s.component()), "AWS::S3::Bucket",
                Map.<String, Object>of("LoggingConfiguration", Map.of("DestinationBucketName", desired.targetBucket(), "LogFilePrefix", s.prefix()))))
                .toList();
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        Map<String, Target> logging = new LinkedHashMap<>();
        desired.sources().forEach(s -> logging.put(s.bucket(), wanted(desired, s)));
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
        for (String bucket : own) {
            read(scope, bucket, logging);
        }
        if (scope.accessLogsEnabled() && !scope.deleting() && scope.trailEnabled() && scope.observed(TrailBucket.NAME) != null) {
            read(scope, scope.trailDestination().logBucket(), logging);
        }
        ProtectedBucket.State destination = ProtectedBucket.of(scope, AccessLogBucket.NAME);
        String policy = destination != null ? destination.policy() : AccessLogBucket.currentPolicy(scope);
        List<String> admitted = BucketPolicies.accessLogSources(policy);
        boolean ours = own.stream().anyMatch(b -> logging.get(b) != null && scope.accessLogBucket().equals(logging.get(b).bucket())
                || admitted.contains(scope.partition().bucketArn(b)));
        if (!ours) {
            return null;
        }
        return Observed.ready(id(scope), new State(logging, admitted));
    }

    /** One bucket's logging into {@code logging}: null when off; nothing when the bucket does not exist. */
    private static void read(BucketScope scope, String bucket, Map<String, Target> logging) {
        try {
            LoggingEnabled on = scope.s3().getBucketLogging(r -> r.bucket(bucket)).loggingEnabled();
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

    private static Target wanted(Desired desired, Source source) {
        return new Target(desired.targetBucket(), source.prefix(), SIMPLE_PREFIX);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        List<String> missing = desired.arns().stream().filter(a -> !actual.admitted().contains(a)).toList();
        if (!missing.isEmpty()) {
            changes.add(Change.described(ADMITTED, "not admitted: " + String.join(", ", missing), "admitted",
                    "access-log bucket " + desired.targetBucket() + " admits " + String.join(", ", missing)));
        }
        for (Source source : desired.sources()) {
            Target want = wanted(desired, source);
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
        AccessLogBucket.admit(scope, desired.arns());
        for (Source source : desired.sources()) {
            put(scope, desired, source);
        }
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Map<String, Target> logging = new LinkedHashMap<>(current.detail().logging());
        List<String> admitted = current.detail().admitted();
        List<String> fields = changes.stream().map(Change::field).toList();
        try {
            if (fields.contains(ADMITTED)) {
                AccessLogBucket.admit(scope, desired.arns());
                admitted = desired.arns();
            }
            for (Source source : desired.sources()) {
                if (fields.contains(LOGGING_OF + source.bucket())) {
                    put(scope, desired, source);
                    logging.put(source.bucket(), wanted(desired, source));
                }
            }
        } finally {
            // The findings, judged after the walk, read the logging as this pass left it.
            scope.record(NAME, current.withDetail(new State(logging, admitted)));
        }
    }

    private static void put(BucketScope scope, Desired desired, Source source) {
        scope.s3().putBucketLogging(r -> r.bucket(source.bucket()).bucketLoggingStatus(s -> s.loggingEnabled(l -> l
                .targetBucket(desired.targetBucket()).targetPrefix(source.prefix()))));
    }

    /**
     * Its own buckets stop logging into the access-log bucket (an empty BucketLoggingStatus turns logging off), then
     * leave its policy; a bucket already gone needs neither. Each step is complete on its own: a crash between passes
     * converges.
     */
    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        List<String> own = new ArrayList<>();
        for (String bucket : List.of(scope.names().bucket(), scope.names().backupBucket())) {
            own.add(scope.partition().bucketArn(bucket));
            Target target = current.detail().of(bucket);
            if (target != null && scope.accessLogBucket().equals(target.bucket())) {
                try {
                    scope.s3().putBucketLogging(r -> r.bucket(bucket).bucketLoggingStatus(s -> { }));
                } catch (RuntimeException e) {
                    if (!AwsErrors.isNotFound(e)) {
                        throw e;
                    }
                }
            }
        }
        AccessLogBucket.release(scope, own);
        return true;
    }

    /** This SecureBucket's access logging as this pass found it (and left it); null when absent. */
    public static State of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
