package io.webplatform.operator.aws;

import io.webplatform.operator.aws.DeleteFailures.Outcome;
import io.webplatform.operator.aws.DeleteFailures.Row;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table of delete failures, row by row, and what a judged failure says. */
class DeleteFailuresTest {

    static AwsServiceException error(String code, int status, String message) {
        return (AwsServiceException) AwsServiceException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    /** AWS's own messages for the rows whose code alone is ambiguous, from the API references and what AWS answers. */
    private static final Map<String, String> MESSAGES = Map.of(
            "KMSInvalidStateException", "arn:aws:kms:eu-west-3:123456789012:key/1234abcd is pending deletion.",
            "InvalidParameterCombination", "Cannot delete protected DB Instance, please disable deletion protection and try again.");

    /** A failure each row should match: its code (with AWS's message), or for a catch-all row, a code of that kind. */
    private static AwsServiceException sampleOf(Row row) {
        if (row.kind() != null) {
            return switch (row.kind()) {
                case THROTTLED -> error("RequestLimitExceeded", 400, "Request limit exceeded.");
                case RETRYABLE -> error("InternalError", 500, "An internal error has occurred.");
                case NOT_FOUND -> error("NoSuchKey", 404, "The specified key does not exist.");
                case USER_ERROR -> error("InvalidParameterValue", 400, "Value (x) for parameter y is invalid.");
                case UNKNOWN -> error("SomethingNewFromAws", 400, "unheard of");
            };
        }
        if ("DeleteConflict".equals(row.code())) {
            return error("DeleteConflict", 409, row.message() != null ? "Cannot delete entity, must remove roles from instance profile first."
                    : "Cannot delete entity, must detach all policies first.");
        }
        if (row.code().startsWith("*")) {
            return error("InvalidVpcEndpointId" + row.code().substring(1), 400, "The VPC endpoint does not exist");
        }
        // Answered by the row's own service, as AWS's errors say (AwsErrorDetails.serviceName).
        String message = MESSAGES.getOrDefault(row.code(), "AWS says " + row.code());
        return (AwsServiceException) AwsServiceException.builder().statusCode(400).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName(DeleteFailures.sdkServiceName(row.service()))
                        .errorCode(row.code()).errorMessage(message).build()).build();
    }

    @Test
    void everyRowDecidesForTheFailuresItDescribesAndNoEarlierRowShadowsIt() {
        for (Row row : DeleteFailures.TABLE) {
            if (row.service().equals("operator")) {
                continue; // the operator's own checks: judged from a UserError, below
            }
            DeleteFailures.Failure failure = DeleteFailures.classify(sampleOf(row));
            assertThat(failure.row()).as(row.codeLabel()).isEqualTo(row);
            assertThat(failure.outcome()).as(row.codeLabel()).isEqualTo(row.outcome());
        }
    }

    @Test
    void theClassesAreTheOnesTheIssueNames() {
        assertThat(outcomeOf("NatGatewayNotFound")).isEqualTo(Outcome.GONE);
        assertThat(outcomeOf("InvalidVpcID.NotFound")).isEqualTo(Outcome.GONE);
        assertThat(outcomeOf("DBInstanceNotFound")).isEqualTo(Outcome.GONE);
        assertThat(outcomeOf("TrailNotFoundException")).isEqualTo(Outcome.GONE);
        assertThat(outcomeOf("NoSuchEntity")).isEqualTo(Outcome.GONE);
        assertThat(outcomeOf("Throttling")).isEqualTo(Outcome.TRANSIENT);
        assertThat(DeleteFailures.classify(error("ServiceUnavailable", 503, "try later")).outcome()).isEqualTo(Outcome.TRANSIENT);
        assertThat(DeleteFailures.classify(error("InvalidDBInstanceState", 400, "Instance db-1 is already being deleted.")).outcome())
                .isEqualTo(Outcome.TRANSIENT);
        assertThat(outcomeOf("DependencyViolation")).as("without a read finding a foreign dependency").isEqualTo(Outcome.TRANSIENT);
        assertThat(outcomeOf("UnauthorizedOperation")).isEqualTo(Outcome.BLOCKED);
        assertThat(outcomeOf("AccessDenied")).isEqualTo(Outcome.BLOCKED);
        assertThat(outcomeOf("AccessDeniedException")).isEqualTo(Outcome.BLOCKED);
        assertThat(outcomeOf("OperationNotPermitted")).isEqualTo(Outcome.BLOCKED);
        assertThat(DeleteFailures.classify(error("InvalidParameterCombination", 400, MESSAGES.get("InvalidParameterCombination"))).outcome())
                .isEqualTo(Outcome.BLOCKED);
        // Any other InvalidParameterCombination is AWS refusing the request as such: still a person's to fix.
        assertThat(DeleteFailures.classify(error("InvalidParameterCombination", 400, "FinalDBSnapshotIdentifier can not be specified"))
                .row().kind()).isEqualTo(AwsErrors.Kind.USER_ERROR);
        // A key whose deletion is scheduled is gone for a delete; a disabled key refusing something else is not.
        assertThat(DeleteFailures.classify(error("KMSInvalidStateException", 400, MESSAGES.get("KMSInvalidStateException"))).outcome())
                .isEqualTo(Outcome.GONE);
        assertThat(DeleteFailures.classify(error("KMSInvalidStateException", 400, "key/1 is disabled.")).outcome()).isEqualTo(Outcome.BLOCKED);
    }

