package io.webplatform.operator.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a second attempt of each mutating call the operator makes does when the first one landed and
 * only its answer was lost (a timeout, a reset connection): the SDK retries such a call by itself.
 * One row per IAM action ({@link LastCall#iamAction}); {@code IdempotencyTest} checks every mutating
 * action of the operator's IAM policy has a row. Three kinds:
 * <ul>
 * <li>{@link Kind#SAFE}: the retry does nothing more (a client token, a name AWS makes idempotent, a Put).</li>
 * <li>{@link Kind#ANSWERS}: the retry is refused with a code ("already exists", "duplicate", "does not
 * exist"); after a possibly-landed attempt that code means the first attempt was the operator's own,
 * and {@link RetriedCalls} marks the failure so the graph re-observes and carries on.</li>
 * <li>{@link Kind#NO_RETRY}: the retry would make a second resource (no client token, no unique name).
 * The SDK may retry it only after an answer that proves nothing was made (throttling, a refused
 * connection); a lost answer fails the step, and the next pass finds what landed by the tags it was
 * created with (the crash-point path).</li>
 * </ul>
 * Sources: EC2 client tokens, "Ensuring idempotency in Amazon EC2 API requests"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html) and the EC2 API model
 * (CreateRouteTable, CreateNatGateway, RunInstances carry an idempotency token the SDK fills;
 * CreateVpc, CreateSubnet, CreateInternetGateway, AllocateAddress carry none); ELB CreateLoadBalancer,
 * CreateTargetGroup, CreateListener: "This operation is idempotent, which means that it completes at most
 * one time"; SNS CreateTopic: "This action is idempotent"; KMS CreateKey has no token and no unique name
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html); the codes are each
 * operation's "Errors" in its API reference (IAM AddRoleToInstanceProfile: "An instance profile can contain
 * only one role", so adding it again answers LimitExceeded; S3 CreateBucket: BucketAlreadyOwnedByYou,
 * except in us-east-1 where S3 answers 200 OK, nothing to adopt).
 */
public final class Idempotency {

    public enum Kind { SAFE, ANSWERS, NO_RETRY }

    /** One action: its kind, and for ANSWERS the codes a retry of a landed attempt gets. */
    public record Rule(String action, Kind kind, Set<String> landedCodes) {
        /** This code, answered to a retry of a possibly-landed attempt, means the first attempt did it. */
        public boolean meansLanded(String code) {
            return kind == Kind.ANSWERS && code != null && landedCodes.contains(code);
        }
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        // EC2: no client token and no unique name: a retry makes a second one.
        noRetry("ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateInternetGateway", "ec2:AllocateAddress");
        // EC2: a client token (the operator's for RunInstances, CreateNatGateway, CreateFlowLogs; the SDK's for
        // CreateRouteTable), idempotent by default (TerminateInstances), or setting a value.
        safe("ec2:CreateRouteTable", "ec2:CreateNatGateway", "ec2:RunInstances", "ec2:CreateFlowLogs", "ec2:TerminateInstances",
                "ec2:CreateTags", "ec2:ModifyVpcAttribute", "ec2:ModifySubnetAttribute", "ec2:ModifyInstanceAttribute",
                "ec2:ModifyInstanceMetadataOptions", "ec2:ReplaceRoute", "ec2:DeleteFlowLogs", "ec2:DeleteNatGateway");
        answers("ec2:CreateSecurityGroup", "InvalidGroup.Duplicate");
        answers("ec2:AuthorizeSecurityGroupIngress", "InvalidPermission.Duplicate");
        answers("ec2:AuthorizeSecurityGroupEgress", "InvalidPermission.Duplicate");
        answers("ec2:RevokeSecurityGroupIngress", "InvalidPermission.NotFound");
        answers("ec2:RevokeSecurityGroupEgress", "InvalidPermission.NotFound");
        // Sets a rule's description: a second attempt sets the same one.
        safe("ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress");
        answers("ec2:CreateRoute", "RouteAlreadyExists");
        // CreateNetworkAcl carries a client token the SDK fills; ReplaceNetworkAclAssociation is "an idempotent operation"
        // (its API reference); ReplaceNetworkAclEntry sets a value.
        safe("ec2:CreateNetworkAcl", "ec2:ReplaceNetworkAclAssociation", "ec2:ReplaceNetworkAclEntry");
        answers("ec2:CreateNetworkAclEntry", "NetworkAclEntryAlreadyExists");
        answers("ec2:DeleteNetworkAclEntry", "InvalidNetworkAclEntry.NotFound");
        answers("ec2:DeleteNetworkAcl", "InvalidNetworkAclID.NotFound");
        answers("ec2:AttachInternetGateway", "Resource.AlreadyAssociated");
        answers("ec2:AssociateRouteTable", "Resource.AlreadyAssociated");
        // The first attempt replaced the association: the id the retry names is gone.
        answers("ec2:ReplaceRouteTableAssociation", "InvalidAssociationID.NotFound");
        answers("ec2:DetachInternetGateway", "Gateway.NotAttached");
        answers("ec2:DisassociateRouteTable", "InvalidAssociationID.NotFound");
        answers("ec2:DeleteVpc", "InvalidVpcID.NotFound");
        answers("ec2:DeleteSubnet", "InvalidSubnetID.NotFound");
        answers("ec2:DeleteSecurityGroup", "InvalidGroup.NotFound");
        answers("ec2:DeleteInternetGateway", "InvalidInternetGatewayID.NotFound");
        answers("ec2:DeleteRouteTable", "InvalidRouteTableID.NotFound");
        answers("ec2:ReleaseAddress", "InvalidAllocationID.NotFound");
        answers("ec2:DeleteVolume", "InvalidVolume.NotFound");

        // IAM: names are unique in the account.
        answers("iam:CreateRole", "EntityAlreadyExists");
        answers("iam:CreateInstanceProfile", "EntityAlreadyExists");
        answers("iam:AddRoleToInstanceProfile", "LimitExceeded", "EntityAlreadyExists");
        answers("iam:RemoveRoleFromInstanceProfile", "NoSuchEntity");
        answers("iam:DetachRolePolicy", "NoSuchEntity");
        answers("iam:DeleteRolePolicy", "NoSuchEntity");
        answers("iam:DeleteRole", "NoSuchEntity");
        answers("iam:DeleteInstanceProfile", "NoSuchEntity");
        safe("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy");

        // KMS: CreateKey has neither token nor name; the alias is the key's unique name.
        noRetry("kms:CreateKey");
        answers("kms:CreateAlias", "AlreadyExistsException");
        answers("kms:DeleteAlias", "NotFoundException");
        // The first attempt moved the key out of the state the retry needs (PendingDeletion, or out of it).
        answers("kms:CancelKeyDeletion", "KMSInvalidStateException");
        answers("kms:ScheduleKeyDeletion", "KMSInvalidStateException");
        safe("kms:EnableKey", "kms:EnableKeyRotation", "kms:PutKeyPolicy");

        answers("s3:CreateBucket", "BucketAlreadyOwnedByYou");
        answers("s3:DeleteBucket", "NoSuchBucket");
        safe("s3:PutBucketVersioning", "s3:PutBucketEncryption", "s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls",
                "s3:PutBucketPolicy", "s3:PutBucketTagging", "s3:PutBucketReplication", "s3:PutReplicationConfiguration",
                "s3:DeleteBucketPolicy", "s3:DeleteObjects", "s3:PutEncryptionConfiguration", "s3:DeleteObject", "s3:DeleteObjectVersion",
                "s3:PutBucketLogging", "s3:PutLifecycleConfiguration", "s3:PutBucketObjectLockConfiguration");

        answers("cloudtrail:CreateTrail", "TrailAlreadyExistsException");
        answers("cloudtrail:DeleteTrail", "TrailNotFoundException");
        safe("cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging", "cloudtrail:PutInsightSelectors");

        answers("rds:CreateDBInstance", "DBInstanceAlreadyExists");
        answers("rds:RestoreDBInstanceFromDBSnapshot", "DBInstanceAlreadyExists");
        answers("rds:RestoreDBInstanceToPointInTime", "DBInstanceAlreadyExists");
        answers("rds:CreateDBSubnetGroup", "DBSubnetGroupAlreadyExists");
        answers("rds:CreateDBSnapshot", "DBSnapshotAlreadyExists");
        // The first attempt started it: no longer stopped.
        answers("rds:StartDBInstance", "InvalidDBInstanceState");
        answers("rds:DeleteDBInstance", "DBInstanceNotFound", "InvalidDBInstanceState");
        answers("rds:DeleteDBSubnetGroup", "DBSubnetGroupNotFoundFault");
        answers("rds:DeleteDBSnapshot", "DBSnapshotNotFound");
        safe("rds:ModifyDBInstance", "rds:ModifyDBSubnetGroup");

        safe("elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup");
        answers("elasticloadbalancing:DeleteListener", "ListenerNotFound");

        safe("sns:CreateTopic", "sns:Subscribe", "sns:SetTopicAttributes", "sns:DeleteTopic", "sns:Unsubscribe");
        safe("cloudwatch:PutMetricAlarm");
        answers("cloudwatch:DeleteAlarms", "ResourceNotFound");

        // CloudWatch Logs: a log group's name is unique in the account and region.
        answers("logs:CreateLogGroup", "ResourceAlreadyExistsException");
        answers("logs:DeleteLogGroup", "ResourceNotFoundException");
        safe("logs:PutRetentionPolicy", "logs:AssociateKmsKey");

        // Secrets Manager: a Put sets the secret's one policy; a Delete of a secret without one succeeds.
        safe("secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy");
    }

    private Idempotency() {
    }

    /** The rule of an IAM action; a call without a row (a read) is SAFE. */
    public static Rule of(String action) {
        Rule rule = action == null ? null : RULES.get(action);
        return rule != null ? rule : new Rule(action, Kind.SAFE, Set.of());
    }

    public static boolean hasRule(String action) {
        return RULES.containsKey(action);
    }

    /** Every row, in the order above. */
    public static Map<String, Rule> rules() {
        return java.util.Collections.unmodifiableMap(RULES);
    }

    private static void safe(String... actions) {
        for (String a : actions) {
            put(new Rule(a, Kind.SAFE, Set.of()));
        }
    }

    private static void noRetry(String... actions) {
        for (String a : actions) {
            put(new Rule(a, Kind.NO_RETRY, Set.of()));
        }
    }

    private static void answers(String action, String... codes) {
        put(new Rule(action, Kind.ANSWERS, Set.of(codes)));
    }

    private static void put(Rule rule) {
        if (RULES.put(rule.action(), rule) != null) {
            throw new IllegalStateException("two rows for " + rule.action());
        }
    }
}
