package io.webplatform.operator.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import static io.webplatform.operator.aws.AwsErrors.Kind.NOT_FOUND;
import static io.webplatform.operator.aws.AwsErrors.Kind.RETRYABLE;
import static io.webplatform.operator.aws.AwsErrors.Kind.THROTTLED;
import static io.webplatform.operator.aws.AwsErrors.Kind.UNKNOWN;
import static io.webplatform.operator.aws.AwsErrors.Kind.USER_ERROR;
import static org.assertj.core.api.Assertions.assertThat;

class AwsErrorsTest {

    static AwsServiceException error(String code, int status) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg of " + code).build()).build();
    }

    @Test
    void classifiesTheWayTheOperatorReacts() {
        assertThat(AwsErrors.classify(error("Throttling", 400))).isEqualTo(THROTTLED);
        assertThat(AwsErrors.classify(error("SlowDown", 503))).isEqualTo(THROTTLED);
        assertThat(AwsErrors.classify(error("RequestLimitExceeded", 400))).isEqualTo(THROTTLED);
        assertThat(AwsErrors.classify(error("Whatever", 429))).isEqualTo(THROTTLED);
        assertThat(AwsErrors.classify(error("InternalError", 500))).isEqualTo(RETRYABLE);
        assertThat(AwsErrors.classify(error("ServiceUnavailable", 503))).isEqualTo(RETRYABLE);
        assertThat(AwsErrors.classify(SdkClientException.create("connection reset"))).isEqualTo(RETRYABLE);
        assertThat(AwsErrors.classify(error("NoSuchBucket", 404))).isEqualTo(NOT_FOUND);
        assertThat(AwsErrors.classify(error("NoSuchEntity", 404))).isEqualTo(NOT_FOUND);
        assertThat(AwsErrors.classify(error("NotFoundException", 400))).isEqualTo(NOT_FOUND);
        assertThat(AwsErrors.classify(error("AccessDenied", 403))).isEqualTo(USER_ERROR);
        assertThat(AwsErrors.classify(error("UnauthorizedOperation", 403))).isEqualTo(USER_ERROR);
        assertThat(AwsErrors.classify(error("LimitExceeded", 409))).isEqualTo(USER_ERROR);
        assertThat(AwsErrors.classify(error("InvalidParameterValue", 400))).isEqualTo(USER_ERROR);
        // ELB refusing a TLS listener's certificate or policy (CreateListener/ModifyListener errors): the spec must change.
        assertThat(AwsErrors.classify(error("CertificateNotFound", 400))).isEqualTo(USER_ERROR);
        assertThat(AwsErrors.classify(error("UnsupportedCertificate", 400))).isEqualTo(USER_ERROR);
        assertThat(AwsErrors.classify(error("SSLPolicyNotFound", 400))).isEqualTo(USER_ERROR);
        assertThat(AwsErrors.classify(error("SomethingNew", 400))).isEqualTo(UNKNOWN);
        assertThat(AwsErrors.classify(new IllegalStateException())).isEqualTo(UNKNOWN);
    }

    @Test
    void messagesCarryAwsCodeAndText() {
        assertThat(AwsErrors.message(error("AccessDenied", 403))).isEqualTo("AccessDenied: msg of AccessDenied");
    }
}
