package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.node.ObjectNode;

import static io.webplatform.operator.aws.PolicyDocuments.array;
import static io.webplatform.operator.aws.PolicyDocuments.document;
import static io.webplatform.operator.aws.PolicyDocuments.statement;

/** The policy documents a SecureBucket puts on its buckets and its replication role. */
public final class BucketPolicies {
    public static final String DENY_INSECURE_TRANSPORT = "DenyInsecureTransport";
    static final String LOG_DELIVERY = "delivery.logs.amazonaws.com";

    private BucketPolicies() {
    }

    /** Denies every request that does not use TLS, on the bucket and its objects. */
    public static ObjectNode tlsOnly(String bucket) {
        ObjectNode doc = document();
        addTlsDeny(doc, bucket);
        return doc;
    }

    /** TLS-only; with log delivery, also the two statements AWS log delivery needs, limited to this account. */
    public static ObjectNode dataBucket(String bucket, boolean allowLogDelivery, String accountId, String region) {
        ObjectNode doc = tlsOnly(bucket);
        if (allowLogDelivery) {
            String sourceArn = "arn:aws:logs:" + region + ":" + accountId + ":*";
            ObjectNode write = statement(doc, "AWSLogDeliveryWrite", "Allow");
            write.putObject("Principal").put("Service", LOG_DELIVERY);
            write.put("Action", "s3:PutObject");
            write.put("Resource", BucketNames.arn(bucket) + "/AWSLogs/" + accountId + "/*");
            ObjectNode writeCondition = write.putObject("Condition");
            writeCondition.putObject("StringEquals").put("s3:x-amz-acl", "bucket-owner-full-control").put("aws:SourceAccount", accountId);
            writeCondition.putObject("ArnLike").put("aws:SourceArn", sourceArn);
            ObjectNode acl = statement(doc, "AWSLogDeliveryAclCheck", "Allow");
            acl.putObject("Principal").put("Service", LOG_DELIVERY);
            array(acl, "Action", "s3:GetBucketAcl", "s3:ListBucket");
            acl.put("Resource", BucketNames.arn(bucket));
            ObjectNode aclCondition = acl.putObject("Condition");
            aclCondition.putObject("StringEquals").put("aws:SourceAccount", accountId);
            aclCondition.putObject("ArnLike").put("aws:SourceArn", sourceArn);
        }
        return doc;
    }

