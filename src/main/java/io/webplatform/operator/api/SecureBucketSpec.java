package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a SecureBucket declares. Versioning, the public access block and TLS-only access are always on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.bucketName) == has(oldSelf.bucketName) && (!has(self.bucketName) || self.bucketName == oldSelf.bucketName)",
        message = "bucketName is immutable: a bucket cannot be renamed; create a new SecureBucket instead")
@ValidationRule(value = "has(self.region) == has(oldSelf.region) && (!has(self.region) || self.region == oldSelf.region)",
        message = "region is immutable: a bucket cannot move between regions")
@ValidationRule(value = "!has(self.replication) || !has(self.replication.bucketName) || !has(self.bucketName) || self.replication.bucketName != self.bucketName",
        message = "replication.bucketName must differ from bucketName: a bucket cannot replicate to itself")
@ValidationRule(value = "!has(self.trail) || !has(self.trail.logBucketName) || !has(self.bucketName) || self.trail.logBucketName != self.bucketName",
        message = "trail.logBucketName must differ from bucketName: a trail cannot log into the bucket it watches")
@ValidationRule(value = "!has(self.trail) || !has(self.trail.logBucketName) || !has(self.replication) || !has(self.replication.bucketName) || self.trail.logBucketName != self.replication.bucketName",
        message = "trail.logBucketName must differ from replication.bucketName")
@ValidationRule(value = "!has(self.region) || !has(self.replication) || !has(self.replication.region)"
        + " || self.region.startsWith('us-gov-') == self.replication.region.startsWith('us-gov-')",
        message = "replication.region must be in the bucket's partition: S3 does not replicate between aws and aws-us-gov")
@ValidationRule(value = "(has(self.encryption) ? self.encryption.mode : 'CreateKey') == (has(oldSelf.encryption) ? oldSelf.encryption.mode : 'CreateKey')",
        message = "encryption.mode is immutable: the operator does not hand over a key it created")
@ValidationRule(value = "!has(self.emptyOnDelete) || !self.emptyOnDelete || self.deletionPolicy == 'Delete'",
        message = "emptyOnDelete: true needs deletionPolicy: Delete (Retain keeps the data)")
public class SecureBucketSpec {

    /** S3 naming rules, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
    public static final String BUCKET_NAME_PATTERN = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";
    public static final String BUCKET_NAME_RULE = "!self.contains('..') && !self.contains('.-') && !self.contains('-.')"
            + " && !self.matches('^[0-9]+\\\\.[0-9]+\\\\.[0-9]+\\\\.[0-9]+$')"
            + " && !self.startsWith('xn--') && !self.startsWith('sthree-') && !self.startsWith('amzn-s3-demo-')"
            + " && !self.endsWith('-s3alias') && !self.endsWith('--ol-s3') && !self.endsWith('.mrap')"
            + " && !self.endsWith('--x-s3') && !self.endsWith('--table-s3')";
    public static final String BUCKET_NAME_MESSAGE = "must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots"
            + " and hyphens, not formatted as an IP address, without reserved prefixes (xn--, sthree-) or suffixes (-s3alias, --ol-s3)";
    public static final String REGION_PATTERN = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$";
    /**
     * Only the aws and aws-us-gov partitions (see Partition): China's service principals and endpoints
     * differ per service, ISO regions are closed, and nothing here can test either.
     */
    public static final String REGION_RULE = "!self.startsWith('cn-') && !self.matches('^[a-z]{2}-iso')";
    public static final String ZONE_RULE = "!z.startsWith('cn-') && !z.matches('^[a-z]{2}-iso')";
    public static final String REGION_MESSAGE = "China (cn-*) and ISO regions are not supported: use a region of the aws or aws-us-gov"
            + " partition (e.g. eu-west-3, us-gov-west-1)";
    public static final String REGION_DESCRIPTION = "AWS region, e.g. eu-west-3, in the standard (aws) or GovCloud (aws-us-gov)"
            + " partition; China and ISO regions are refused (their service principals and endpoints differ). The operator's"
            + " default region when omitted. Immutable.";

    @JsonPropertyDescription("The bucket's name. Generated from namespace, name and a hash of the UID when omitted. Immutable.")
    @Pattern(BUCKET_NAME_PATTERN)
    @ValidationRule(value = BUCKET_NAME_RULE, message = BUCKET_NAME_MESSAGE)
    public String bucketName;

    @JsonPropertyDescription(REGION_DESCRIPTION)
    @Pattern(REGION_PATTERN)
    @ValidationRule(value = REGION_RULE, message = REGION_MESSAGE)
    public String region;

    @JsonPropertyDescription("Default encryption of the bucket (SSE-KMS).")
    public Encryption encryption = new Encryption();

    @JsonPropertyDescription("Replication of every object version to a backup bucket that has the same protections.")
    public Replication replication;

    @JsonPropertyDescription("A CloudTrail trail that records the bucket's object writes (PutObject, DeleteObject...).")
    public Trail trail;

