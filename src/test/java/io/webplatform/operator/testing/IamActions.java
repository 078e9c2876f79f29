package io.webplatform.operator.testing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IAM actions AWS checks for an SDK operation. Mostly {@code prefix:Operation}; S3 names some
 * permissions its own way; and some operations need more than their own action: tags given at
 * creation are authorised as a tagging action, a role handed to a service needs iam:PassRole, and a
 * few services act on the caller's behalf (flow-log delivery, the RDS-managed master secret, the
 * service-linked roles of ELB and RDS). Taken from the AWS Service Authorization Reference and the
 * services' guides; the emulator checks none of it.
 */
public final class IamActions {

    private static final Map<String, String> PREFIX = Map.ofEntries(
            Map.entry("ec2", "ec2"), Map.entry("s3", "s3"), Map.entry("kms", "kms"), Map.entry("iam", "iam"),
            Map.entry("cloudtrail", "cloudtrail"), Map.entry("sts", "sts"), Map.entry("rds", "rds"),
            Map.entry("sns", "sns"), Map.entry("cloudwatch", "cloudwatch"), Map.entry("cloudwatchlogs", "logs"),
            Map.entry("elasticloadbalancingv2", "elasticloadbalancing"),
            Map.entry("resourcegroupstaggingapi", "tag"), Map.entry("acm", "acm"), Map.entry("servicequotas", "servicequotas"),
            Map.entry("secretsmanager", "secretsmanager"));

    /** S3 permissions whose names differ from the operation. */
    private static final Map<String, List<String>> S3 = Map.ofEntries(
            Map.entry("GetBucketEncryption", List.of("s3:GetEncryptionConfiguration")),
            Map.entry("PutBucketEncryption", List.of("s3:PutEncryptionConfiguration")),
            Map.entry("GetPublicAccessBlock", List.of("s3:GetBucketPublicAccessBlock")),
            Map.entry("PutPublicAccessBlock", List.of("s3:PutBucketPublicAccessBlock")),
            Map.entry("GetBucketReplication", List.of("s3:GetReplicationConfiguration")),
            // PutBucketReplication hands the replication role to S3.
            Map.entry("PutBucketReplication", List.of("s3:PutReplicationConfiguration", "iam:PassRole")),
            Map.entry("DeleteBucketReplication", List.of("s3:PutReplicationConfiguration")),
            Map.entry("ListObjectVersions", List.of("s3:ListBucketVersions")),
            Map.entry("DeleteObjects", List.of("s3:DeleteObject", "s3:DeleteObjectVersion")),
            Map.entry("HeadBucket", List.of("s3:ListBucket")),
            // ListBuckets (the shared listing of SecureBuckets) is authorised as s3:ListAllMyBuckets.
            Map.entry("ListBuckets", List.of("s3:ListAllMyBuckets")),
            Map.entry("DeleteBucketPolicy", List.of("s3:DeleteBucketPolicy")),
            // Lifecycle: the permission is named after the configuration, not the operation (SAR, Amazon S3).
            Map.entry("GetBucketLifecycleConfiguration", List.of("s3:GetLifecycleConfiguration")),
            Map.entry("PutBucketLifecycleConfiguration", List.of("s3:PutLifecycleConfiguration")),
            Map.entry("DeleteBucketLifecycle", List.of("s3:PutLifecycleConfiguration")),
            // Object Lock: the bucket-level permissions (SAR, Amazon S3: PutObjectLockConfiguration).
            Map.entry("GetObjectLockConfiguration", List.of("s3:GetBucketObjectLockConfiguration")),
            Map.entry("PutObjectLockConfiguration", List.of("s3:PutBucketObjectLockConfiguration")));

