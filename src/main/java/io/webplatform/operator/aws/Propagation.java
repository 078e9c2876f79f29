package io.webplatform.operator.aws;


import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * AWS's eventual consistency on a first run: a call that depends on something the operator has just
 * made can be refused until AWS has propagated it. Such a refusal is "still working" for a bounded
 * window after the dependency was made, then a {@link UserError} (Stalled) carrying AWS's message and
 * what to check: past the window, the same answer means a real problem (a missing permission, a wrong
 * policy), never a wait.
 *
 * <p>The window is measured from when the dependency was made as AWS records it (a key's
 * CreationDate, a role's or instance profile's CreateDate), so a restarted operator judges the same
 * way. Where AWS keeps no date (a bucket policy), it is measured from the first refusal this process
 * saw, which comes after the dependency was made: the window is never shorter than AWS's, and a
 * restart only starts it again.
 *
 * @param reason  the Stalled reason once the window has passed
 * @param window  how long AWS may take, from its documentation, with a margin for clock skew
 * @param refusal how AWS answers while the dependency propagates
 * @param advice  what a person should check when the refusal outlasts the window
 */
public record Propagation(String reason, Duration window, Predicate<Throwable> refusal, String advice) {

    /**
     * KMS calls the operator's IAM policy authorises by the key's ownership tag (aws:ResourceTag): "It
     * might take up to five minutes for tag and alias changes to affect KMS key authorization" (KMS
     * developer guide, ABAC for AWS KMS), so a key tagged at CreateKey may answer AccessDeniedException
     * meanwhile. Five minutes, and one more for the difference between AWS's clock and ours.
     */
    public static final Propagation KMS_KEY_TAGS = new Propagation("KmsAccessDenied", Duration.ofMinutes(6),
            code("AccessDeniedException"),
            "the operator's IAM policy must allow this KMS action on keys tagged webplatform.io/owner-uid,"
                    + " and the key policy must let the account's IAM policies apply");

    /**
     * A new IAM role named in S3 replication. IAM is eventually consistent ("changes that I make are not
     * always immediately visible", IAM user guide). S3's reference documents no refusal of its own for a
     * role IAM does not show yet: PutBucketReplication checks the caller's iam:PassRole on the role
     * (AccessDenied), and may reject the role it names (InvalidRequest/InvalidArgument); AWS's documented
     * effect is later, per object (replication failure reason AssumeRoleNotPermitted). No figure: two minutes.
     */
    public static final Propagation REPLICATION_ROLE = new Propagation("ReplicationRoleNotUsable", Duration.ofMinutes(2),
            code("AccessDenied").or(codeWithMessage("InvalidRequest", "role")).or(codeWithMessage("InvalidArgument", "role")),
            "the operator must be allowed iam:PassRole on the role to s3.amazonaws.com, and the role's trust policy"
                    + " must let s3.amazonaws.com assume it");

    /**
     * A new instance profile (and the role added to it) named in RunInstances: EC2 answers
     * InvalidParameterValue "Invalid IAM Instance Profile name/ARN", or "... has no associated IAM Roles",
     * for several seconds after CreateInstanceProfile and AddRoleToInstanceProfile (EC2 user guide, IAM
     * roles for EC2: "it may take several seconds for the permissions to propagate"). Two minutes.
     */
    public static final Propagation INSTANCE_PROFILE = new Propagation("InstanceProfileNotUsable", Duration.ofMinutes(2),
            codeWithMessage("InvalidParameterValue", "Invalid IAM Instance Profile")
                    .or(codeWithMessage("InvalidParameterValue", "has no associated IAM Roles")),
            "the instance profile must hold the app role, and the operator must be allowed iam:PassRole on it to the EC2 service");

