package io.webplatform.operator.aws;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SDK's own retries as the operator's clients make them (AwsClients' configuration, the real SDK
 * pipeline), against a scripted HTTP client: each attempt gets the next scripted outcome, a lost answer
 * (IOException), a refused connection, or an HTTP answer.
 */
class RetriedCallsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AwsClients clients = new AwsClients("eu-west-3", Optional.empty(), List.of(new ApiCallMetrics(registry)));
    private final Scripted http = new Scripted();
    private final Ec2Client ec2 = clients.configure(Ec2Client.builder(), "eu-west-3")
            .httpClient(http)
            .endpointOverride(URI.create("http://localhost:9"))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .build();

    @AfterEach
    void close() {
        ec2.close();
        clients.close();
    }

    private static final String VPC = "<CreateVpcResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
            + "<vpc><vpcId>vpc-1</vpcId></vpc></CreateVpcResponse>";
    private static final String TAGS = "<CreateTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
            + "<return>true</return></CreateTagsResponse>";

    private static Outcome error(int status, String code) {
        return new Outcome(status, "<Response><Errors><Error><Code>" + code + "</Code><Message>scripted " + code
                + "</Message></Error></Errors><RequestID>r</RequestID></Response>", null);
    }

    private static Outcome ok(String body) {
        return new Outcome(200, body, null);
    }

    private static Outcome lost() {
        return new Outcome(0, null, new SocketTimeoutException("Read timed out"));
    }

    private void authorize() {
        ec2.authorizeSecurityGroupIngress(r -> r.groupId("sg-1").ipPermissions(IpPermission.builder().ipProtocol("tcp")
                .fromPort(22).toPort(22).ipRanges(x -> x.cidrIp("10.0.0.0/8")).build()));
    }

    @Test
    void aCreateVpcWhoseAnswerWasLostIsNotSentAgain() {
        http.script(lost(), ok(VPC));
        assertThatThrownBy(() -> ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")))
                .isInstanceOf(SdkClientException.class)
                .satisfies(e -> assertThat(AwsErrors.classify(e)).isEqualTo(AwsErrors.Kind.RETRYABLE));
        assertThat(http.calls()).as("a second CreateVpc would make a second VPC").isEqualTo(1);
    }

    @Test
    void aThrottledCreateVpcIsRetriedItMadeNothing() {
        http.script(error(503, "RequestLimitExceeded"), ok(VPC));
        assertThat(ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId()).isEqualTo("vpc-1");
        assertThat(http.calls()).isEqualTo(2);
    }

    @Test
    void aCreateVpcWhoseConnectionWasRefusedIsRetriedItWasNeverSent() {
        http.script(new Outcome(0, null, new ConnectException("Connection refused")), ok(VPC));
        assertThat(ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId()).isEqualTo("vpc-1");
        assertThat(http.calls()).isEqualTo(2);
    }

    @Test
    void anIdempotentCallWhoseAnswerWasLostIsRetried() {
        http.script(lost(), ok(TAGS));
        ec2.createTags(r -> r.resources("vpc-1").tags(t -> t.key("k").value("v")));
        assertThat(http.calls()).isEqualTo(2);
    }

    @Test
    void aDuplicateAnsweredToARetryAfterALostAnswerIsMarkedAsTheOperatorsOwn() {
        http.script(lost(), error(400, "InvalidPermission.Duplicate"));
        assertThatThrownBy(this::authorize).isInstanceOf(AwsServiceException.class).satisfies(e -> {
            assertThat(AwsErrors.errorCode(e)).as("AWS's answer is kept as it is").isEqualTo("InvalidPermission.Duplicate");
            assertThat(RetriedCalls.landedEarlier(e)).hasValueSatisfying(l -> {
                assertThat(l.action()).isEqualTo("ec2:AuthorizeSecurityGroupIngress");
                assertThat(l.code()).isEqualTo("InvalidPermission.Duplicate");
            });
        });
        assertThat(http.calls()).isEqualTo(2);
        assertThat(registry.get(ApiCallMetrics.METRIC).tag("operation", "AuthorizeSecurityGroupIngress")
                .tag("outcome", ApiCallMetrics.LANDED_EARLIER).counter().count()).as("counted apart in the metrics").isEqualTo(1.0);
    }

    @Test
    void aDuplicateAnsweredToAFirstAttemptIsNotMarked() {
        http.script(error(400, "InvalidPermission.Duplicate"));
        assertThatThrownBy(this::authorize).satisfies(e -> assertThat(RetriedCalls.landedEarlier(e)).isEmpty());
        assertThat(http.calls()).isEqualTo(1);
    }

    @Test
    void aDuplicateAfterARefusedFirstAttemptIsNotMarkedTheFirstMadeNothing() {
        // A 4xx throttle: AWS refused the first attempt, so the duplicate is someone else's (the ownership checks decide).
        http.script(error(400, "Throttling"), error(400, "InvalidPermission.Duplicate"));
        assertThatThrownBy(this::authorize).satisfies(e -> assertThat(RetriedCalls.landedEarlier(e)).isEmpty());
        assertThat(http.calls()).isEqualTo(2);
    }

    @Test
    void anotherRefusalAfterALostAnswerIsNotMarked() {
        http.script(lost(), error(400, "InvalidGroup.NotFound"));
        assertThatThrownBy(this::authorize).satisfies(e -> assertThat(RetriedCalls.landedEarlier(e)).isEmpty());
    }

    @Test
    void mayRetryOnlyWhatCannotMakeASecondResource() {
        SdkClientException lostAnswer = SdkClientException.create("Unable to execute HTTP request", new SocketTimeoutException("Read timed out"));
        assertThat(RetriedCalls.mayRetry("kms:CreateKey", lostAnswer)).isFalse();
        assertThat(RetriedCalls.mayRetry("kms:CreateKey", SdkClientException.create("x", new ConnectException("refused")))).isTrue();
        assertThat(RetriedCalls.mayRetry("kms:CreateAlias", lostAnswer)).isTrue();
        assertThat(RetriedCalls.mayRetry("ec2:CreateVpc", AwsServiceException.builder().statusCode(400)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode("RequestLimitExceeded").build())
                .build())).isTrue();
        assertThat(RetriedCalls.mayRetry("ec2:CreateVpc", AwsServiceException.builder().statusCode(500)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode("InternalError").build())
                .build())).as("a 5xx may have landed").isFalse();
    }

    record Outcome(int status, String body, IOException failure) {
    }

    /** An HTTP client that answers each attempt with the next scripted outcome. */
    static final class Scripted implements SdkHttpClient {
        private final Deque<Outcome> outcomes = new ArrayDeque<>();
        private final AtomicInteger calls = new AtomicInteger();

        void script(Outcome... next) {
            outcomes.addAll(List.of(next));
        }

        int calls() {
            return calls.get();
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    calls.incrementAndGet();
                    Outcome o = outcomes.isEmpty() ? error(500, "NothingScripted") : outcomes.poll();
                    if (o.failure() != null) {
                        throw o.failure();
                    }
                    byte[] body = o.body().getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(o.status()).putHeader("Content-Length", String.valueOf(body.length)).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