    /**
     * The key policy of a key the operator creates: the account administers it through IAM (AWS's
     * default), and with log delivery, AWS log delivery may encrypt with it for this account only.
     */
    public static ObjectNode keyPolicy(String accountId, boolean allowLogDelivery) {
        ObjectNode doc = document();
        ObjectNode admin = statement(doc, "EnableIamPolicies", "Allow");
        admin.putObject("Principal").put("AWS", "arn:aws:iam::" + accountId + ":root");
        admin.put("Action", "kms:*");
        admin.put("Resource", "*");
        if (allowLogDelivery) {
            ObjectNode delivery = statement(doc, "AllowLogDeliveryToEncrypt", "Allow");
            delivery.putObject("Principal").put("Service", LOG_DELIVERY);
            array(delivery, "Action", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey");
            delivery.put("Resource", "*");
            delivery.putObject("Condition").putObject("StringEquals").put("aws:SourceAccount", accountId);
        }
        return doc;
    }

    /** TLS-only, plus the two statements CloudTrail needs to deliver logs, limited to this trail. */
    public static ObjectNode trailLogBucket(String bucket, String accountId, String region, String trailName) {
        ObjectNode doc = document();
        addTlsDeny(doc, bucket);
        String trailArn = "arn:aws:cloudtrail:" + region + ":" + accountId + ":trail/" + trailName;
        ObjectNode aclCheck = statement(doc, "AWSCloudTrailAclCheck", "Allow");
        aclCheck.putObject("Principal").put("Service", "cloudtrail.amazonaws.com");
        aclCheck.put("Action", "s3:GetBucketAcl");
        aclCheck.put("Resource", BucketNames.arn(bucket));
        aclCheck.putObject("Condition").putObject("StringEquals").put("aws:SourceArn", trailArn);
        ObjectNode write = statement(doc, "AWSCloudTrailWrite", "Allow");
        write.putObject("Principal").put("Service", "cloudtrail.amazonaws.com");
        write.put("Action", "s3:PutObject");
        write.put("Resource", BucketNames.arn(bucket) + "/AWSLogs/" + accountId + "/*");
        ObjectNode writeCondition = write.putObject("Condition");
        writeCondition.putObject("StringEquals").put("s3:x-amz-acl", "bucket-owner-full-control").put("aws:SourceArn", trailArn);
        return doc;
    }

    private static void addTlsDeny(ObjectNode doc, String bucket) {
        ObjectNode deny = statement(doc, DENY_INSECURE_TRANSPORT, "Deny");
        deny.put("Principal", "*");
        deny.put("Action", "s3:*");
        array(deny, "Resource", BucketNames.arn(bucket), BucketNames.arn(bucket) + "/*");
        deny.putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
    }

    /** S3 may assume the replication role. */
    public static ObjectNode replicationTrust() {
        ObjectNode doc = document();
        ObjectNode s = statement(doc, "S3AssumesReplicationRole", "Allow");
        s.putObject("Principal").put("Service", "s3.amazonaws.com");
        s.put("Action", "sts:AssumeRole");
        return doc;
    }

    /**
     * Least privilege for replication: read the source's replication configuration and object
     * versions, write replicas into the backup bucket only, and use the key only through S3.
     *
     * <p>The buckets use an S3 Bucket Key, so the KMS encryption context S3 passes is the bucket ARN,
     * not the object ARN; objects written without the Bucket Key (before it was on, or by a client
     * that turned it off per object) carry the object ARN. Both forms are allowed, on each side. With a
     * Bucket Key on the destination, S3 also calls kms:Decrypt on the replica key to check the Bucket
     * Key's integrity (S3 guide, "Amazon S3 Bucket Keys and replication"), so replicas may decrypt too.
     */
    public static ObjectNode replicationPermissions(String source, String destination, String keyArn, String region) {
        ObjectNode doc = document();
        ObjectNode readConfig = statement(doc, "ReadSourceConfiguration", "Allow");
        array(readConfig, "Action", "s3:GetReplicationConfiguration", "s3:ListBucket");
        readConfig.put("Resource", BucketNames.arn(source));
        ObjectNode readObjects = statement(doc, "ReadSourceObjectVersions", "Allow");
        array(readObjects, "Action", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging");
        readObjects.put("Resource", BucketNames.arn(source) + "/*");
        ObjectNode write = statement(doc, "WriteReplicas", "Allow");
        array(write, "Action", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags");
        write.put("Resource", BucketNames.arn(destination) + "/*");
        ObjectNode decrypt = statement(doc, "DecryptSourceObjects", "Allow");
        decrypt.put("Action", "kms:Decrypt");
        decrypt.put("Resource", keyArn);
        keyUsedByS3For(decrypt, source, region);
        ObjectNode encrypt = statement(doc, "EncryptReplicas", "Allow");
        array(encrypt, "Action", "kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt");
        encrypt.put("Resource", keyArn);
        keyUsedByS3For(encrypt, destination, region);
        return doc;
    }

    /** Only through S3 in this region, and only for the bucket (Bucket Key) or its objects (no Bucket Key). */
    private static void keyUsedByS3For(ObjectNode statement, String bucket, String region) {
        ObjectNode condition = statement.putObject("Condition");
        condition.putObject("StringEquals").put("kms:ViaService", "s3." + region + ".amazonaws.com");
        array(condition.putObject("StringLike"), "kms:EncryptionContext:aws:s3:arn", BucketNames.arn(bucket), BucketNames.arn(bucket) + "/*");
    }
}
