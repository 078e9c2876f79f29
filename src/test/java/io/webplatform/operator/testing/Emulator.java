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

    /** Clients against the emulator; interceptors given here run before the metrics one, as in the operator. */
    public static AwsClients clients(ExecutionInterceptor... extra) {
        List<ExecutionInterceptor> interceptors = new ArrayList<>(List.of(extra));
        interceptors.add(new ApiCallMetrics(new SimpleMeterRegistry()));
        return new AwsClients(REGION, Optional.of(endpoint()), interceptors);
    }

    /** Clients that are never called: for unit tests that only build requests. */
    public static AwsClients clientsWithoutEndpoint() {
        return new AwsClients(REGION, Optional.empty(), List.of());
    }
}
