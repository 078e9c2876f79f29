package io.webplatform.operator.bucket;

/**
 * The installation's access-log bucket of a cross-region backup's region: S3 delivers server access logs only into a
 * bucket of the source's own Region ("The source bucket and destination bucket must be in the same AWS Region",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html), so the backup bucket of a
 * SecureBucket whose spec.replication.region is another logs here. Shared, like {@link AccessLogBucket}, by every
 * source of the installation in that region.
 */
public class BackupAccessLogBucket extends AccessLogBucket {
    public static final String NAME = "BackupAccessLogBucket";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.backupLogsInItsRegion();
    }

    @Override
    protected String region(BucketScope scope) {
        return scope.backupRegion();
    }

    /**
     * Within one region there is no such bucket: the name would be the region's own access-log bucket's, which is
     * {@link AccessLogBucket}'s to judge and never this component's to end.
     */
    @Override
    public io.webplatform.operator.engine.Observed<State> observe(BucketScope scope) {
        return scope.crossRegion() ? super.observe(scope) : null;
    }

    @Override
    public String leftInPlace(BucketScope scope) {
        return scope.crossRegion() ? super.leftInPlace(scope) : null;
    }
}
