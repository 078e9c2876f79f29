package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where CloudTrail delivers the log files. Encrypted with SSE-S3: SSE-KMS would need CloudTrail in
 * the key policy, which a referenced key may not allow. Its policy lets only this trail write.
 */
public class TrailBucket extends ProtectedBucket {
    public static final String NAME = "TrailBucket";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailEnabled();
    }

    @Override
    protected String bucketName(BucketScope scope) {
        return scope.names().logBucket();
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.trailLogBucket(scope.partition(), bucketName(scope), scope.accountId(), scope.region(), scope.names().trail());
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return null;
    }
}
