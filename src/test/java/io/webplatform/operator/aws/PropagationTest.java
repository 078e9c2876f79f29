package io.webplatform.operator.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static io.webplatform.operator.aws.Propagation.INSTANCE_PROFILE;
import static io.webplatform.operator.aws.Propagation.KMS_KEY_TAGS;
import static io.webplatform.operator.aws.Propagation.MONITORING_ROLE;
import static io.webplatform.operator.aws.Propagation.REPLICATION_ROLE;
import static io.webplatform.operator.aws.Propagation.TRAIL_BUCKET_POLICY;
import static io.webplatform.operator.aws.Propagation.TRAIL_KEY_POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one place that decides "AWS is still propagating" from "a person must look", by AWS's own answers and dates. */
class PropagationTest {
    private static final Instant MADE = Instant.parse("2026-01-01T10:00:00Z");

    private static AwsServiceException error(String code, int status, String message) {
        return (AwsServiceException) AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    private static Clock at(Duration afterMade) {
        return Clock.fixed(MADE.plus(afterMade), ZoneOffset.UTC);
    }

    private static final AwsServiceException KMS_DENIED = error("AccessDeniedException", 400, "User: arn:aws:sts::123456789012:"
            + "assumed-role/webplatform-operator/op is not authorized to perform: kms:CreateAlias on resource: "
            + "arn:aws:kms:eu-west-3:123456789012:key/1234abcd because no identity-based policy allows the kms:CreateAlias action");

    @Test
    void windowsFollowAwsDocumentation() {
        // KMS: "up to five minutes" for tags to affect authorization, plus a minute of clock skew.
        assertThat(KMS_KEY_TAGS.window()).isEqualTo(Duration.ofMinutes(6));
        assertThat(INSTANCE_PROFILE.window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(REPLICATION_ROLE.window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(MONITORING_ROLE.window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(TRAIL_BUCKET_POLICY.window()).isEqualTo(Duration.ofMinutes(2));
        // KMS: "typically takes less than a few seconds, but in some cases it can take several minutes": as for tags.
        assertThat(TRAIL_KEY_POLICY.window()).isEqualTo(Duration.ofMinutes(6));
        assertThat(Propagation.DATABASE_LOG_GROUP_KEY.window()).isEqualTo(Duration.ofMinutes(6));
    }

    @Test
    void aRefusalWithinTheWindowIsStillWorkingAndAfterItAStallWithAwsMessage() {
        RuntimeException early = KMS_KEY_TAGS.judge(KMS_DENIED, "the ownership tag of KMS key 1234abcd", MADE, at(Duration.ofMinutes(4)));
        assertThat(early).isInstanceOf(StillWorking.class)
                .hasMessageContaining("KMS key 1234abcd is new (240 s ago)").hasMessageContaining("AccessDeniedException");

        RuntimeException late = KMS_KEY_TAGS.judge(KMS_DENIED, "the ownership tag of KMS key 1234abcd", MADE, at(Duration.ofMinutes(6)));
        assertThat(late).isInstanceOf(UserError.class);
        assertThat(((UserError) late).reason()).isEqualTo("KmsAccessDenied");
        assertThat(late.getMessage()).startsWith("AccessDeniedException: User: arn:aws:sts::123456789012")
                .contains("still refused 360 s after the ownership tag of KMS key 1234abcd was made")
                .contains("webplatform.io/owner-uid");
    }

    @Test
    void aDependencyDatedInTheFutureByClockSkewIsStillNew() {
        assertThat(KMS_KEY_TAGS.judge(KMS_DENIED, "key", MADE, at(Duration.ofSeconds(-30)))).isInstanceOf(StillWorking.class);
    }

    @Test
    void otherFailuresAreNeverSwallowed() {
        for (AwsServiceException other : new AwsServiceException[] {error("ThrottlingException", 400, "Rate exceeded"),
                error("InternalFailure", 500, "oops"), error("NotFoundException", 400, "gone"),
                error("InvalidParameterValue", 400, "Value (t9.nano) for parameter instanceType is invalid")}) {
            for (Propagation kind : new Propagation[] {KMS_KEY_TAGS, INSTANCE_PROFILE, REPLICATION_ROLE, TRAIL_BUCKET_POLICY, TRAIL_KEY_POLICY,
                    MONITORING_ROLE}) {
                assertThat(kind.judge(other, "x", MADE, at(Duration.ZERO))).as(kind.reason() + " " + other).isSameAs(other);
            }
        }
        // KMS answers AccessDeniedException; the S3-style AccessDenied of another service is not a KMS tag delay.
        assertThat(KMS_KEY_TAGS.judge(error("AccessDenied", 403, "Access Denied"), "x", MADE, at(Duration.ZERO))).isInstanceOf(AwsServiceException.class);
    }

    @Test
    void ec2RefusesANewInstanceProfileInTwoWords() {
        String arn = "arn:aws:iam::123456789012:instance-profile/wp-demo-app";
        for (String message : new String[] {"Value (" + arn + ") for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN",
                "Value (wp-demo-app) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name",
                "IAM Instance Profile \"" + arn + "\" has no associated IAM Roles"}) {
            assertThat(INSTANCE_PROFILE.judge(error("InvalidParameterValue", 400, message), "instance profile wp-demo-app", MADE,
                    at(Duration.ofSeconds(10)))).as(message).isInstanceOf(StillWorking.class);
        }
    }

    @Test
    void rdsRefusesANewMonitoringRoleNamingEnhancedMonitoringAndNothingElse() {
        AwsServiceException refusal = error("InvalidParameterValue", 400,
                "IAM role ARN value is invalid or does not include the required permissions for: ENHANCED_MONITORING");
        assertThat(MONITORING_ROLE.judge(refusal, "monitoring role wp-x", MADE, at(Duration.ofSeconds(30)))).isInstanceOf(StillWorking.class);
        assertThat(MONITORING_ROLE.judge(refusal, "monitoring role wp-x", MADE, at(Duration.ofMinutes(2)))).isInstanceOf(UserError.class)
                .hasMessageContaining("ENHANCED_MONITORING").hasMessageContaining("iam:PassRole");
        assertThat(MONITORING_ROLE.judge(error("InvalidParameterCombination", 400,
                "A MonitoringRoleARN value is required if you specify a MonitoringInterval value other than 0."), "monitoring role wp-x", MADE,
                at(Duration.ofSeconds(5)))).isInstanceOf(AwsServiceException.class);
    }

    @Test
    void s3RefusesAReplicationRoleByPassRoleOrByNamingTheRole() {
        for (AwsServiceException refusal : new AwsServiceException[] {error("AccessDenied", 403, "Access Denied"),
                error("InvalidRequest", 400, "The IAM role arn:aws:iam::123456789012:role/wp-x cannot be assumed"),
                error("InvalidArgument", 400, "Invalid Role ARN")}) {
            assertThat(REPLICATION_ROLE.judge(refusal, "IAM role wp-x", MADE, at(Duration.ofSeconds(5)))).isInstanceOf(StillWorking.class);
        }
        assertThat(REPLICATION_ROLE.judge(error("InvalidRequest", 400, "Versioning must be 'Enabled' on the bucket"), "IAM role wp-x",
                MADE, at(Duration.ofSeconds(5)))).isInstanceOf(AwsServiceException.class);
    }

    @Test
    void withoutADateFromAwsTheWindowRunsFromTheFirstRefusalAndASuccessForgetsIt() {
        String dependency = "the bucket policy of logs-" + System.nanoTime();
        AwsServiceException refused = error("InsufficientS3BucketPolicyException", 400, "Incorrect S3 bucket policy is detected for bucket: logs");
        assertThat(TRAIL_BUCKET_POLICY.judge(refused, dependency, null, at(Duration.ZERO))).isInstanceOf(StillWorking.class);
        assertThat(TRAIL_BUCKET_POLICY.judge(refused, dependency, null, at(Duration.ofSeconds(119)))).isInstanceOf(StillWorking.class);
        RuntimeException late = TRAIL_BUCKET_POLICY.judge(refused, dependency, null, at(Duration.ofSeconds(120)));
        assertThat(late).isInstanceOf(UserError.class).hasMessageContaining("Incorrect S3 bucket policy is detected")
                .hasMessageContaining("was first refused");

        // A later resync is still refused: it stays Stalled instead of waiting another window.
        assertThat(TRAIL_BUCKET_POLICY.judge(refused, dependency, null, at(Duration.ofMinutes(10)))).isInstanceOf(UserError.class);
        // Once a call succeeds, a later refusal (a new policy put) is judged afresh.
        TRAIL_BUCKET_POLICY.run(dependency, null, at(Duration.ofMinutes(11)), () -> { });
        assertThat(TRAIL_BUCKET_POLICY.judge(refused, dependency, null, at(Duration.ofMinutes(14)))).isInstanceOf(StillWorking.class);
    }

    /** CloudTrail's answer to a key whose policy KMS has not propagated yet; its bucket-policy refusal is the other window's. */
    @Test
    void cloudTrailRefusesANewKeyPolicyWithInsufficientEncryptionPolicy() {
        String dependency = "the key policy of arn:aws:kms:eu-west-3:123456789012:key/" + System.nanoTime();
        AwsServiceException refused = error("InsufficientEncryptionPolicyException", 400, "Insufficient permissions to access S3 bucket or KMS key.");
        assertThat(TRAIL_KEY_POLICY.judge(refused, dependency, null, at(Duration.ofSeconds(359)))).isInstanceOf(StillWorking.class);
        RuntimeException late = TRAIL_KEY_POLICY.judge(refused, dependency, null, at(Duration.ofSeconds(720)));
        assertThat(late).isInstanceOf(UserError.class);
        assertThat(((UserError) late).reason()).isEqualTo("TrailKeyPolicyRejected");
        AwsServiceException bucketPolicy = error("InsufficientS3BucketPolicyException", 400, "Incorrect S3 bucket policy is detected for bucket: logs");
        assertThat(TRAIL_KEY_POLICY.judge(bucketPolicy, dependency, null, at(Duration.ZERO))).isSameAs(bucketPolicy);
    }

    @Test
    void callReturnsTheResultAndThrowsTheVerdict() {
        assertThat(KMS_KEY_TAGS.call("k", MADE, at(Duration.ZERO), () -> "ok")).isEqualTo("ok");
        assertThatThrownBy(() -> KMS_KEY_TAGS.run("k", MADE, at(Duration.ofSeconds(1)), () -> {
            throw KMS_DENIED;
        })).isInstanceOf(StillWorking.class);
        assertThatThrownBy(() -> KMS_KEY_TAGS.run("k", MADE, at(Duration.ofHours(1)), () -> {
            throw KMS_DENIED;
        })).isInstanceOf(UserError.class);
    }
}