    /**
     * A new Enhanced Monitoring role named in CreateDBInstance or ModifyDBInstance (MonitoringRoleArn): until IAM has
     * propagated the role and its AmazonRDSEnhancedMonitoringRole attachment ("changes that I make are not always
     * immediately visible", IAM user guide), RDS answers InvalidParameterValue "IAM role ARN value is invalid or does not
     * include the required permissions for: ENHANCED_MONITORING". AWS gives no figure: two minutes, as for the other roles.
     */
    public static final Propagation MONITORING_ROLE = new Propagation("MonitoringRoleNotUsable", Duration.ofMinutes(2),
            codeWithMessage("InvalidParameterValue", "ENHANCED_MONITORING"),
            "the monitoring role must let monitoring.rds.amazonaws.com assume it (aws:SourceArn this WebPlatform's DB instance)"
                    + " and hold AmazonRDSEnhancedMonitoringRole, and the operator must be allowed iam:PassRole on it");

    /**
     * CreateTrail right after PutBucketPolicy on the log bucket: CloudTrail reads the policy S3 has just
     * accepted and may answer InsufficientS3BucketPolicyException until it sees it. AWS documents no
     * figure; the reported races clear on the next attempt. Two minutes.
     */
    public static final Propagation TRAIL_BUCKET_POLICY = new Propagation("TrailBucketPolicyRejected", Duration.ofMinutes(2),
            code("InsufficientS3BucketPolicyException"),
            "the log bucket's policy must let cloudtrail.amazonaws.com call s3:GetBucketAcl on the bucket and s3:PutObject"
                    + " on AWSLogs/<account>/* for this trail; compare it with the one in the CloudTrail user guide");

    /**
     * CreateTrail or UpdateTrail naming the trail's KMS key right after its key policy was written: CloudTrail
     * checks the key at that call ("CloudTrail sends a GenerateDataKey request to AWS KMS to verify that the KMS key
     * exists and that CloudTrail has permission to use it for encryption", CloudTrail user guide, "Encrypting
     * CloudTrail log files with AWS KMS keys", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html)
     * and answers InsufficientEncryptionPolicyException while KMS has not propagated the policy: "The AWS KMS API
     * follows an eventual consistency model ... typically takes less than a few seconds, but in some cases it can take
     * several minutes" (KMS developer guide, AWS KMS eventual consistency,
     * https://docs.aws.amazon.com/kms/latest/developerguide/programming-eventual-consistency.html). No figure: six
     * minutes, as for the key's tags. AWS keeps no date of a policy change: measured from the first refusal.
     */
    public static final Propagation TRAIL_KEY_POLICY = new Propagation("TrailKeyPolicyRejected", Duration.ofMinutes(6),
            code("InsufficientEncryptionPolicyException"),
            "the trail key's policy must let cloudtrail.amazonaws.com call kms:GenerateDataKey* (encryption context"
                    + " aws:cloudtrail:arn, aws:SourceArn the trail's ARN) and kms:DescribeKey; compare it with the CloudTrail user guide");

    /**
     * CreateTrail or UpdateTrail naming the role CloudTrail assumes to deliver to CloudWatch Logs right after CreateRole:
     * CloudTrail assumes it at that call and answers InvalidCloudWatchLogsRoleArnException ("Access denied. Verify in IAM
     * that the role has adequate permissions") until IAM has propagated the role and its policy ("changes that I make are
     * not always immediately visible", IAM user guide, troubleshooting). No figure: two minutes from the role's CreateDate.
     */
    public static final Propagation TRAIL_LOGS_ROLE = new Propagation("TrailLogsRoleNotUsable", Duration.ofMinutes(2),
            code("InvalidCloudWatchLogsRoleArnException"),
            "the role's trust policy must let cloudtrail.amazonaws.com assume it, its policy must allow logs:CreateLogStream and"
                    + " logs:PutLogEvents on the trail's log group, and the operator must be allowed iam:PassRole on it to CloudTrail");

    /**
     * CreateLogGroup or AssociateKmsKey naming the trail's key right after its policy gained the statement for
     * logs.&lt;region&gt;.amazonaws.com: CloudWatch Logs checks it may use the key and answers AccessDeniedException (or
     * InvalidParameterException about the key) while KMS has not propagated the policy ("typically takes less than a few
     * seconds, but in some cases it can take several minutes", KMS developer guide, AWS KMS eventual consistency). No figure:
     * six minutes, as for the trail's own use of the key; measured from the first refusal.
     */
    public static final Propagation TRAIL_LOG_GROUP_KEY = new Propagation("TrailLogGroupKeyRejected", Duration.ofMinutes(6),
            code("AccessDeniedException").or(codeWithMessage("InvalidParameterException", "kms")),
            "the trail key's policy must let logs.<region>.amazonaws.com use it for the log group (kms:EncryptionContext:aws:logs:arn),"
                    + " the key must be enabled, and the operator must be allowed logs:CreateLogGroup and logs:AssociateKmsKey on it");