    private static Outcome outcomeOf(String code) {
        return DeleteFailures.classify(error(code, 400, "AWS says " + code)).outcome();
    }

    @Test
    void everyNotFoundCodeOfTheTableIsOneAwsErrorsKnowsForReadsToo() {
        DeleteFailures.TABLE.stream().filter(r -> r.outcome() == Outcome.GONE && r.kind() == null && r.message() == null
                        && !r.code().equals("Gateway.NotAttached") && !r.code().startsWith("*"))
                .forEach(r -> assertThat(AwsErrors.isNotFound(error(r.code(), 400, "x"))).as(r.code()).isTrue());
    }

    @Test
    void theOperatorsOwnRefusalsAreRowsOfTheSameTableWithTheActionTheyStandFor() {
        DeleteFailures.Failure notEmpty = DeleteFailures.classify(new UserError("BucketNotEmpty", "bucket b still holds objects; set spec.emptyOnDelete: true"));
        assertThat(notEmpty.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(notEmpty.action()).isEqualTo("s3:DeleteBucket");
        assertThat(notEmpty.blockedMessage("Bucket", "arn:aws:s3:::b"))
                .isEqualTo("Bucket arn:aws:s3:::b: s3:DeleteBucket refused (BucketNotEmpty). bucket b still holds objects;"
                        + " set spec.emptyOnDelete: true; the deletion resumes by itself once that is done");
        DeleteFailures.Failure other = DeleteFailures.classify(new UserError("BucketOwnedElsewhere", "another resource's bucket"));
        assertThat(other.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(other.row()).isSameAs(DeleteFailures.OPERATOR_CHECK);
        assertThat(DeleteFailures.classify(new StillWorking("the key's tags are not honoured yet")).outcome()).isEqualTo(Outcome.TRANSIENT);
    }

    @Test
    void oneCodeOfTwoServicesIsJudgedByTheServiceThatAnswered() {
        AwsServiceException ec2 = (AwsServiceException) AwsServiceException.builder().statusCode(400).message("termination protection")
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("Ec2").errorCode("OperationNotPermitted")
                        .errorMessage("The instance may not be terminated. Modify its 'disableApiTermination' instance attribute").build()).build();
        AwsServiceException elb = (AwsServiceException) AwsServiceException.builder().statusCode(400).message("deletion protection")
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("ElasticLoadBalancingV2").errorCode("OperationNotPermitted")
                        .errorMessage("Load balancer cannot be deleted because deletion protection is enabled").build()).build();
        assertThat(DeleteFailures.classify(ec2).row().whatToDo()).contains("--no-disable-api-termination");
        assertThat(DeleteFailures.classify(elb).row().whatToDo()).contains("exempt this load balancer");
    }

    @Test
    void anOperatorRefusalNeverTakesTheActionOfAnEarlierAwsCall() {
        // A failed AWS call leaves its action behind on this thread; the operator's own check is not that call.
        new LastCall().beforeExecution(null, executionOf("Ec2", "DeleteSubnet"));
        DeleteFailures.Failure owned = DeleteFailures.classify(new UserError("BucketOwnedElsewhere", "another resource's bucket"));
        assertThat(owned.action()).isNull();
        assertThat(owned.blockedMessage("Bucket", "arn:aws:s3:::b")).doesNotContain("ec2:DeleteSubnet");
        LastCall.forget();
    }

