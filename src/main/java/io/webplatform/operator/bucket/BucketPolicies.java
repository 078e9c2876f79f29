package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.webplatform.operator.aws.OwnedKeys;
import io.webplatform.operator.aws.Partition;

import static io.webplatform.operator.aws.PolicyDocuments.array;
import static io.webplatform.operator.aws.PolicyDocuments.document;
import static io.webplatform.operator.aws.PolicyDocuments.statement;

/** The policy documents a SecureBucket puts on its buckets and its replication role; ARNs and principals come from the region's partition. */
public final class BucketPolicies {
    public static final String DENY_INSECURE_TRANSPORT = "DenyInsecureTransport";
    static final String LOG_DELIVERY = "delivery.logs";

    private BucketPolicies() {
    }

    /** Denies every request that does not use TLS, on the bucket and its objects. */
    public static ObjectNode tlsOnly(Partition partition, String bucket) {
        ObjectNode doc = document();
        addTlsDeny(doc, partition, bucket);
        return doc;
    }

    /** TLS-only; with log delivery, also the two statements AWS log delivery needs, limited to this account. */
    public static ObjectNode dataBucket(Partition partition, String bucket, boolean allowLogDelivery, String accountId, String region) {
        ObjectNode doc = tlsOnly(partition, bucket);
        if (allowLogDelivery) {
            String sourceArn = partition.arn("logs", region, accountId, "*");
            ObjectNode write = statement(doc, "AWSLogDeliveryWrite", "Allow");
            write.putObject("Principal").put("Service", partition.servicePrincipal(LOG_DELIVERY));
            write.put("Action", "s3:PutObject");
            write.put("Resource", partition.bucketArn(bucket) + "/AWSLogs/" + accountId + "/*");
            ObjectNode writeCondition = write.putObject("Condition");
            writeCondition.putObject("StringEquals").put("s3:x-amz-acl", "bucket-owner-full-control").put("aws:SourceAccount", accountId);
            writeCondition.putObject("ArnLike").put("aws:SourceArn", sourceArn);
            ObjectNode acl = statement(doc, "AWSLogDeliveryAclCheck", "Allow");
            acl.putObject("Principal").put("Service", partition.servicePrincipal(LOG_DELIVERY));
            array(acl, "Action", "s3:GetBucketAcl", "s3:ListBucket");
            acl.put("Resource", partition.bucketArn(bucket));
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
    public static ObjectNode keyPolicy(Partition partition, String accountId, boolean allowLogDelivery) {
        ObjectNode doc = OwnedKeys.policyAdministeredByAccount(partition, accountId);
        if (allowLogDelivery) {
            ObjectNode delivery = statement(doc, "AllowLogDeliveryToEncrypt", "Allow");
            delivery.putObject("Principal").put("Service", partition.servicePrincipal(LOG_DELIVERY));
            array(delivery, "Action", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey");
            delivery.put("Resource", "*");
            delivery.putObject("Condition").putObject("StringEquals").put("aws:SourceAccount", accountId);
        }
        return doc;
    }

    /** TLS-only, plus the two statements CloudTrail needs to deliver logs, limited to this trail. */
    public static ObjectNode trailLogBucket(Partition partition, String bucket, String accountId, String region, String trailName) {
        ObjectNode doc = document();
        addTlsDeny(doc, partition, bucket);
        String trailArn = partition.arn("cloudtrail", region, accountId, "trail/" + trailName);
        ObjectNode aclCheck = statement(doc, "AWSCloudTrailAclCheck", "Allow");
        aclCheck.putObject("Principal").put("Service", partition.servicePrincipal("cloudtrail"));
        aclCheck.put("Action", "s3:GetBucketAcl");
        aclCheck.put("Resource", partition.bucketArn(bucket));
        aclCheck.putObject("Condition").putObject("StringEquals").put("aws:SourceArn", trailArn);
        ObjectNode write = statement(doc, "AWSCloudTrailWrite", "Allow");
        write.putObject("Principal").put("Service", partition.servicePrincipal("cloudtrail"));
        write.put("Action", "s3:PutObject");
        write.put("Resource", partition.bucketArn(bucket) + "/AWSLogs/" + accountId + "/*");
        ObjectNode writeCondition = write.putObject("Condition");
        writeCondition.putObject("StringEquals").put("s3:x-amz-acl", "bucket-owner-full-control").put("aws:SourceArn", trailArn);
        return doc;
    }

    /** The Sid of the statement that lets S3 deliver server access logs into the access-log bucket. */
    public static final String ACCESS_LOG_DELIVERY = "S3ServerAccessLogsPolicy";
    static final String LOGGING_SERVICE = "logging.s3";
    static final String SOURCE_ARN = "aws:SourceArn";

    /**
     * TLS-only, plus AWS's statement for server access log delivery ("Enabling Amazon S3 server access logging",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html): the logging service
     * principal may PutObject, only for source buckets of this account (aws:SourceAccount) listed by ARN
     * (aws:SourceArn, which S3 log delivery sends: the source bucket's ARN). The policy is the list of the bucket's
     * members; without any, no statement. The TLS deny never stops delivery: S3 delivers over TLS, and the guide's
     * warning is about Deny statements that match its writes.
     */
    public static ObjectNode accessLogBucket(Partition partition, String bucket, String accountId, java.util.Collection<String> sourceArns) {
        ObjectNode doc = document();
        if (sourceArns.isEmpty()) {
            addTlsDeny(doc, partition, bucket);
            return doc;
        }
        // First: the emulator's PutBucketLogging check (moto 5.2.1) fails with a 500 on a statement whose Principal
        // is "*" before it finds this one. Statement order means nothing to IAM.
        ObjectNode delivery = statement(doc, ACCESS_LOG_DELIVERY, "Allow");
        // A string, not a list: the single service principal, as AWS's example writes it.
        delivery.putObject("Principal").put("Service", partition.servicePrincipal(LOGGING_SERVICE));
        delivery.put("Action", "s3:PutObject");
        // Each source writes under its own prefix (<source>/): every key of the bucket is one source's.
        delivery.put("Resource", partition.bucketArn(bucket) + "/*");
        ObjectNode condition = delivery.putObject("Condition");
        array(condition.putObject("ArnLike"), SOURCE_ARN, sourceArns.toArray(String[]::new));
        condition.putObject("StringEquals").put("aws:SourceAccount", accountId);
        addTlsDeny(doc, partition, bucket);
        return doc;
    }

    /** The source bucket ARNs the access-log delivery statement of this policy lists (none when absent or unreadable). */
    public static java.util.List<String> accessLogSources(String policy) {
        com.fasterxml.jackson.databind.JsonNode doc = policy == null ? null : io.webplatform.operator.aws.PolicyDocuments.parse(policy);
        java.util.List<String> sources = new java.util.ArrayList<>();
        if (doc == null || !doc.path("Statement").isArray()) {
            return sources;
        }
        for (com.fasterxml.jackson.databind.JsonNode s : doc.get("Statement")) {
            if (ACCESS_LOG_DELIVERY.equals(s.path("Sid").asText())) {
                com.fasterxml.jackson.databind.JsonNode arns = s.path("Condition").path("ArnLike").path(SOURCE_ARN);
                if (arns.isTextual()) {
                    sources.add(arns.asText());
                }
                arns.forEach(a -> sources.add(a.asText()));
            }
        }
        return sources;
    }

    private static void addTlsDeny(ObjectNode doc, Partition partition, String bucket) {
        ObjectNode deny = statement(doc, DENY_INSECURE_TRANSPORT, "Deny");
        deny.put("Principal", "*");
        deny.put("Action", "s3:*");
        array(deny, "Resource", partition.bucketArn(bucket), partition.bucketArn(bucket) + "/*");
        deny.putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
    }

    /** S3 may assume the replication role. */
    public static ObjectNode replicationTrust(Partition partition) {
        ObjectNode doc = document();
        ObjectNode s = statement(doc, "S3AssumesReplicationRole", "Allow");
        s.putObject("Principal").put("Service", partition.servicePrincipal("s3"));
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
     *
     * <p>Each key is used only through S3 of its own region (kms:ViaService s3.&lt;region&gt;): with Cross-Region
     * Replication the source key through the source's, the replica key through the destination's, as the S3 guide's
     * example policy for replicating KMS-encrypted objects writes it
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
     */
    public static ObjectNode replicationPermissions(Partition partition, String source, String destination, String keyArn, String region) {
        return replicationPermissions(partition, source, keyArn, region, destination, keyArn, region);
    }

    public static ObjectNode replicationPermissions(Partition partition, String source, String sourceKeyArn, String sourceRegion,
                                                    String destination, String replicaKeyArn, String destinationRegion) {
        ObjectNode doc = document();
        ObjectNode readConfig = statement(doc, "ReadSourceConfiguration", "Allow");
        array(readConfig, "Action", "s3:GetReplicationConfiguration", "s3:ListBucket");
        readConfig.put("Resource", partition.bucketArn(source));
        ObjectNode readObjects = statement(doc, "ReadSourceObjectVersions", "Allow");
        array(readObjects, "Action", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging");
        readObjects.put("Resource", partition.bucketArn(source) + "/*");
        ObjectNode write = statement(doc, "WriteReplicas", "Allow");
        array(write, "Action", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags");
        write.put("Resource", partition.bucketArn(destination) + "/*");
        ObjectNode decrypt = statement(doc, "DecryptSourceObjects", "Allow");
        decrypt.put("Action", "kms:Decrypt");
        decrypt.put("Resource", sourceKeyArn);
        keyUsedByS3For(decrypt, source, partition, sourceRegion);
        ObjectNode encrypt = statement(doc, "EncryptReplicas", "Allow");
        array(encrypt, "Action", "kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt");
        encrypt.put("Resource", replicaKeyArn);
        keyUsedByS3For(encrypt, destination, partition, destinationRegion);
        return doc;
    }

    /** Only through S3 in this region, and only for the bucket (Bucket Key) or its objects (no Bucket Key). */
    private static void keyUsedByS3For(ObjectNode statement, String bucket, Partition partition, String region) {
        ObjectNode condition = statement.putObject("Condition");
        condition.putObject("StringEquals").put("kms:ViaService", partition.serviceEndpoint("s3", region));
        array(condition.putObject("StringLike"), "kms:EncryptionContext:aws:s3:arn", partition.bucketArn(bucket), partition.bucketArn(bucket) + "/*");
    }
}
