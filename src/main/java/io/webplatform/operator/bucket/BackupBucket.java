package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.UserError;

/**
 * The replica of the data bucket, with the same protections: in the bucket's region with its key, or in
 * spec.replication.region with the {@link BackupKey} made there.
 */
public class BackupBucket extends ProtectedBucket {
    public static final String NAME = "BackupBucket";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public boolean wanted(BucketScope scope) {
        return scope.replicationEnabled();
    }

    @Override
    protected String bucketName(BucketScope scope) {
        return scope.names().backupBucket();
    }

    @Override
    protected String region(BucketScope scope) {
        return scope.backupRegion();
    }

    /** A replication.region of another partition (the CRD judges it only when spec.region is given) is refused before any write. */
    @Override
    public void preflight(BucketScope scope) {
        if (!Partition.of(scope.backupRegion()).equals(scope.partition())) {
            throw new UserError("InvalidSpec", "replication.region " + scope.backupRegion()
                    + " is in another partition than the bucket's region " + scope.region() + ": S3 replicates within a partition only");
        }
        super.preflight(scope);
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.tlsOnly(scope.partition(), bucketName(scope));
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return scope.backupKeyArn();
    }
}