    private static software.amazon.awssdk.core.interceptor.ExecutionAttributes executionOf(String service, String operation) {
        return new software.amazon.awssdk.core.interceptor.ExecutionAttributes()
                .putAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.SERVICE_NAME, service)
                .putAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME, operation);
    }

    @Test
    void aBlockedMessageNamesTheResourceTheRefusedActionAwsAnswerAndWhatToDo() {
        LastCall.forget();
        new LastCall().beforeExecution(null, attributes("Ec2", "DeleteNatGateway"));
        DeleteFailures.Failure denied = DeleteFailures.classify(error("UnauthorizedOperation", 403,
                "You are not authorized to perform this operation. Encoded authorization failure message: AbC123xyz"));
        assertThat(denied.action()).isEqualTo("ec2:DeleteNatGateway");
        assertThat(denied.blockedMessage("NatGateways", "nat-1,nat-2")).isEqualTo("NatGateways nat-1,nat-2: ec2:DeleteNatGateway refused"
                + " (UnauthorizedOperation: You are not authorized to perform this operation.). Grant `ec2:DeleteNatGateway` to the"
                + " operator's IAM role (operator/iam-policy-*.json); the deletion resumes by itself once that is done");
        assertThat(denied.summary()).isEqualTo("BLOCKED UnauthorizedOperation: the operator's role lacks the permission `ec2:DeleteNatGateway`");
        LastCall.forget();
    }

    @Test
    void aCallAlreadyGoneReturnsATransientOneAndABlockedOneThrowWhatTheyConcern() {
        DeleteFailures.call("subnet subnet-1", () -> {
            throw error("InvalidSubnetID.NotFound", 400, "The subnet ID 'subnet-1' does not exist");
        });
        assertThatThrownBy(() -> DeleteFailures.call("subnet subnet-1", () -> {
            throw error("Throttling", 400, "Rate exceeded");
        })).isInstanceOfSatisfying(DeleteFailures.Refused.class, r -> {
            assertThat(r.failure().outcome()).isEqualTo(Outcome.TRANSIENT);
            assertThat(r.failure().resource()).isEqualTo("subnet subnet-1");
        });
        AtomicInteger reads = new AtomicInteger();
        assertThatThrownBy(() -> DeleteFailures.call("subnet subnet-1", () -> {
            throw error("AccessDenied", 403, "denied");
        }, () -> List.of("read " + reads.incrementAndGet()))).isInstanceOf(DeleteFailures.Refused.class);
        assertThat(reads).as("only a row with blockedWhen reads what holds the resource").hasValue(0);
    }

    @Test
    void aDependencyViolationIsTransientUnlessAReadFindsWhatSomeoneElseMade() {
        AwsServiceException violation = error("DependencyViolation", 400, "The subnet 'subnet-1' has dependencies and cannot be deleted.");
        assertThatThrownBy(() -> DeleteFailures.call("subnet subnet-1", () -> {
            throw violation;
        }, List::of)).isInstanceOfSatisfying(DeleteFailures.Refused.class,
                r -> assertThat(r.failure().outcome()).as("only the operator's own interfaces, being released").isEqualTo(Outcome.TRANSIENT));
        assertThatThrownBy(() -> DeleteFailures.call("subnet subnet-1", () -> {
            throw violation;
        }, () -> List.of("network interface eni-9 (\"someone's\", available)"))).isInstanceOfSatisfying(DeleteFailures.Refused.class, r -> {
            assertThat(r.failure().outcome()).isEqualTo(Outcome.BLOCKED);
            assertThat(r.failure().blockedMessage("Subnets", null)).startsWith("Subnets subnet subnet-1: ")
                    .contains("refused (DependencyViolation: The subnet 'subnet-1' has dependencies and cannot be deleted.)")
                    .contains("still used by what was made outside the operator: network interface eni-9 (\"someone's\", available)")
                    .contains("Delete or move what the message names (made outside the operator)");
        });
    }

    @Test
    void lastCallNamesTheIamActionOfAnOperation() {
        assertThat(LastCall.iamAction("Ec2", "DeleteSubnet")).isEqualTo("ec2:DeleteSubnet");
        assertThat(LastCall.iamAction("ElasticLoadBalancingV2", "DeleteLoadBalancer")).isEqualTo("elasticloadbalancing:DeleteLoadBalancer");
        assertThat(LastCall.iamAction("CloudTrail", "DeleteTrail")).isEqualTo("cloudtrail:DeleteTrail");
        assertThat(LastCall.iamAction("S3", "DeleteBucket")).isEqualTo("s3:DeleteBucket");
        assertThat(LastCall.iamAction("S3", "DeleteObjects")).isEqualTo("s3:DeleteObjectVersion");
        assertThat(LastCall.iamAction("S3", "DeleteBucketReplication")).isEqualTo("s3:PutReplicationConfiguration");
        assertThat(LastCall.iamAction("ResourceGroupsTaggingApi", "GetResources")).isEqualTo("tag:GetResources");
    }

    @Test
    void theReadmeTableIsTheTable() throws IOException {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        Matcher m = Pattern.compile("(<!-- generated from DeleteFailures by DeleteFailuresTest -->\n)(.*?)(\n<!-- end of DeleteFailures -->)",
                Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("README has the generated table of delete failures").isTrue();
        if (Boolean.getBoolean("readme.update")) {
            Files.writeString(readme, text.substring(0, m.start(2)) + DeleteFailures.markdown().strip() + text.substring(m.end(2)));
            return;
        }
        assertThat(m.group(2)).as("the README's table of delete failures (rerun with -Dreadme.update=true)")
                .isEqualTo(DeleteFailures.markdown().strip());
    }

    private static software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes(String service, String operation) {
        return software.amazon.awssdk.core.interceptor.ExecutionAttributes.builder()
                .put(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.SERVICE_NAME, service)
                .put(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME, operation).build();
    }
}
