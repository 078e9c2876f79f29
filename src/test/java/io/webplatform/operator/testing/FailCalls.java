package io.webplatform.operator.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An SDK seam that answers chosen operations with an AWS error (as AWS would after the SDK's own
 * retries gave up), to exercise throttling, 5xx and permission paths the emulator never produces.
 */
public class FailCalls implements ExecutionInterceptor {
    private final Map<String, AwsServiceException> failures = new ConcurrentHashMap<>();

    public void fail(String operation, String errorCode, int httpStatus) {
        failures.put(operation, (AwsServiceException) AwsServiceException.builder().statusCode(httpStatus)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode)
                        .errorMessage("injected " + errorCode + " for " + operation).build())
                .build());
    }

    public void clear() {
        failures.clear();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        AwsServiceException e = failures.get(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        if (e != null) {
            throw e;
        }
    }
}