    @JsonPropertyDescription("S3 server access logs of the bucket, its backup bucket and the trail's log bucket, delivered to the"
            + " installation's access-log bucket of the region (Security Hub S3.9 and CloudTrail.7).")
    public AccessLogs accessLogs = new AccessLogs();

    @JsonPropertyDescription("The operator's lifecycle rule on the data, backup and trail log buckets: incomplete uploads are always"
            + " aborted after 7 days; noncurrent versions expire only when asked.")
    public Lifecycle lifecycle;

    @JsonPropertyDescription(ManagementPolicy.DESCRIPTION)
    @Default("Manage")
    public ManagementPolicy managementPolicy = ManagementPolicy.Manage;

    @JsonPropertyDescription("Retain (default) keeps the buckets and the key on delete; Delete removes them.")
    @Default("Retain")
    public DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

    @JsonPropertyDescription("With deletionPolicy Delete: also delete every object version in the buckets. Without it, a non-empty bucket blocks the delete and says so.")
    @Default("false")
    public boolean emptyOnDelete;

    @JsonPropertyDescription("Let AWS log delivery (a WebPlatform's VPC flow logs) write into the bucket: adds the statements AWS"
            + " requires, limited to this account, to the bucket policy and, with a created key, to the key policy.")
    @Default("false")
    public boolean allowLogDelivery;

    @JsonPropertyDescription("Tags added to every AWS resource, besides the operator's ownership tags.")
    @Size(max = 40)
    @ValidationRule(value = "self.all(k, !k.startsWith('aws:') && !k.startsWith('webplatform.io/') && size(k) <= 128 && size(self[k]) <= 256)",
            message = "tag keys may not start with aws: or webplatform.io/ (reserved); keys are at most 128 and values 256 characters")
    public Map<String, String> tags = new LinkedHashMap<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.mode == 'ExistingKey' ? has(self.keyArn) : !has(self.keyArn)",
            message = "keyArn is required with mode ExistingKey and not allowed with mode CreateKey")
    public static class Encryption {
        @JsonPropertyDescription("CreateKey (default): the operator creates a KMS key with yearly rotation. ExistingKey: use keyArn.")
        @Default("CreateKey")
        public EncryptionMode mode = EncryptionMode.CreateKey;

        @JsonPropertyDescription("ARN of an existing KMS key in the bucket's region, with mode ExistingKey.")
        @Pattern("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$")
        public String keyArn;
    }

    public enum EncryptionMode { CreateKey, ExistingKey }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.region) == has(oldSelf.region) && (!has(self.region) || self.region == oldSelf.region)",
            message = "replication.region is immutable: a backup bucket cannot move between regions")
    public static class Replication {
        @JsonPropertyDescription("Replicate to a backup bucket. Turning it off removes the rule and the role; the backup bucket follows deletionPolicy.")
        @Default("true")
        public boolean enabled = true;

        @JsonPropertyDescription("The backup bucket's name; <bucket>-backup when omitted. Immutable.")
        @Pattern(BUCKET_NAME_PATTERN)
        @ValidationRule(value = BUCKET_NAME_RULE, message = BUCKET_NAME_MESSAGE)
        @ValidationRule(value = "self == oldSelf", message = "replication.bucketName is immutable")
        public String bucketName;

        @JsonPropertyDescription("The backup bucket's region; the bucket's own when omitted. Another region of the same partition"
                + " is Cross-Region Replication, for disaster recovery: the operator then also makes a KMS key in that region for"
                + " the replicas (a key serves one region only), and the backup bucket logs into the installation's access-log"
                + " bucket of that region (S3 delivers access logs within a region only). Immutable.")
        @Pattern(REGION_PATTERN)
        @ValidationRule(value = REGION_RULE, message = REGION_MESSAGE)
        public String region;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Trail {
        @JsonPropertyDescription("Record the bucket's object writes with CloudTrail, in the installation's shared trail of its destination. Turning it off removes the bucket from that trail (the last one deletes the trail).")
        @Default("true")
        public boolean enabled = true;

        @JsonPropertyDescription("The log bucket (and so the shared trail) the writes are recorded into; the installation's shared log bucket of the region when omitted. Immutable.")
        @Pattern(BUCKET_NAME_PATTERN)
        @ValidationRule(value = BUCKET_NAME_RULE, message = BUCKET_NAME_MESSAGE)
        @ValidationRule(value = "self == oldSelf", message = "trail.logBucketName is immutable")
        public String logBucketName;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Lifecycle {
        @JsonPropertyDescription("Days after which a version that is no longer current is deleted from the data and backup buckets,"
                + " with the delete markers left alone; unset keeps every version (a versioned bucket then grows forever). The"
                + " trail's log bucket keeps its versions whatever this says.")
        @Min(1)
        @Max(36500)
        public Integer noncurrentVersionExpirationDays;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AccessLogs {
        @JsonPropertyDescription("Deliver S3 server access logs (on by default). They cost the S3 storage of the log objects, kept the"
                + " operator's accessLogRetentionDays. false turns logging off on this SecureBucket's buckets; its status findings then"
                + " report S3.9 as opted out.")
        @Default("true")
        public boolean enabled = true;
    }
}
