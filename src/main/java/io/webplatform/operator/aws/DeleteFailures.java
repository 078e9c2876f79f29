package io.webplatform.operator.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static io.webplatform.operator.aws.DeleteFailures.Outcome.BLOCKED;
import static io.webplatform.operator.aws.DeleteFailures.Outcome.GONE;
import static io.webplatform.operator.aws.DeleteFailures.Outcome.TRANSIENT;

/**
 * Every failure met while deleting, sorted in one table into what the operator does about it. The
 * rows come from the services' API references (each operation's "Errors"); the first row that
 * matches a failure decides. {@code DeleteFailuresTest} checks every row and that the README's table
 * ("When a delete does not finish") is {@link #markdown()}.
 */
public final class DeleteFailures {

    /** The Stalled reason and Event reason of a deletion a person must unblock. */
    public static final String REASON = "DeleteBlocked";

    public enum Outcome {
        /** Already deleted: the delete succeeded. */
        GONE,
        /** AWS is busy, or still releasing something of the operator's own: back off, try again. */
        TRANSIENT,
        /** A person must act; retried (at most a minute apart) until the cause is gone. */
        BLOCKED
    }

    /**
     * One AWS answer: its service, its code (or, for a catch-all row, the {@link AwsErrors.Kind} of any
     * code), where the code alone is ambiguous a pattern of its message, what it means, and what a person
     * does ({@code {action}} stands for the refused IAM action). {@code blockedWhen}: the row is
     * TRANSIENT unless a read finds what the condition describes (a dependency made outside the
     * operator); then it is BLOCKED. {@code action}: the action a check of the operator's own stands for.
     */
    public record Row(String service, String code, Pattern message, AwsErrors.Kind kind, Outcome outcome,
                      String meaning, String whatToDo, String blockedWhen, String action) {

        boolean matches(String failedService, String failedCode, String failedMessage, AwsErrors.Kind failedKind) {
            if (kind != null) {
                return kind == failedKind;
            }
            // One code means different things in two services (OperationNotPermitted: ELB's deletion protection, EC2's
            // termination protection); an error that names no service (a test's) matches any.
            String sdkName = sdkServiceName(service);
            if (sdkName != null && failedService != null && !sdkName.equalsIgnoreCase(failedService)) {
                return false;
            }
            boolean sameCode = code.startsWith("*") ? failedCode.endsWith(code.substring(1)) : code.equals(failedCode);
            return sameCode && (message == null || failedMessage != null && message.matcher(failedMessage).find());
        }

        /** The code as the README shows it, with the message pattern when there is one. */
        public String codeLabel() {
            if (kind != null) {
                return code;
            }
            if (code.startsWith("*")) {
                return "any other code ending `" + code.substring(1) + "`";
            }
            return "`" + code + "`" + (message == null ? "" : " (message: " + message.pattern().replace("(?i)", "") + ")");
        }

        /** The class as the README shows it. */
        public String classLabel() {
            return blockedWhen == null ? outcome.name() : outcome.name() + "; BLOCKED " + blockedWhen;
        }
    }

    /** How the SDK names a service of the table in its errors; null for "any" and the operator's own rows. */
    static String sdkServiceName(String label) {
        return SDK_SERVICE_NAMES.get(label);
    }

    private static final String ROLE = "grant `{action}` to the operator's IAM role (operator/iam-policy-*.json)";

    /** The table's service labels as the SDK names the service in an error (AwsErrorDetails.serviceName). */
    private static final java.util.Map<String, String> SDK_SERVICE_NAMES = java.util.Map.ofEntries(
            java.util.Map.entry("EC2", "Ec2"), java.util.Map.entry("ELB", "ElasticLoadBalancingV2"), java.util.Map.entry("RDS", "Rds"), java.util.Map.entry("IAM", "Iam"), java.util.Map.entry("KMS", "Kms"), java.util.Map.entry("S3", "S3"), java.util.Map.entry("CloudTrail", "CloudTrail"), java.util.Map.entry("SNS", "Sns"), java.util.Map.entry("CloudWatch", "CloudWatch"), java.util.Map.entry("CloudWatchLogs", "CloudWatchLogs"));

