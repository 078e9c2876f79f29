package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.engine.OwnedKeyComponent;
import software.amazon.awssdk.services.kms.KmsClient;

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
public class TrailKey extends OwnedKeyComponent<BucketScope> {
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
    @Override
    protected String componentTag(BucketScope scope) {
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
        return policy(partition, accountId, trailArn, null, null);
    }

    /**
     * With the trail's CloudWatch Logs group ({@link TrailLogGroup}; null when the installation opted out): the statement
     * of "Encrypt log data in CloudWatch Logs using AWS KMS"
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html): logs.&lt;region&gt;.amazonaws.com
     * may use the key for that group only (ArnEquals kms:EncryptionContext:aws:logs:arn, the group's ARN).
     */
    static ObjectNode policy(Partition partition, String accountId, String trailArn, String region, String logGroupArn) {
        ObjectNode doc = OwnedKeys.policyAdministeredByAccount(partition, accountId);

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

        if (logGroupArn != null) {
            ObjectNode logs = PolicyDocuments.statement(doc, "AllowCloudWatchLogsToEncryptTrailLogGroup", "Allow");
            logs.putObject("Principal").put("Service", partition.serviceEndpoint("logs", region));
            logs.putArray("Action").add("kms:Encrypt*").add("kms:Decrypt*").add("kms:ReEncrypt*").add("kms:GenerateDataKey*").add("kms:Describe*");
            logs.put("Resource", "*");
            logs.putObject("Condition").putObject("ArnEquals").put("kms:EncryptionContext:aws:logs:arn", logGroupArn);
        }
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
                + trail, policy(scope.partition(), scope.accountId(), trailArn(scope), scope.region(),
                scope.trailLogs().enabled() ? TrailLogGroup.arn(scope) : null), tags);
    }

    @Override
    protected String keyAlias(BucketScope scope) {
        return alias(scope);
    }

    @Override
    protected KmsClient kms(BucketScope scope) {
        return scope.kms();
    }

    /** The installation's shared trail: found by the installation's tags, not this SecureBucket's. */
    @Override
    protected String ownerTag(BucketScope scope) {
        return scope.installationKey();
    }

    /** Its trail turned off ends it too. */
    @Override
    protected boolean ending(BucketScope scope) {
        return super.ending(scope) || !scope.trailEnabled();
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
