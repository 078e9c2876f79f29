package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.ComponentGraph;

/**
 * A SecureBucket, as a diagram:
 * <pre>
 *   Key ──► Bucket ─────────┬──► ReplicationRole ──► Replication
 *      └──► BackupBucket ───┘                          ▲
 *                            (Bucket, BackupBucket) ───┘
 *   TrailBucket ──► Trail ◄── Bucket
 * </pre>
 * Created left to right, deleted right to left.
 */
public final class SecureBucketGraph {
    private SecureBucketGraph() {
    }

    public static ComponentGraph<BucketScope> create() {
        return new ComponentGraph<>(
                new KmsKey(),
                new DataBucket(),
                new BackupBucket(),
                new ReplicationRole(),
                new Replication(),
                new TrailBucket(),
                new Trail());
    }
}
