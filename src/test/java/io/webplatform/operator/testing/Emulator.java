package io.webplatform.operator.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.webplatform.operator.aws.ApiCallMetrics;
import io.webplatform.operator.aws.AwsClients;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The moto AWS emulator that hack/testbed.sh starts on loopback. Tests never reset it: each test
 * works with its own UIDs and names, so tests and the in-process operator can share it.
 */
public final class Emulator {
    public static final String REGION = "eu-west-3";

    private Emulator() {
    }

    public static URI endpoint() {
        String url = System.getenv("AWS_ENDPOINT_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("AWS_ENDPOINT_URL is not set: run the tests with hack/test.sh, which starts"
                    + " the moto emulator and the API server (or source the testbed env file)");
        }
        return URI.create(url);
    }

    /**
     * What the operator assumes of the emulator's quotas: it enforces none, so the test bed plays an
     * account whose quotas were raised (hack/testbed.sh exports the same value to the operator).
     */
    public static final String RAISED_QUOTAS = "*=100000";

    /** Clients against the emulator; interceptors given here run before the metrics one, as in the operator. */
    public static AwsClients clients(ExecutionInterceptor... extra) {
        return clientsWithQuotas(RAISED_QUOTAS, extra);
    }

    /** As {@link #clients}, with these assumed quota values ("" asks Service Quotas, and falls back as on AWS). */
    public static AwsClients clientsWithQuotas(String assumedQuotaLimits, ExecutionInterceptor... extra) {
        List<ExecutionInterceptor> interceptors = new ArrayList<>(List.of(extra));
        interceptors.add(new ApiCallMetrics(new SimpleMeterRegistry()));
        return new AwsClients(REGION, Optional.of(endpoint()), interceptors, assumedQuotaLimits);
    }

    /**
     * Forgets everything the emulator holds. Only for the end of test classes that make hundreds of
     * resources: it never forgets a terminated instance and scans them all on every DescribeInstances,
     * so later tests would crawl. Test classes run one after another, and each cleans up its own.
     */
    public static void reset() {
        try {
            var request = java.net.http.HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
            var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("emulator reset answered " + response.statusCode());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Clients that are never called: for unit tests that only build requests. */
    public static AwsClients clientsWithoutEndpoint() {
        return new AwsClients(REGION, Optional.empty(), List.of());
    }
}
