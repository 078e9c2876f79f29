package io.webplatform.operator.aws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts every AWS API call by service, operation and outcome (the metric
 * {@code webplatform_aws_api_calls_total}), and lets a reconcile collect the calls it made, so
 * status, tests and benchmarks can see what one pass costs.
 */
public class ApiCallMetrics implements ExecutionInterceptor {

    public static final String METRIC = "webplatform.aws.api.calls";
    /** The outcome of a call whose retry was answered "already exists" / "does not exist" after its first attempt landed. */
    public static final String LANDED_EARLIER = "landed_earlier";

    private static final ThreadLocal<List<String>> CURRENT = new ThreadLocal<>();

    private final MeterRegistry registry;

    public ApiCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Starts collecting the calls this thread makes; returns the live list. */
    public static List<String> startRecording() {
        List<String> calls = new ArrayList<>();
        CURRENT.set(calls);
        return calls;
    }

    public static void stopRecording() {
        CURRENT.remove();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, "success");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        // A retry answered "already exists" after its first attempt landed: the operator's own, counted apart (RetriedCalls
        // marks it first: it runs ahead of this interceptor).
        record(attributes, RetriedCalls.landedEarlier(context.exception()).isPresent() ? LANDED_EARLIER
                : AwsErrors.classify(context.exception()).name().toLowerCase());
    }

    private void record(ExecutionAttributes attributes, String outcome) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Counter.builder(METRIC)
                .description("AWS API calls made by the operator")
                .tag("service", service)
                .tag("operation", operation)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        List<String> calls = CURRENT.get();
        if (calls != null) {
            calls.add(service + ":" + operation);
        }
    }

    /** True for calls that only read: the steady state of a converged resource must make no other. */
    public static boolean isReadOnly(String call) {
        String op = call.substring(call.indexOf(':') + 1);
        return op.startsWith("Get") || op.startsWith("Describe") || op.startsWith("List") || op.startsWith("Head");
    }
}
