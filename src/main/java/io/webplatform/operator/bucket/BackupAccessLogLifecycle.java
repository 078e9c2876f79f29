package io.webplatform.operator.bucket;

/** How long the backup region's access-log bucket keeps logs: as {@link AccessLogLifecycle}, on {@link BackupAccessLogBucket}. */
public class BackupAccessLogLifecycle extends AccessLogLifecycle {
    public static final String NAME = "BackupAccessLogLifecycle";

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

    @Override
    protected String bucketComponent() {
        return BackupAccessLogBucket.NAME;
    }

    /** Within one region there is no such bucket (see {@link BackupAccessLogBucket#observe}). */
    @Override
    public io.webplatform.operator.engine.Observed<java.util.List<software.amazon.awssdk.services.s3.model.LifecycleRule>> observe(BucketScope scope) {
        return scope.crossRegion() ? super.observe(scope) : null;
    }

    @Override
    public String leftInPlace(BucketScope scope) {
        return scope.crossRegion() ? super.leftInPlace(scope) : null;
    }
}