    /** What an operation needs besides its own action. */
    private static final Map<String, List<String>> ALSO = Map.ofEntries(
            // EC2 tags given in TagSpecifications are authorised as ec2:CreateTags.
            Map.entry("ec2:CreateVpc", List.of("ec2:CreateTags")),
            Map.entry("ec2:CreateSubnet", List.of("ec2:CreateTags")),
            Map.entry("ec2:CreateInternetGateway", List.of("ec2:CreateTags")),
            Map.entry("ec2:AllocateAddress", List.of("ec2:CreateTags")),
            Map.entry("ec2:CreateNatGateway", List.of("ec2:CreateTags")),
            Map.entry("ec2:CreateRouteTable", List.of("ec2:CreateTags")),
            Map.entry("ec2:CreateSecurityGroup", List.of("ec2:CreateTags")),
            // Flow logs to S3: AWS sets up log delivery with the caller's permissions.
            Map.entry("ec2:CreateFlowLogs", List.of("ec2:CreateTags", "logs:CreateLogDelivery")),
            Map.entry("ec2:DeleteFlowLogs", List.of("logs:DeleteLogDelivery")),
            // The instance profile's role is handed to EC2.
            Map.entry("ec2:RunInstances", List.of("ec2:CreateTags", "iam:PassRole")),
            Map.entry("elasticloadbalancing:CreateLoadBalancer",
                    List.of("elasticloadbalancing:AddTags", "iam:CreateServiceLinkedRole")),
            Map.entry("elasticloadbalancing:CreateTargetGroup", List.of("elasticloadbalancing:AddTags")),
            Map.entry("elasticloadbalancing:CreateListener", List.of("elasticloadbalancing:AddTags")),
            // RDS keeps the master password in Secrets Manager under the caller's permissions.
            Map.entry("rds:CreateDBInstance", List.of("rds:AddTagsToResource", "iam:CreateServiceLinkedRole",
                    "secretsmanager:CreateSecret", "secretsmanager:TagResource")),
            Map.entry("rds:RestoreDBInstanceFromDBSnapshot", List.of("rds:AddTagsToResource",
                    "secretsmanager:CreateSecret", "secretsmanager:TagResource")),
            Map.entry("rds:RestoreDBInstanceToPointInTime", List.of("rds:AddTagsToResource",
                    "secretsmanager:CreateSecret", "secretsmanager:TagResource")),
            Map.entry("rds:CreateDBSubnetGroup", List.of("rds:AddTagsToResource")),
            Map.entry("rds:CreateDBSnapshot", List.of("rds:AddTagsToResource")),
            Map.entry("kms:CreateKey", List.of("kms:TagResource")),
            Map.entry("iam:CreateRole", List.of("iam:TagRole")),
            Map.entry("iam:CreateInstanceProfile", List.of("iam:TagInstanceProfile")),
            // Putting a role into an instance profile is passing it.
            Map.entry("iam:AddRoleToInstanceProfile", List.of("iam:PassRole")),
            // A trail that delivers to CloudWatch Logs names the role CloudTrail assumes: handing it over needs iam:PassRole.
            Map.entry("cloudtrail:CreateTrail", List.of("cloudtrail:AddTags", "iam:PassRole")),
            Map.entry("cloudtrail:UpdateTrail", List.of("iam:PassRole")),
            Map.entry("sns:CreateTopic", List.of("sns:TagResource")),
            Map.entry("cloudwatch:PutMetricAlarm", List.of("cloudwatch:TagResource")),
            // Tags given to CreateLogGroup need logs:TagResource (or the older logs:TagLogGroup): CreateLogGroup API reference.
            Map.entry("logs:CreateLogGroup", List.of("logs:TagResource")));

    /** Operations AWS allows every caller: no policy can grant or deny them. */
    private static final Set<String> ALWAYS_ALLOWED = Set.of("sts:GetCallerIdentity");

    /**
     * Writes that AWS cannot scope to a resource or tag, granted on "*" without a condition; each
     * statement granting one says why.
     */
    public static final Set<String> UNSCOPABLE_WRITES = Set.of(
            "logs:CreateLogDelivery", "logs:DeleteLogDelivery",
            // Acts on a subscription ARN (topic:subscription-id); the Service Authorization Reference lists no resource type.
            "sns:Unsubscribe");

    private IamActions() {
    }

    /** The IAM actions needed for one call, given as the counter's "service:Operation". */
    public static Set<String> requiredFor(String call) {
        int colon = call.indexOf(':');
        String service = call.substring(0, colon).replaceAll("[^A-Za-z0-9]", "").toLowerCase();
        String operation = call.substring(colon + 1);
        String prefix = PREFIX.get(service);
        if (prefix == null) {
            throw new IllegalArgumentException("no IAM prefix known for service " + call.substring(0, colon));
        }
        Set<String> actions = new TreeSet<>();
        String own = prefix + ":" + operation;
        if (ALWAYS_ALLOWED.contains(own)) {
            return actions;
        }
        if (prefix.equals("s3")) {
            actions.addAll(S3.getOrDefault(operation, List.of(own)));
        } else {
            actions.add(own);
        }
        actions.addAll(ALSO.getOrDefault(own, List.of()));
        return actions;
    }

    public static boolean isRead(String action) {
        String op = action.substring(action.indexOf(':') + 1);
        return op.startsWith("Describe") || op.startsWith("Get") || op.startsWith("List");
    }
}