    /** The table, first match wins: specific codes and message patterns before the catch-all rows. */
    public static final List<Row> TABLE = List.of(
            // Already gone.
            gone("EC2", "InvalidVpcID.NotFound", "the VPC is already deleted"),
            gone("EC2", "InvalidSubnetID.NotFound", "the subnet is already deleted"),
            gone("EC2", "InvalidGroup.NotFound", "the security group is already deleted"),
            gone("EC2", "InvalidInternetGatewayID.NotFound", "the internet gateway is already deleted"),
            gone("EC2", "Gateway.NotAttached", "the internet gateway is already detached"),
            gone("EC2", "InvalidRouteTableID.NotFound", "the route table is already deleted"),
            gone("EC2", "InvalidAssociationID.NotFound", "the route table or network ACL association is already removed"),
            gone("EC2", "InvalidNetworkAclID.NotFound", "the network ACL is already deleted"),
            gone("EC2", "InvalidAllocationID.NotFound", "the Elastic IP is already released"),
            gone("EC2", "NatGatewayNotFound", "the NAT gateway is already deleted"),
            gone("EC2", "InvalidNetworkInterfaceID.NotFound", "the network interface is already deleted"),
            gone("EC2", "InvalidFlowLogId.NotFound", "the flow log is already deleted"),
            gone("EC2", "InvalidInstanceID.NotFound", "the instance is already terminated"),
            gone("EC2", "InvalidPermission.NotFound", "the security group rule is already revoked"),
            gone("EC2", "InvalidVolume.NotFound", "the volume is already deleted"),
            gone("EC2", "*.NotFound", "any other EC2 resource: already deleted"),
            gone("ELB", "LoadBalancerNotFound", "the load balancer is already deleted"),
            gone("ELB", "TargetGroupNotFound", "the target group is already deleted"),
            gone("ELB", "ListenerNotFound", "the listener is already deleted"),
            gone("RDS", "DBInstanceNotFound", "the database is already deleted"),
            gone("RDS", "DBSubnetGroupNotFoundFault", "the DB subnet group is already deleted"),
            gone("RDS", "DBSnapshotNotFound", "the snapshot is already deleted"),
            gone("IAM", "NoSuchEntity", "the role, policy or instance profile is already deleted"),
            gone("KMS", "NotFoundException", "the key or alias is already deleted"),
            new Row("KMS", "KMSInvalidStateException", Pattern.compile("(?i)pending deletion"), null, GONE,
                    "the key's deletion is already scheduled", null, null, null),
            gone("S3", "NoSuchBucket", "the bucket is already deleted"),
            gone("S3", "NoSuchBucketPolicy", "the bucket policy is already deleted"),
            gone("S3", "ReplicationConfigurationNotFoundError", "the replication rule is already deleted"),
            gone("CloudTrail", "TrailNotFoundException", "the trail is already deleted"),
            gone("SNS", "NotFound", "the topic is already deleted"),
            gone("CloudWatch", "ResourceNotFound", "the alarm is already deleted"),
            gone("CloudWatchLogs", "ResourceNotFoundException", "the log group is already deleted"),

            // A person must act.
            blocked("any", "AccessDenied", "the operator's role lacks the permission `{action}`", ROLE),
            blocked("any", "AccessDeniedException", "the operator's role lacks the permission `{action}`", ROLE),
            blocked("EC2", "UnauthorizedOperation", "the operator's role lacks the permission `{action}`", ROLE),
            blocked("SNS", "AuthorizationError", "the operator's role lacks the permission `{action}`", ROLE),
            new Row("RDS", "InvalidParameterCombination", Pattern.compile("(?i)protected DB Instance"), null, BLOCKED,
                    "deletion protection was switched on outside the operator after the operator lifted it",
                    "nothing if it happens once: the next attempt lifts it again. If it comes back, something switches it on (an AWS"
                            + " Config remediation, a script): exempt this database; or set `spec.database.deletionPolicy: Retain` to keep it",
                    null, null),
            blocked("ELB", "OperationNotPermitted", "deletion protection was switched on outside the operator after the operator lifted it",
                    "nothing if it happens once: the next attempt lifts it again. If it comes back, something switches it on (an AWS"
                            + " Config remediation, a script): exempt this load balancer"),
            blocked("EC2", "OperationNotPermitted", "the instance has termination protection on (switched on outside the operator)",
                    "switch it off (`aws ec2 modify-instance-attribute --no-disable-api-termination`)"),
            blocked("RDS", "SnapshotQuotaExceeded", "the account's quota of manual DB snapshots is reached: the final snapshot cannot be made",
                    "delete manual snapshots you no longer need, or ask AWS for a higher quota"),
            blocked("RDS", "KMSKeyNotAccessibleFault", "the database's KMS key cannot be used (disabled, or its policy changed)",
                    "enable the key or restore its policy for RDS"),
            blocked("IAM", "UnmodifiableEntity", "the role is protected (a service-linked or otherwise unmodifiable role)",
                    "delete it through the service that owns it"),
            blocked("EC2", "AuthFailure", "AWS refused the operator's credentials for this resource (or an Elastic IP released"
                    + " and since given to another account)", "check the operator's credentials and role"),
            new Row("S3", "BucketNotEmpty", null, null, BLOCKED, "the bucket holds objects and `spec.emptyOnDelete` is false",
                    "set `spec.emptyOnDelete: true`, or empty the bucket (every version) yourself", null, "s3:DeleteBucket"),

            // Busy, or still releasing something: unless a read finds a dependency made outside the operator.
            new Row("EC2", "DependencyViolation", null, null, TRANSIENT,
                    "something still uses it: usually the operator's own load balancer, NAT gateway or instance"
                            + " interfaces, which AWS releases minutes after their owner is deleted",
                    "delete or move what the message names (made outside the operator)",
                    "when a read finds a network interface, subnet, security group or route table made outside the operator", null),
            new Row("IAM", "DeleteConflict", Pattern.compile("(?i)instance profile"), null, TRANSIENT,
                    "an instance profile still holds the role (the operator's own is deleted first)",
                    "remove the role from the instance profile the message names (`aws iam remove-role-from-instance-profile`)",
                    "when a read finds an instance profile made outside the operator holding the role", null),
            transientRow("IAM", "DeleteConflict", "a policy was attached between the listing and the delete; the next pass removes it"),
            transientRow("IAM", "ConcurrentModification", "another change to the role is in progress"),
            transientRow("EC2", "InvalidIPAddress.InUse", "the Elastic IP is still associated with a NAT gateway AWS is deleting"),
            transientRow("RDS", "InvalidDBInstanceState", "the database is already being deleted, or not available yet"),
            transientRow("RDS", "InvalidDBSubnetGroupStateFault", "a database being deleted still uses the subnet group"),
            transientRow("RDS", "InvalidDBSnapshotState", "the snapshot is still being made"),
            transientRow("ELB", "ResourceInUse", "a listener being deleted still uses the target group"),
            transientRow("S3", "OperationAborted", "a conflicting operation on the bucket is in progress"),

            // Catch-all rows, by the kind AwsErrors gives any code.
            byKind(AwsErrors.Kind.THROTTLED, "throttling (`Throttling`, `RequestLimitExceeded`, `SlowDown`, HTTP 429...)", TRANSIENT,
                    "AWS asked to slow down", null),
            byKind(AwsErrors.Kind.RETRYABLE, "HTTP 5xx, timeouts, connection errors", TRANSIENT, "AWS or the network failed for a moment", null),
            byKind(AwsErrors.Kind.NOT_FOUND, "any other not-found code, HTTP 404", GONE, "already deleted", null),
            byKind(AwsErrors.Kind.USER_ERROR, "any other refusal (`InvalidParameterValue`, `ValidationError`, an invalid token...)",
                    BLOCKED, "AWS refused the request as such", "act on AWS's message, quoted in the condition"),
            byKind(AwsErrors.Kind.UNKNOWN, "any other error", TRANSIENT, "not explained: retried, shown in `components[].lastError`", null));

