package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.UncheckedIOException;
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
 * sent (afterTransmission), before the operator's own RetriedCalls interceptor (AwsClients adds that one
 * last), so the operator sees exactly what a lost answer looks like.
 */
public class LoseAnswers implements ExecutionInterceptor {
    private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("test.loseAnswers.attempt");
    private final List<Loss> losses = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

    /** Lost answers of one operation. */
    public final class Loss {
        private final String operation;
        private volatile Predicate<SdkRequest> matching = request -> true;
        private final AtomicInteger remaining = new AtomicInteger(1);
        private final AtomicInteger lost = new AtomicInteger();

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

        /** How many answers it lost. */
        public int lost() {
            return lost.get();
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
                throw new UncheckedIOException(new SocketTimeoutException("Read timed out (answer lost by the LoseAnswers test seam)"));
            }
        }
    }
}
