package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SDK seam that keeps every request made while it records, as the operator built it: for
 * asserting what AWS is asked where the emulator ignores or refuses a parameter AWS honours (moto
 * drops the certificate of a TLS listener's ModifyListener and refuses Protocol TLS there). Idle
 * until started.
 */
public class RecordedRequests implements ExecutionInterceptor {
    private final List<SdkRequest> requests = new CopyOnWriteArrayList<>();
    private volatile boolean recording;

    /** Forgets what was recorded and records from now on. */
    public void start() {
        requests.clear();
        recording = true;
    }

    /** Stops recording; returns the requests of that type made since start(), in order. */
    public <T extends SdkRequest> List<T> stop(Class<T> type) {
        recording = false;
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (recording) {
            requests.add(context.request());
        }
    }
}