    /**
     * CreateLogGroup or AssociateKmsKey naming the WebPlatform's database-logs key right after CreateKey or a key policy
     * repair: CloudWatch Logs checks it may use the key for the group and answers AccessDeniedException ("The specified
     * KMS key does not exist or is not allowed to be used with Arn ...") or InvalidParameterException about the key while
     * KMS has not propagated the key or its policy (KMS developer guide, AWS KMS eventual consistency: "in some cases it
     * can take several minutes"). As for the trail's group: six minutes, measured from the first refusal.
     */
    public static final Propagation DATABASE_LOG_GROUP_KEY = new Propagation("DatabaseLogGroupKeyRejected", Duration.ofMinutes(6),
            code("AccessDeniedException").or(codeWithMessage("InvalidParameterException", "kms")),
            "the database-logs key's policy must let logs.<region>.amazonaws.com use it for the database's log groups"
                    + " (kms:EncryptionContext:aws:logs:arn), the key must be enabled, and the operator must be allowed"
                    + " logs:CreateLogGroup and logs:AssociateKmsKey on /aws/rds/instance/wp-*");

    /** First refusal seen, by dependency, for dependencies AWS keeps no date of; forgotten at the first success. What this process saw only. */
    private static final Map<String, Instant> FIRST_REFUSAL = new ConcurrentHashMap<>();

    /** Runs a call that depends on {@code dependency}, made at {@code madeAt} as AWS records it (null when AWS keeps no date). */
    public <T> T call(String dependency, Instant madeAt, Clock clock, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            throw judge(e, dependency, madeAt, clock);
        }
        FIRST_REFUSAL.remove(key(dependency));
        return result;
    }

    public void run(String dependency, Instant madeAt, Clock clock, Runnable call) {
        call(dependency, madeAt, clock, () -> {
            call.run();
            return null;
        });
    }

    /**
     * What to throw for a failure of a call that depends on {@code dependency}: {@link StillWorking}
     * while AWS may still be propagating it, a {@link UserError} with AWS's message once the window has
     * passed, and any other failure as it is.
     */
    public RuntimeException judge(RuntimeException failure, String dependency, Instant madeAt, Clock clock) {
        if (!refusal.test(failure)) {
            return failure;
        }
        Instant now = clock.instant();
        Instant since = madeAt != null ? madeAt : FIRST_REFUSAL.computeIfAbsent(key(dependency), k -> now);
        Duration age = Duration.between(since, now);
        if (age.compareTo(window) < 0) {
            return new StillWorking(dependency + " is new (" + seconds(age) + " ago) and AWS is still propagating it: "
                    + AwsErrors.errorCode(failure) + "; retrying for up to " + seconds(window));
        }
        // The first refusal is kept until a call succeeds: later resyncs stay Stalled rather than waiting again.
        return new UserError(reason, AwsErrors.message(failure) + " (still refused " + seconds(age) + " after " + dependency
                + (madeAt != null ? " was made" : " was first refused") + ", longer than the " + seconds(window)
                + " AWS takes to propagate it): " + advice);
    }

    private String key(String dependency) {
        return reason + "|" + dependency;
    }

    private static String seconds(Duration d) {
        return Math.max(0, d.toSeconds()) + " s";
    }

    private static Predicate<Throwable> code(String errorCode) {
        return e -> errorCode.equals(AwsErrors.errorCode(e));
    }

    private static Predicate<Throwable> codeWithMessage(String errorCode, String text) {
        return e -> errorCode.equals(AwsErrors.errorCode(e)) && AwsErrors.message(e).toLowerCase().contains(text.toLowerCase());
    }
}
