package io.webplatform.operator.bucket;

import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.Scope;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;

/** One pass over a SecureBucket: its spec, derived names, AWS clients and account. */
public class BucketScope extends Scope {
    private final SecureBucket resource;
    private final BucketNames names;
    private final AwsClients clients;
    private final String accountId;

    /** A scope identified by the object's UID, as stacks were before installations had names. */
    public BucketScope(SecureBucket resource, AwsClients clients, String accountId) {
        this(resource, Identity.ofUid(resource), clients, accountId);
    }

    public BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String accountId) {
        this(resource, identity, clients, clients.region(resource.getSpec().region), accountId);
    }

    /** A plan's scope: no AWS clients (so any AWS call fails), the account as a reference. */
    public static BucketScope forPlan(SecureBucket resource, Identity identity, String region, String accountId) {
        return new BucketScope(resource, identity, null, region, accountId);
    }

    private BucketScope(SecureBucket resource, Identity identity, AwsClients clients, String region, String accountId) {
        super(resource, identity, region);
        this.resource = resource;
        this.names = BucketNames.of(resource, identity.key());
        this.clients = clients;
        this.accountId = accountId;
    }

    public SecureBucketSpec spec() {
        return resource.getSpec();
    }

    public BucketNames names() {
        return names;
    }

    public String accountId() {
        return accountId;
    }

    /** The region's partition: every ARN and service principal this SecureBucket writes comes from it. */
    public Partition partition() {
        return Partition.of(region());
    }

    public boolean replicationEnabled() {
        return spec().replication != null && spec().replication.enabled;
    }

    public boolean trailEnabled() {
        return spec().trail != null && spec().trail.enabled;
    }

    public boolean retainOnDelete() {
        return spec().deletionPolicy != io.webplatform.operator.api.DeletionPolicy.Delete;
    }

    public Map<String, String> tags(String component, String name) {
        return Ownership.tags(resource, identity(), spec().tags, component, name);
    }

    public S3Client s3() {
        return clients.s3(region());
    }

    public KmsClient kms() {
        return clients.kms(region());
    }

    public IamClient iam() {
        return clients.iam(region());
    }

    public CloudTrailClient cloudTrail() {
        return clients.cloudTrail(region());
    }

    /** The ARN of the key that encrypts the data buckets: the one made by Key, or the referenced one. */
    public String keyArn() {
        return idOf(KmsKey.NAME);
    }
}
