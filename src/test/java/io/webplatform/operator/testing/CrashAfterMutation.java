package io.webplatform.operator.testing;

import io.webplatform.operator.aws.ApiCallMetrics;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.ArrayList;
import java.util.List;

/**
 * An SDK seam that lets the Nth mutating call reach AWS and succeed, then kills the pass, like a
 * crash between that call and whatever the operator would have done next. Disarmed by default.
 */
public class CrashAfterMutation implements ExecutionInterceptor {
    private volatile int crashAt = -1;
    private int seen;
    private final List<String> mutations = new ArrayList<>();
    private final List<String> regions = new ArrayList<>();

    public synchronized void arm(int nthMutation) {
        crashAt = nthMutation;
        seen = 0;
        mutations.clear();
        regions.clear();
    }

    public synchronized void disarm() {
        crashAt = -1;
    }

    /** The region of each mutating call seen since the last arm(), in order (the client's, e.g. aws-global for IAM's). */
    public synchronized List<String> regions() {
        return List.copyOf(regions);
    }

    /** The mutating calls seen since the last arm(), in order. */
    public synchronized List<String> mutations() {
        return List.copyOf(mutations);
    }

    @Override
    public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (ApiCallMetrics.isReadOnly(call)) {
            return;
        }
        seen++;
        mutations.add(call);
        regions.add(String.valueOf(attributes.getAttribute(software.amazon.awssdk.awscore.AwsExecutionAttribute.AWS_REGION)));
        if (seen == crashAt) {
            crashAt = -1;
            throw new SimulatedCrash(call);
        }
    }
}
