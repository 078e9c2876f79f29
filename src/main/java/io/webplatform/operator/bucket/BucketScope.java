package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.engine.Scope;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;

/** One pass over a SecureBucket: its spec, derived names, AWS clients and account. */
public class BucketScope extends Scope {
    private final SecureBucket resource;
    private final BucketNames names;
    private final AwsClients clients;
    private final String accountId;
    private final String installation;
    private final TrailDestination trailDestination;
    private final String accessLogBucket;
    private final int accessLogRetentionDays;
    private TrailObjectLock.Retention trailObjectLock = TrailObjectLock.Retention.OFF;
    private boolean trailInsights;
    private final TrailLogs trailLogs;

    /** How long access logs are kept when the chart does not say (S3's lifecycle Expiration, days). */
    public static final int DEFAULT_ACCESS_LOG_RETENTION_DAYS = 365;

    /** How long the shared trail's CloudWatch Logs group keeps events when the chart does not say (days). */
    public static final int DEFAULT_TRAIL_LOG_RETENTION_DAYS = 365;

    /**
     * The installation's choice (the chart's trail.cloudWatchLogs): whether shared trails also deliver to a
     * CloudWatch Logs group (Security Hub CloudTrail.5), and how many days that group keeps events.
     */
    public record TrailLogs(boolean enabled, int retentionDays) {
        public static final TrailLogs DEFAULT = new TrailLogs(true, DEFAULT_TRAIL_LOG_RETENTION_DAYS);
    }

    /** The installation name when none is given: the operator's own default (engine.Installation). */
    public static final String DEFAULT_INSTALLATION = "webplatform";

    /**
     * Where this SecureBucket's object writes are recorded: the log bucket and the installation's trail that
     * delivers into it. The installation's shared log bucket unless spec.trail.logBucketName names another;
     * every SecureBucket of the installation and region with the same destination shares the trail.
     */
    public record TrailDestination(String logBucket, String trail, boolean named) {
    }

    /** A scope identified by the object's UID, as stacks were before installations had names. */
    public BucketScope(SecureBucket resource, AwsClients clients, String accountId) {
        this(resource, Identity.ofUid(resource), clients, accountId);
    }

