package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.ArrayList;
import java.util.List;

/**
 * An SDK seam that keeps the requests the operator sends, as typed SDK values, so a test can assert
 * what AWS would receive: a parameter an API does not take is refused by AWS even where the emulator
 * lets it through. Idle until started, so it holds only what one test asked for.
 */
public class RecordRequests implements ExecutionInterceptor {
    private final List<SdkRequest> requests = new ArrayList<>();
    private boolean recording;

    /** Forgets what was recorded and records from now on. */
    public synchronized void start() {
        requests.clear();
        recording = true;
    }

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (recording) {
            requests.add(context.request());
        }
    }

    /** The requests of one type sent so far, oldest first. */
    public synchronized <R extends SdkRequest> List<R> sent(Class<R> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Stops recording and forgets. */
    public synchronized void stop() {
        requests.clear();
        recording = false;
    }
}
