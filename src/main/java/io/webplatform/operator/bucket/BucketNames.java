package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.ResourceNames;

/** Every AWS name a SecureBucket uses, derived once from its spec, namespace, name and owner key. */
public record BucketNames(String bucket, String backupBucket, String logBucket, String replicationRole,
                          String trail, String keyAlias, String backupKeyAlias) {

    /** The names a scope identified by the object's UID gives (stacks made before installations had names). */
    public static BucketNames of(SecureBucket resource) {
        return of(resource, resource.getMetadata().getUid());
    }

    public static BucketNames of(SecureBucket resource, String ownerKey) {
        SecureBucketSpec spec = resource.getSpec();
        String ns = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        String bucket = spec.bucketName != null ? spec.bucketName : ResourceNames.bucket(ns, name, ownerKey, "");
        String backup = spec.replication != null && spec.replication.bucketName != null
                ? spec.replication.bucketName : ResourceNames.derivedBucket(bucket, "-backup");
        String logs = spec.trail != null && spec.trail.logBucketName != null
                ? spec.trail.logBucketName : ResourceNames.derivedBucket(bucket, "-trail");
        return new BucketNames(bucket, backup, logs,
                ResourceNames.iamRole(ns, name, ownerKey, "-replication"),
                ResourceNames.trail(ns, name, ownerKey, "-writes"),
                ResourceNames.kmsAlias(ns, name, ownerKey, "-bucket"),
                ResourceNames.kmsAlias(ns, name, ownerKey, "-backup"));
    }
}
