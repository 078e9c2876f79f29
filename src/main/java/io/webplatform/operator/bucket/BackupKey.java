package io.webplatform.operator.bucket;

import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;

import java.util.List;

/**
 * The KMS key of a backup bucket in another region (Cross-Region Replication). A KMS key serves its own region only,
 * and S3 encrypts a replica with a key of the destination bucket's region (ReplicaKmsKeyID: "Amazon S3 uses this key to
 * encrypt replica objects. Amazon S3 only supports symmetric encryption KMS keys",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html). Made like the bucket's
 * own key (yearly rotation, found again by its alias or its ownership tags), whatever the bucket's encryption mode: a
 * referenced key names the bucket's region only. Same-region backups share the bucket's key, and none is made.
 */
public class BackupKey implements Component<BucketScope, OwnedKeys.Desired, OwnedKeys.Key> {
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
    public OwnedKeys.Desired desired(BucketScope scope) {
        String alias = scope.names().backupKeyAlias();
        return new OwnedKeys.Desired(alias,
                "SecureBucket " + scope.owner().getMetadata().getNamespace() + "/" + scope.owner().getMetadata().getName()
                        + ": replicas in " + scope.names().backupBucket() + " (" + scope.backupRegion() + ")",
                BucketPolicies.keyPolicy(scope.partition(), scope.accountId(), false),
                scope.tags(NAME, alias));
    }

    @Override
    public List<CfnResource> cloudFormation(OwnedKeys.Desired desired) {
        return KmsKey.cloudFormation(CfnResource.logicalId(NAME), desired);
    }

    @Override
    public Observed<OwnedKeys.Key> planned(BucketScope scope, OwnedKeys.Desired desired) {
        return Observed.ready(CfnResource.attribute(CfnResource.logicalId(NAME), "Arn"), KmsKey.planned(CfnResource.logicalId(NAME), desired));
    }

    /** A same-region backup never had one (replication.region is immutable): nothing to read. */
    @Override
    public Observed<OwnedKeys.Key> observe(BucketScope scope) {
        if (!scope.crossRegion()) {
            return null;
        }
        OwnedKeys.Key key = OwnedKeys.read(scope.kms(scope.backupRegion()), scope.names().backupKeyAlias(), scope.ownerKey(), NAME,
                scope.deleting());
        return key == null ? null : Observed.ready(key.arn(), key);
    }

    @Override
    public List<Change> diff(OwnedKeys.Key actual, OwnedKeys.Desired desired) {
        return OwnedKeys.differences(actual, desired).stream()
                .map(d -> Change.described(d.field(), d.actual(), d.desired(), d.summary())).toList();
    }

    @Override
    public void create(BucketScope scope, OwnedKeys.Desired desired) {
        OwnedKeys.create(scope.kms(scope.backupRegion()), desired, scope.clock());
    }

    @Override
    public void apply(BucketScope scope, Observed<OwnedKeys.Key> current, OwnedKeys.Desired desired, List<Change> changes) {
        OwnedKeys.Key after = OwnedKeys.apply(scope.kms(scope.backupRegion()), current.detail(), desired,
                changes.stream().map(Change::field).toList(), scope.clock());
        // The findings, judged after the walk, read the key as it is now.
        scope.record(NAME, current.withDetail(after));
    }

    @Override
    public boolean delete(BucketScope scope, Observed<OwnedKeys.Key> current) {
        OwnedKeys.delete(scope.kms(scope.backupRegion()), current.detail(), scope.names().backupKeyAlias(), scope.clock());
        return true;
    }

    /** Kept with the backup bucket it encrypts, as the bucket's own key is: a bucket whose key is gone cannot be read. */
    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        return scope.retainOnDelete();
    }
}
