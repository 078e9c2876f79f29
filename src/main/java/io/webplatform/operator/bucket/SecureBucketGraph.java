package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.ComponentGraph;

import static io.webplatform.operator.engine.ComponentGraph.after;
import static io.webplatform.operator.engine.ComponentGraph.reads;

/**
 * A SecureBucket as a graph, every edge in this one place (see {@code WebPlatformGraph} for what
 * the edges mean). The README's diagram is generated from it.
 */
public final class SecureBucketGraph {
    private SecureBucketGraph() {
    }

    public static ComponentGraph<BucketScope> create() {
        return ComponentGraph.<BucketScope>builder()
                .add(new KmsKey())
                // A backup in another region is encrypted with a key of its region; a same-region backup has none, so the key is
                // read, not waited for (what needs it waits itself: BucketScope.backupKeyArn), and still deleted after them.
                .add(new BackupKey())
                .add(new DataBucket(), after(KmsKey.NAME))
                .add(new BackupBucket(), after(KmsKey.NAME), reads(BackupKey.NAME))
                .add(new ReplicationRole(), after(KmsKey.NAME, DataBucket.NAME, BackupBucket.NAME), reads(BackupKey.NAME))
                .add(new Replication(), after(KmsKey.NAME, DataBucket.NAME, BackupBucket.NAME, ReplicationRole.NAME), reads(BackupKey.NAME))
                .add(new AccessLogBucket())
                .add(new AccessLogLifecycle(), after(AccessLogBucket.NAME))
                // S3 logs within a region only: a cross-region backup logs into the installation's access-log bucket of its region.
                .add(new BackupAccessLogBucket())
                .add(new BackupAccessLogLifecycle(), after(BackupAccessLogBucket.NAME))
                // The trail's key encrypts its log bucket by default: made first, ended after it (kept when its tags keep the
                // bucket: the key reads them).
                .add(new TrailKey())
                // The trail's log bucket logs into the access-log bucket: walked after it, deleted (leaving its policy) before it.
                .add(new TrailBucket(), after(TrailKey.NAME), reads(AccessLogBucket.NAME))
                // The trail's CloudWatch Logs group is encrypted with its key; the role that delivers there names the group by name.
                // The trail reads both rather than waiting for them: the chart's opt-out removes them while the trail stays (the
                // trail waits for them itself when they are wanted), and it is still walked after them and deleted before them.
                .add(new TrailLogGroup(), after(TrailKey.NAME))
                .add(new TrailLogsRole())
                // Locked before the trail is made (walked first), so no log file lands unlocked.
                .add(new TrailObjectLock(), after(TrailBucket.NAME))
                .add(new Trail(), after(TrailBucket.NAME, TrailKey.NAME, DataBucket.NAME), reads(TrailLogGroup.NAME, TrailLogsRole.NAME))
                .add(new TrailInsights(), after(Trail.NAME))
                .add(new BucketLifecycle(), after(DataBucket.NAME), reads(BackupBucket.NAME, TrailBucket.NAME))
                .add(new AccessLogging(), after(AccessLogBucket.NAME, DataBucket.NAME), reads(BackupBucket.NAME, TrailBucket.NAME, BackupAccessLogBucket.NAME))
                // An earlier version's own trail goes once the shared one records the bucket; its log bucket stays until the end.
                .add(new PreviousTrailBucket())
                .add(new PreviousTrail(), after(Trail.NAME, PreviousTrailBucket.NAME))
                .anchor(DataBucket.NAME)
                .build();
    }
}
