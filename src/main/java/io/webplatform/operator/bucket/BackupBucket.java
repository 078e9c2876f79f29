package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;


/** The replica of the data bucket, in the same region, with the same protections and key. */
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
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.tlsOnly(scope.partition(), bucketName(scope));
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return scope.keyArn();
    }
}