    public BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String accountId) {
        this(resource, identity, clients, accountId, DEFAULT_INSTALLATION);
    }

    public BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String accountId, String installation) {
        this(resource, identity, clients, accountId, installation, DEFAULT_ACCESS_LOG_RETENTION_DAYS);
    }

    public BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String accountId, String installation,
                       int accessLogRetentionDays) {
        this(resource, identity, clients, accountId, installation, accessLogRetentionDays, TrailLogs.DEFAULT);
    }

    public BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String accountId, String installation,
                       int accessLogRetentionDays, TrailLogs trailLogs) {
        this(resource, identity, clients, clients.region(resource.getSpec().region), accountId, installation, accessLogRetentionDays, trailLogs);
    }

    /** A plan's scope: no AWS clients (so any AWS call fails), the account as a reference. */
    public static BucketScope forPlan(SecureBucket resource, Identity identity, String region, String accountId, String installation) {
        return new BucketScope(resource, identity, null, region, accountId, installation, DEFAULT_ACCESS_LOG_RETENTION_DAYS, TrailLogs.DEFAULT);
    }

    private BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String region, String accountId, String installation,
                        int accessLogRetentionDays, TrailLogs trailLogs) {
        super(resource, identity, region);
        this.resource = resource;
        this.names = BucketNames.of(resource, identity.key());
        this.clients = clients;
        this.accountId = accountId;
        this.installation = installation;
        String named = resource.getSpec().trail == null ? null : resource.getSpec().trail.logBucketName;
        String logBucket = named != null ? named : ResourceNames.sharedTrailLogBucket(installation, accountId, region);
        this.trailDestination = new TrailDestination(logBucket, ResourceNames.sharedTrail(installation, logBucket, named != null), named != null);
        this.accessLogBucket = ResourceNames.sharedAccessLogBucket(installation, accountId, region);
        this.accessLogRetentionDays = accessLogRetentionDays;
        this.trailLogs = trailLogs;
    }

    /** The installation's CloudWatch Logs delivery of shared trails (the chart's trail.cloudWatchLogs). */
    public TrailLogs trailLogs() {
        return trailLogs;
    }

    /** This SecureBucket records into a shared trail, and the installation has that trail deliver to CloudWatch Logs. */
    public boolean trailLogsEnabled() {
        return trailEnabled() && trailLogs.enabled();
    }

    public software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient logs() {
        return clients.logs(region());
    }

    /** Where this SecureBucket's buckets deliver their S3 server access logs: the installation's bucket of the region. */
    public String accessLogBucket() {
        return accessLogBucket;
    }

    /** How long the access-log bucket keeps a log object (the chart's accessLogRetentionDays). */
    public int accessLogRetentionDays() {
        return accessLogRetentionDays;
    }

    /** The chart's trail.objectLock: the default retention the trail's log bucket locks log files for (off by default). */
    public TrailObjectLock.Retention trailObjectLock() {
        return trailObjectLock;
    }

    /** Sets the chart's trail.objectLock for this pass; returns this scope. */
    public BucketScope trailObjectLock(TrailObjectLock.Retention retention) {
        this.trailObjectLock = retention;
        return this;
    }

    /** The chart's trail.insights.enabled: CloudTrail Insights on the shared trail's data events (off by default). */
    public boolean trailInsights() {
        return trailInsights;
    }

    /** Sets the chart's trail.insights.enabled for this pass; returns this scope. */
    public BucketScope trailInsights(boolean enabled) {
        this.trailInsights = enabled;
        return this;
    }

    public boolean accessLogsEnabled() {
        return spec().accessLogs == null || spec().accessLogs.enabled;
    }

    /** The operator installation this pass runs in (the chart's installationName). */
    public String installation() {
        return installation;
    }

    public TrailDestination trailDestination() {
        return trailDestination;
    }

    /** The owner key of what the installation shares in a region (the trail and its log bucket), never one object's. */
    public String installationKey() {
        return installationKey(region());
    }

    /** The prefix CloudTrail matches this SecureBucket's objects by: arn:&lt;partition&gt;:s3:::&lt;bucket&gt;/. */
    public String objectArnPrefix() {
        return partition().bucketArn(names.bucket()) + "/";
    }

    /** The object is being deleted: this pass walks its deletion. */
    public boolean deleting() {
        return resource.getMetadata().getDeletionTimestamp() != null;
    }

    /** The resource itself (its status says what an earlier version made). */
    public SecureBucket resource() {
        return resource;
    }

    public SecureBucketSpec spec() {
        return resource.getSpec();
    }

    public BucketNames names() {
        return names;
    }

    public String accountId() {
        return accountId;
    }

    /** The region's partition: every ARN and service principal this SecureBucket writes comes from it. */
    public Partition partition() {
        return Partition.of(region());
    }

    public boolean replicationEnabled() {
        return spec().replication != null && spec().replication.enabled;
    }

    /** The backup bucket's region: spec.replication.region, or the bucket's own. */
    public String backupRegion() {
        String asked = spec().replication == null ? null : spec().replication.region;
        return asked == null ? region() : asked;
    }

    /** The backup bucket is in another region (Cross-Region Replication): its replicas need a key of that region. */
    public boolean crossRegion() {
        return !backupRegion().equals(region());
    }

    /** The backup bucket logs into the installation's access-log bucket of another region (its own). */
    public boolean backupLogsInItsRegion() {
        return accessLogsEnabled() && replicationEnabled() && crossRegion();
    }

    /** The key the backup bucket and its replicas are encrypted with: the bucket's own, or the backup region's. */
    public String backupKeyArn() {
        if (!crossRegion()) {
            return keyArn();
        }
        if (observed(BackupKey.NAME) == null) {
            // What an "after" edge would say; the graph reads the key instead, as a same-region backup has none.
            throw new io.webplatform.operator.aws.StillWorking("waiting for " + BackupKey.NAME);
        }
        return idOf(BackupKey.NAME);
    }

    /**
     * The access-log bucket of a region: S3 delivers a bucket's access logs only into a bucket of its own region, so a
     * backup bucket in another region logs into the installation's bucket there.
     */
    public String accessLogBucket(String region) {
        return region.equals(region()) ? accessLogBucket : ResourceNames.sharedAccessLogBucket(installation, accountId, region);
    }

    /** The owner key of what the installation shares in another region (the backup region's access-log bucket). */
    public String installationKey(String region) {
        return Identity.keyOf(installation, "Installation", region, "shared");
    }

    public S3Client s3(String region) {
        return clients.s3(region);
    }

    public KmsClient kms(String region) {
        return clients.kms(region);
    }

    public boolean trailEnabled() {
        return spec().trail != null && spec().trail.enabled;
    }

    public boolean retainOnDelete() {
        return spec().deletionPolicy != io.webplatform.operator.api.DeletionPolicy.Delete;
    }

    public Map<String, String> tags(String component, String name) {
        return Ownership.tags(resource, identity(), spec().tags, component, name);
    }

    public S3Client s3() {
        return clients.s3(region());
    }

    public KmsClient kms() {
        return clients.kms(region());
    }

    public IamClient iam() {
        return clients.iam(region());
    }

    public CloudTrailClient cloudTrail() {
        return clients.cloudTrail(region());
    }

    /** The ARN of the key that encrypts the data buckets: the one made by Key, or the referenced one. */
    public String keyArn() {
        return idOf(KmsKey.NAME);
    }
}