    /** AWS accepted a request but is not done (a key's tags not yet honoured, say): the operator's own TRANSIENT. */
    static final Row STILL_WORKING = new Row("operator", "(AWS still working)", null, null, TRANSIENT,
            "AWS is not done with something this step waits for", null, null, null);

    /** The row of a refusal of the operator's own checks (a UserError) that has none of its own. */
    static final Row OPERATOR_CHECK = new Row("operator", "(its own check)", null, null, BLOCKED,
            "the operator refused to delete", "what the message says", null, null);

    private static Row gone(String service, String code, String meaning) {
        return new Row(service, code, null, null, GONE, meaning, null, null, null);
    }

    private static Row blocked(String service, String code, String meaning, String whatToDo) {
        return new Row(service, code, null, null, BLOCKED, meaning, whatToDo, null, null);
    }

    private static Row transientRow(String service, String code, String meaning) {
        return new Row(service, code, null, null, TRANSIENT, meaning, null, null, null);
    }

    private static Row byKind(AwsErrors.Kind kind, String label, Outcome outcome, String meaning, String whatToDo) {
        return new Row("any", label, null, kind, outcome, meaning, whatToDo, null, null);
    }

    /**
     * One failure, judged: its row and outcome, AWS's code and message, the refused IAM action (null
     * when unknown), the AWS resource it concerns when the caller named one, and what was found made
     * outside the operator (for a row with {@code blockedWhen}).
     */
    public record Failure(Outcome outcome, Row row, String code, String awsMessage, String action, String resource,
                          List<String> madeOutside, boolean operatorCheck) {

        /** For a component's status message: the class, the code and what it means. */
        public String summary() {
            return outcome + " " + code + ": " + (operatorCheck ? awsMessage : row.meaning().replace("{action}", actionOr("the call")));
        }

        /** AWS's answer, for a component's lastError. */
        public String error() {
            return code + ": " + awsMessage;
        }

        /**
         * What Stalled says of a BLOCKED failure: the AWS resource, the refused action, AWS's answer,
         * what was found made outside the operator, and what to do.
         */
        public String blockedMessage(String component, String fallbackResource) {
            String what = resource != null ? resource : fallbackResource;
            StringBuilder m = new StringBuilder(component);
            if (what != null) {
                m.append(' ').append(what);
            }
            m.append(": ").append(actionOr("the delete")).append(" refused (").append(code);
            if (!operatorCheck) {
                m.append(": ").append(awsMessage);
            }
            m.append(')');
            if (!madeOutside.isEmpty()) {
                m.append(", still used by what was made outside the operator: ").append(String.join(", ", madeOutside));
            }
            m.append(". ");
            m.append(operatorCheck ? awsMessage : capitalised(row.whatToDo() == null ? row.meaning() : row.whatToDo())
                    .replace("{action}", actionOr("the refused action")));
            m.append("; the deletion resumes by itself once that is done");
            return m.toString();
        }

        private String actionOr(String unknown) {
            return action == null ? unknown : action;
        }

        Failure naming(String resource, List<String> found) {
            return new Failure(found.isEmpty() ? outcome : BLOCKED, row, code, awsMessage, action, resource, found, operatorCheck);
        }
    }

