package io.webplatform.operator.aws;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

import java.net.ConnectException;
import java.util.Optional;

/**
 * The SDK's own retries of mutating calls, judged by {@link Idempotency}: one place decides which
 * calls the SDK may retry at all ({@link #strategy()}), and recognises the answer to a retry whose
 * first attempt landed ({@link #landedEarlier}). Clients are synchronous: the SDK retries on the
 * calling thread, so the strategy learns the call it judges from this thread.
 */
public final class RetriedCalls implements ExecutionInterceptor {

    /** The IAM action of the call in progress on this thread, for the retry strategy. */
    private static final ThreadLocal<String> CALLING = new ThreadLocal<>();
    private static final ExecutionAttribute<String> OUTER = new ExecutionAttribute<>("webplatform.retried.outer");
    private static final ExecutionAttribute<Integer> ATTEMPTS = new ExecutionAttribute<>("webplatform.retried.attempts");
    /** The last attempt got an HTTP answer below 500: AWS refused it, nothing was made. */
    private static final ExecutionAttribute<Boolean> ANSWERED = new ExecutionAttribute<>("webplatform.retried.answered");
    /** An earlier attempt may have landed: no answer reached the client, or AWS answered 5xx. */
    private static final ExecutionAttribute<Boolean> MAY_HAVE_LANDED = new ExecutionAttribute<>("webplatform.retried.mayHaveLanded");

    /**
     * Added, as a suppressed exception, to AWS's answer to a retry whose first attempt may have landed
     * when that answer (see {@link Idempotency.Rule#meansLanded}) says it did. The answer itself is
     * unchanged, so every check that already knows it (a delete's "already gone") still does.
     */
    public static final class LandedEarlier extends RuntimeException {
        private final String action;
        private final String code;

        public LandedEarlier(String action, String code, int attempts) {
            super(action + ": the first of " + attempts + " attempts landed; the retry was answered " + code, null, false, false);
            this.action = action;
            this.code = code;
        }

        public String action() {
            return action;
        }

        public String code() {
            return code;
        }
    }

    /** The mark on a failure whose call's first attempt did land; empty for any other failure. */
    public static Optional<LandedEarlier> landedEarlier(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            for (Throwable s : e.getSuppressed()) {
                if (s instanceof LandedEarlier landed) {
                    return Optional.of(landed);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(OUTER, CALLING.get());
        attributes.putAttribute(ATTEMPTS, 0);
        attributes.putAttribute(MAY_HAVE_LANDED, false);
        CALLING.set(action(attributes));
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        int attempts = attributes.getAttribute(ATTEMPTS) + 1;
        attributes.putAttribute(ATTEMPTS, attempts);
        if (attempts > 1 && !Boolean.TRUE.equals(attributes.getAttribute(ANSWERED))) {
            attributes.putAttribute(MAY_HAVE_LANDED, true);
        }
        attributes.putAttribute(ANSWERED, false);
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(ANSWERED, context.httpResponse().statusCode() < 500);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        CALLING.set(attributes.getAttribute(OUTER));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        CALLING.set(attributes.getAttribute(OUTER));
        if (!Boolean.TRUE.equals(attributes.getAttribute(MAY_HAVE_LANDED))) {
            return;
        }
        String action = action(attributes);
        String code = AwsErrors.errorCode(context.exception());
        if (Idempotency.of(action).meansLanded(code)) {
            context.exception().addSuppressed(new LandedEarlier(action, code, attributes.getAttribute(ATTEMPTS)));
        }
    }

    private static String action(ExecutionAttributes attributes) {
        return LastCall.iamAction(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    /**
     * ADAPTIVE_V2 (client-side rate limiting: throttling slows the operator), except that a call that
     * must not be retried ({@link Idempotency.Kind#NO_RETRY}) is retried only when the failure proves
     * the attempt made nothing: AWS throttled it, or the connection was refused before it was sent.
     */
    public static RetryStrategy strategy() {
        return new Guarded(AwsRetryStrategy.adaptiveRetryStrategy());
    }

    /** May the SDK try this call again after this failure? */
    static boolean mayRetry(String action, Throwable failure) {
        if (Idempotency.of(action).kind() != Idempotency.Kind.NO_RETRY) {
            return true;
        }
        if (AwsErrors.classify(failure) == AwsErrors.Kind.THROTTLED) {
            return true;
        }
        for (Throwable e = failure; e != null; e = e.getCause()) {
            if (e instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private record Guarded(RetryStrategy delegate) implements RetryStrategy {
        @Override
        public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
            return delegate.acquireInitialToken(request);
        }

        @Override
        public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
            String action = CALLING.get();
            if (!mayRetry(action, request.failure())) {
                throw new TokenAcquisitionFailedException(action + " is not retried after an attempt that may have landed: "
                        + "the next pass finds what it made by its tags", request.token(), request.failure());
            }
            return delegate.refreshRetryToken(request);
        }

        @Override
        public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
            return delegate.recordSuccess(request);
        }

        @Override
        public int maxAttempts() {
            return delegate.maxAttempts();
        }

        @Override
        public boolean useClientDefaults() {
            // Built complete (AWS's conditions included): the client must not rebuild it without the guard.
            return false;
        }

        @Override
        public Builder<?, ?> toBuilder() {
            return delegate.toBuilder();
        }
    }
}
