package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;


/** The bucket the user asked for, encrypted with the SecureBucket's key. */
public class DataBucket extends ProtectedBucket {
    public static final String NAME = "Bucket";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    protected String bucketName(BucketScope scope) {
        return scope.names().bucket();
    }

    @Override
    protected JsonNode policy(BucketScope scope) {
        return BucketPolicies.dataBucket(scope.partition(), bucketName(scope), scope.spec().allowLogDelivery, scope.accountId(), scope.region());
    }

    @Override
    protected String kmsKeyArn(BucketScope scope) {
        return scope.keyArn();
    }
}