    /** A delete call's failure, judged where the AWS resource it concerns is known. */
    public static final class Refused extends RuntimeException {
        private final transient Failure failure;

        Refused(Failure failure, Throwable cause) {
            super(failure.error(), cause);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private DeleteFailures() {
    }

    /** Judges any failure met while deleting (an AWS error, a refusal of the operator's own checks, anything else). */
    public static Failure classify(Throwable e) {
        if (e instanceof Refused refused) {
            return refused.failure();
        }
        if (e instanceof StillWorking busy) {
            return new Failure(TRANSIENT, STILL_WORKING, "StillWorking", busy.getMessage(), null, null, List.of(), true);
        }
        if (e instanceof UserError user) {
            Row row = TABLE.stream().filter(r -> r.kind() == null && r.code().equals(user.reason())).findFirst().orElse(OPERATOR_CHECK);
            // Its own check, not an AWS answer: the last AWS call on this thread says nothing about it.
            return new Failure(BLOCKED, row, user.reason(), user.getMessage(), row.action(), null, List.of(), true);
        }
        String code = AwsErrors.errorCode(e) != null ? AwsErrors.errorCode(e)
                : e instanceof AwsServiceException a ? "HTTP " + a.statusCode() : e.getClass().getSimpleName();
        String message = awsMessage(e);
        AwsErrors.Kind kind = AwsErrors.classify(e);
        String service = e instanceof AwsServiceException a && a.awsErrorDetails() != null ? a.awsErrorDetails().serviceName() : null;
        Row row = TABLE.stream().filter(r -> r.matches(service, code, message, kind)).findFirst().orElseThrow();
        String action = e instanceof AwsServiceException || kind == AwsErrors.Kind.RETRYABLE ? LastCall.action() : null;
        return new Failure(row.outcome(), row, code, message, action, null, List.of(), false);
    }

    /** Runs one delete call of a named AWS resource: returns when it is done or already gone, throws {@link Refused} otherwise. */
    public static void call(String resource, Runnable call) {
        call(resource, call, List::of);
    }

    /**
     * As {@link #call(String, Runnable)}; for a row with {@code blockedWhen}, {@code madeOutside} reads
     * what holds the resource and was made outside the operator (empty: only the operator's own, which
     * AWS is releasing).
     */
    public static void call(String resource, Runnable call, Supplier<List<String>> madeOutside) {
        try {
            call.run();
        } catch (StillWorking | Refused e) {
            throw e;
        } catch (RuntimeException e) {
            Failure failure = classify(e);
            if (failure.outcome() == GONE) {
                return;
            }
            List<String> found = failure.row().blockedWhen() != null ? madeOutside.get() : List.of();
            throw new Refused(failure.naming(resource, found), e);
        }
    }

    /** AWS's message without the SDK's request id, and without EC2's encoded authorisation message (new at every call). */
    static String awsMessage(Throwable e) {
        String m = e instanceof AwsServiceException a && a.awsErrorDetails() != null ? a.awsErrorDetails().errorMessage() : e.getMessage();
        if (m == null) {
            return "(no message)";
        }
        int encoded = m.indexOf(" Encoded authorization failure message:");
        return encoded < 0 ? m : m.substring(0, encoded);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** What the operator does with a failure of this row. */
    static String operatorDoes(Row r) {
        String does = switch (r.outcome()) {
            case GONE -> "counts it deleted once a read confirms it";
            case TRANSIENT -> "retries after 2 s, 4 s ... 60 s";
            case BLOCKED -> "Stalled `DeleteBlocked`, one event, retries at most 60 s apart";
        };
        return r.blockedWhen() == null ? does : "reads what holds it; " + does + ", or as BLOCKED";
    }

    /** The table as the README shows it. */
    public static String markdown() {
        StringBuilder out = new StringBuilder("| class | service | code | meaning | the operator | what a person does |\n"
                + "|---|---|---|---|---|---|\n");
        for (Row r : TABLE) {
            out.append("| ").append(r.classLabel()).append(" | ").append(r.service()).append(" | ").append(r.codeLabel())
                    .append(" | ").append(r.meaning().replace("{action}", "service:Operation")).append(" | ").append(operatorDoes(r))
                    .append(" | ").append(r.whatToDo() == null ? "—" : r.whatToDo().replace("{action}", "service:Operation")).append(" |\n");
        }
        return out.toString();
    }
}
