package io.webplatform.operator.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An SDK seam that answers chosen operations with an AWS error (as AWS would after the SDK's own
 * retries gave up), to exercise throttling, 5xx, permission and eventual-consistency paths the
 * emulator never produces. A failure can be limited to the requests it matches and to a number of
 * answers, or kept until released: AWS that refuses for a while, then accepts.
 */
public class FailCalls implements ExecutionInterceptor {
    /** As an operation: every operation (narrow it with {@link Failure#when}), e.g. all calls on a bucket of another account. */
    public static final String EVERY_OPERATION = "*";
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, AtomicInteger> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    /** Counts the calls of one operation that match, refused or not. */
    public static final class Watch {
        private final String operation;
        private final Predicate<SdkRequest> matching;
        private final AtomicInteger count = new AtomicInteger();

        private Watch(String operation, Predicate<SdkRequest> matching) {
            this.operation = operation;
            this.matching = matching;
        }

        public int count() {
            return count.get();
        }
    }

    /** From now on, counts the calls of the operation that the predicate accepts (a resource's own, say). */
    public Watch watch(String operation, Predicate<SdkRequest> requests) {
        Watch watch = new Watch(operation, requests);
        watches.add(watch);
        return watch;
    }

    /** One planned refusal of an operation. */
    public final class Failure {
        private final String operation;
        private final AwsServiceException error;
        private volatile Predicate<SdkRequest> matching = request -> true;
        private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicInteger answered = new AtomicInteger();

        private Failure(String operation, AwsServiceException error) {
            this.operation = operation;
            this.error = error;
        }

        /** Only requests this predicate accepts are refused (the others reach the emulator). */
        public Failure when(Predicate<SdkRequest> requests) {
            this.matching = requests;
            return this;
        }

        /** Refuses this many times, then lets the operation through. */
        public Failure times(int answers) {
            remaining.set(answers);
            return this;
        }

        /** How many requests it refused. */
        public int answered() {
            return answered.get();
        }

        /** From now on the operation succeeds: AWS has caught up. */
        public void release() {
            failures.remove(this);
        }

        private boolean refuses(String calledOperation, SdkRequest request) {
            return (operation.equals(EVERY_OPERATION) || operation.equals(calledOperation)) && matching.test(request)
                    && remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }
    }

    /** Refuses every call of the operation, until {@link #clear()}, with a made-up message. */
    public void fail(String operation, String errorCode, int httpStatus) {
        answer(operation, errorCode, httpStatus, "injected " + errorCode + " for " + operation);
    }

    /** Refuses the operation with AWS's own code, status and message; narrow it with {@link Failure#when}/{@link Failure#times}. */
    public Failure answer(String operation, String errorCode, int httpStatus, String message) {
        Failure failure = new Failure(operation, (AwsServiceException) AwsServiceException.builder().statusCode(httpStatus)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage(message).build())
                .build());
        failures.add(failure);
        return failure;
    }

    public void clear() {
        failures.clear();
        watches.clear();
    }

    /**
     * How many calls of the operation were made through these clients, refused or not (this seam sees
     * every call: it runs before those that would count only the calls it lets through).
     */
    public int seen(String operation) {
        return seen.computeIfAbsent(operation, k -> new AtomicInteger()).get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        seen.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        for (Watch watch : watches) {
            if (watch.operation.equals(operation) && watch.matching.test(context.request())) {
                watch.count.incrementAndGet();
            }
        }
        for (Failure failure : failures) {
            if (failure.refuses(operation, context.request())) {
                failure.answered.incrementAndGet();
                throw failure.error;
            }
        }
    }
}
