package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;

import java.util.List;

/**
 * The customer managed KMS key that encrypts the shared trail's log files (SSE-KMS; Security Hub CloudTrail.2,
 * prowler cloudtrail_kms_encryption_enabled). One per shared trail, like the trail and its log bucket: made in the
 * trail bucket's Region ("The key that you choose must be in the same region as the S3 bucket that receives your
 * log files"), symmetric, rotating yearly, found by its alias or, after a crash between CreateKey and CreateAlias,
 * by its ownership tags. Its policy is written before the trail names it: the trail's ARN is deterministic.
 *
 * <p>Its end is the trail's log bucket's ({@link TrailBucket}): left while the trail exists; once the last member
 * deleted the trail, scheduled for deletion (7 days), unless the log bucket is kept for a member whose
 * deletionPolicy is Retain: the logs it keeps cannot be read without this key.
 */
public class TrailKey implements Component<BucketScope, OwnedKeys.Desired, OwnedKeys.Key> {
    public static final String NAME = "TrailKey";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean wanted(BucketScope scope) {
        return scope.trailEnabled();
    }

    /** alias/webplatform/&lt;trail name&gt;: trail names are unique per account and Region, as keys are regional. KMS aliases allow no dots. */
    static String alias(BucketScope scope) {
        return "alias/webplatform/" + scope.trailDestination().trail().replaceAll("[^a-zA-Z0-9/_-]", "-");
    }

    /**
     * The component tag names the trail: an installation has a shared trail per destination, so a key found by its
     * tags (the alias missing after a crash) must be this trail's, not another's of the same installation.
     */
    static String componentTag(BucketScope scope) {
        return NAME + "/" + scope.trailDestination().trail();
    }

    /**
     * The key policy of "Configure AWS KMS key policies for CloudTrail"
     * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html): the
     * account administers the key (so IAM policies can grant readers kms:Decrypt); CloudTrail may generate data keys
     * for trails of this account (kms:EncryptionContext:aws:cloudtrail:arn) and, as the guide recommends, only for
     * this trail (aws:SourceArn, "always the trail ARN"); describe the key for this trail; and decrypt, which the
     * guide requires "to create or update a trail with SSE-KMS encryption enabled" when the bucket uses an S3 Bucket
     * Key (its statement has no condition).
     */
    static ObjectNode policy(Partition partition, String accountId, String trailArn) {
        ObjectNode doc = PolicyDocuments.document();
        ObjectNode admin = PolicyDocuments.statement(doc, "EnableIamPolicies", "Allow");
        admin.putObject("Principal").put("AWS", partition.accountRoot(accountId));
        admin.put("Action", "kms:*");
        admin.put("Resource", "*");

        ObjectNode encrypt = PolicyDocuments.statement(doc, "AllowCloudTrailToEncryptLogs", "Allow");
        encrypt.putObject("Principal").put("Service", partition.servicePrincipal("cloudtrail"));
        encrypt.put("Action", "kms:GenerateDataKey*");
        encrypt.put("Resource", "*");
        ObjectNode encryptCondition = encrypt.putObject("Condition");
        encryptCondition.putObject("StringLike").put("kms:EncryptionContext:aws:cloudtrail:arn",
                partition.arn("cloudtrail", "*", accountId, "trail/*"));
        encryptCondition.putObject("StringEquals").put("aws:SourceArn", trailArn);

        ObjectNode describe = PolicyDocuments.statement(doc, "AllowCloudTrailToDescribeKey", "Allow");
        describe.putObject("Principal").put("Service", partition.servicePrincipal("cloudtrail"));
        describe.put("Action", "kms:DescribeKey");
        describe.put("Resource", "*");
        describe.putObject("Condition").putObject("StringEquals").put("aws:SourceArn", trailArn);

        ObjectNode decrypt = PolicyDocuments.statement(doc, "AllowCloudTrailToDecryptWithBucketKey", "Allow");
        decrypt.putObject("Principal").put("Service", partition.servicePrincipal("cloudtrail"));
        decrypt.put("Action", "kms:Decrypt");
        decrypt.put("Resource", "*");
        return doc;
    }

