package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.engine.OwnedKeyComponent;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The KMS key of a backup bucket in another region (Cross-Region Replication). A KMS key serves its own region only,
 * and S3 encrypts a replica with a key of the destination bucket's region (ReplicaKmsKeyID: "Amazon S3 uses this key to
 * encrypt replica objects. Amazon S3 only supports symmetric encryption KMS keys",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html). Made like the bucket's
 * own key (yearly rotation, found again by its alias or its ownership tags), whatever the bucket's encryption mode: a
 * referenced key names the bucket's region only. Same-region backups share the bucket's key, and none is made.
 */
public class BackupKey extends OwnedKeyComponent<BucketScope> {
    public static final String NAME = "BackupKey";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.replicationEnabled() && scope.crossRegion();
    }

    @Override
    protected String keyAlias(BucketScope scope) {
        return scope.names().backupKeyAlias();
    }

    @Override
    protected KmsClient kms(BucketScope scope) {
        return scope.kms(scope.backupRegion());
    }

    @Override
    public OwnedKeys.Desired desired(BucketScope scope) {
        String alias = keyAlias(scope);
        return new OwnedKeys.Desired(alias,
                "SecureBucket " + scope.owner().getMetadata().getNamespace() + "/" + scope.owner().getMetadata().getName()
                        + ": replicas in " + scope.names().backupBucket() + " (" + scope.backupRegion() + ")",
                BucketPolicies.keyPolicy(scope.partition(), scope.accountId(), false),
                scope.tags(NAME, alias));
    }

    /** A same-region backup never had one (replication.region is immutable): nothing to read. */
    @Override
    public Observed<OwnedKeys.Key> observe(BucketScope scope) {
        return scope.crossRegion() ? super.observe(scope) : null;
    }

    /** Kept with the backup bucket it encrypts, as the bucket's own key is: a bucket whose key is gone cannot be read. */
    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return scope.retainOnDelete();
    }
}
