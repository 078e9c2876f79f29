package io.webplatform.operator.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An SDK seam that lets the FIRST attempt of a chosen operation reach the emulator and land, then
 * loses its answer: the client sees a read timeout, as when AWS's answer never arrives. The SDK then
 * decides by itself whether to send the call again, and a retry reaches the real emulator, which answers
 * what it answers to a second identical call ("already exists", "duplicate"). Runs after the call was
 * sent (afterTransmission, which the SDK calls in reverse order: before the operator's own RetriedCalls,
 * which AwsClients adds ahead of every seam), so the operator sees exactly what a lost answer looks like.
 */
public class LoseAnswers implements ExecutionInterceptor {
    private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("test.loseAnswers.attempt");
    private static final ExecutionAttribute<Loss> LOST = new ExecutionAttribute<>("test.loseAnswers.lost");
    private final List<Loss> losses = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

    /** Lost answers of one operation. */
    public final class Loss {
        private final String operation;
        private volatile Predicate<SdkRequest> matching = request -> true;
        private final AtomicInteger remaining = new AtomicInteger(1);
        private final AtomicInteger lost = new AtomicInteger();
        private final AtomicInteger retried = new AtomicInteger();
        private volatile AwsServiceException retryAnswer;
        private volatile String answeredToRetry;

        private Loss(String operation) {
            this.operation = operation;
        }

        /** Only the answers to requests this predicate accepts are lost. */
        public Loss when(Predicate<SdkRequest> requests) {
            this.matching = requests;
            return this;
        }

        /** Loses this many first-attempt answers (one by default). */
        public Loss times(int answers) {
            remaining.set(answers);
            return this;
        }

        /**
         * Where the emulator accepts a second identical call that AWS refuses: the SDK's retry is answered with
         * AWS's code here instead of reaching the emulator.
         */
        public Loss retryAnsweredAsAws(String errorCode, int httpStatus, String message) {
            retryAnswer = (AwsServiceException) AwsServiceException.builder().statusCode(httpStatus).message(message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).errorMessage(message).build()).build();
            return this;
        }

        /** How many answers it lost. */
        public int lost() {
            return lost.get();
        }

        /** The error code the last retry after a lost answer was finally answered with; null when it succeeded or was not retried. */
        public String answeredToRetry() {
            return answeredToRetry;
        }

        /** How many times the SDK sent a call again after this seam lost its answer. */
        public int retried() {
            return retried.get();
        }
    }

    /** Loses the answer to the first attempt of the next call of this operation (that lands in AWS). */
    public Loss lose(String operation) {
        Loss loss = new Loss(operation);
        losses.add(loss);
        return loss;
    }

    /** How many attempts of the operation were sent to the emulator (first tries and the SDK's retries). */
    public int sent(String operation) {
        return sent.computeIfAbsent(operation, k -> new AtomicInteger()).get();
    }

    public void clear() {
        losses.clear();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(ATTEMPT, 0);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(ATTEMPT, attributes.getAttribute(ATTEMPT) + 1);
        sent.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicInteger()).incrementAndGet();
        Loss lostHere = attributes.getAttribute(LOST);
        if (lostHere != null) {
            lostHere.retried.incrementAndGet();
            if (lostHere.retryAnswer != null) {
                throw lostHere.retryAnswer;
            }
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        boolean landed = context.httpResponse().isSuccessful();
        if (attributes.getAttribute(ATTEMPT) != 1 || !landed) {
            return;
        }
        for (Loss loss : losses) {
            if (loss.operation.equals(operation) && loss.matching.test(context.request())
                    && loss.remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                loss.lost.incrementAndGet();
                attributes.putAttribute(LOST, loss);
                // What the HTTP client throws when no answer arrives: a checked IOException, which the SDK's retry loop
                // catches as a failed attempt (an unchecked one would escape it).
                throw sneaky(new SocketTimeoutException("Read timed out (answer lost by the LoseAnswers test seam)"));
            }
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Loss lostHere = attributes.getAttribute(LOST);
        if (lostHere != null && lostHere.retried.get() > 0 && context.exception() instanceof AwsServiceException e
                && e.awsErrorDetails() != null) {
            lostHere.answeredToRetry = e.awsErrorDetails().errorCode();
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