    /** The ARN CloudTrail gives the shared trail: arn:&lt;partition&gt;:cloudtrail:&lt;region&gt;:&lt;account&gt;:trail/&lt;name&gt;. */
    static String trailArn(BucketScope scope) {
        return scope.partition().arn("cloudtrail", scope.region(), scope.accountId(), "trail/" + scope.trailDestination().trail());
    }

    @Override
    public OwnedKeys.Desired desired(BucketScope scope) {
        String alias = alias(scope);
        String trail = scope.trailDestination().trail();
        var tags = Trail.sharedTags(scope, componentTag(scope), alias);
        return new OwnedKeys.Desired(alias, "Installation " + scope.installation() + ": encryption of the log files of CloudTrail trail "
                + trail, policy(scope.partition(), scope.accountId(), trailArn(scope)), tags);
    }

    @Override
    public List<CfnResource> cloudFormation(OwnedKeys.Desired desired) {
        return KmsKey.cloudFormation(CfnResource.logicalId(NAME), desired);
    }

    @Override
    public Observed<OwnedKeys.Key> planned(BucketScope scope, OwnedKeys.Desired desired) {
        OwnedKeys.Key key = KmsKey.planned(CfnResource.logicalId(NAME), desired);
        return Observed.ready(key.arn(), key);
    }

    /** A key whose deletion this object scheduled (being deleted, or its trail turned off) counts as gone. */
    @Override
    public Observed<OwnedKeys.Key> observe(BucketScope scope) {
        boolean ending = scope.owner().getMetadata().getDeletionTimestamp() != null || !scope.trailEnabled();
        OwnedKeys.Key key = OwnedKeys.read(scope.kms(), alias(scope), scope.installationKey(), componentTag(scope), ending);
        return key == null ? null : Observed.ready(key.arn(), key);
    }

    @Override
    public List<Change> diff(OwnedKeys.Key actual, OwnedKeys.Desired desired) {
        return OwnedKeys.differences(actual, desired).stream()
                .map(d -> Change.described(d.field(), d.actual(), d.desired(), d.summary())).toList();
    }

    @Override
    public void create(BucketScope scope, OwnedKeys.Desired desired) {
        OwnedKeys.create(scope.kms(), desired, scope.clock());
    }

    @Override
    public void apply(BucketScope scope, Observed<OwnedKeys.Key> current, OwnedKeys.Desired desired, List<Change> changes) {
        OwnedKeys.Key after = OwnedKeys.apply(scope.kms(), current.detail(), desired, changes.stream().map(Change::field).toList(), scope.clock());
        // The findings, judged after the walk, read the key as it is now.
        scope.record(NAME, current.withDetail(after));
    }

    @Override
    public boolean delete(BucketScope scope, Observed<OwnedKeys.Key> current) {
        OwnedKeys.delete(scope.kms(), current.detail(), alias(scope), scope.clock());
        return true;
    }

    /** While the trail exists, it encrypts with this key for other SecureBuckets: not this object's to delete. */
    @Override
    public String leftInPlace(BucketScope scope) {
        return Trail.exists(scope) ? "shared: trail " + scope.trailDestination().trail() + " still encrypts other SecureBuckets' logs with it" : null;
    }

    /**
     * Kept exactly when the trail's log bucket is kept ({@link TrailBucket#kept}: a member whose deletionPolicy is
     * Retain recorded into it, it was adopted, or it has Object Lock): the logs it keeps are encrypted with this key.
     * The bucket is read here: it is deleted before the key, so by now it may be gone (then nothing is kept).
     */
    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        Observed<ProtectedBucket.State> observed = new TrailBucket().observe(scope);
        return observed != null && TrailBucket.kept(scope, observed.detail());
    }

    /** The key as this pass found it (and left it); null when absent. */
    public static OwnedKeys.Key of(BucketScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (OwnedKeys.Key) observed.detail();
    }
}
