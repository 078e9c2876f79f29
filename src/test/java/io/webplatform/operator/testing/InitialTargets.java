package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.DescribeTargetHealthResponse;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An SDK seam for target health, which the emulator always reports healthy: a chosen target is
 * "initial" (health checks not passed yet) for its next N health reads, or "unhealthy" until released.
 */
public class InitialTargets implements ExecutionInterceptor {
    private final Map<String, Integer> initialReads = new ConcurrentHashMap<>();
    private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
    private volatile boolean newTargetsStartInitial;
    private volatile int newTargetReads;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Every target not seen before is initial for its first N health reads. */
    public void newTargetsInitialFor(int reads) {
        newTargetReads = reads;
        newTargetsStartInitial = reads > 0;
    }

    public void unhealthy(String instanceId, boolean on) {
        if (on) {
            unhealthy.add(instanceId);
        } else {
            unhealthy.remove(instanceId);
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeTargetHealthResponse response)) {
            return context.response();
        }
        return response.toBuilder().targetHealthDescriptions(response.targetHealthDescriptions().stream().map(this::adjust).toList()).build();
    }

    private TargetHealthDescription adjust(TargetHealthDescription t) {
        String id = t.target().id();
        if (t.targetHealth().state() != TargetHealthStateEnum.HEALTHY) {
            return t;
        }
        if (seen.add(id) && newTargetsStartInitial) {
            initialReads.put(id, newTargetReads);
        }
        if (unhealthy.contains(id)) {
            return with(t, TargetHealthStateEnum.UNHEALTHY, "Target.FailedHealthChecks");
        }
        Integer left = initialReads.get(id);
        if (left == null) {
            return t;
        }
        if (left <= 1) {
            initialReads.remove(id);
        } else {
            initialReads.put(id, left - 1);
        }
        return with(t, TargetHealthStateEnum.INITIAL, "Elb.RegistrationInProgress");
    }

    private static TargetHealthDescription with(TargetHealthDescription t, TargetHealthStateEnum state, String reason) {
        return t.toBuilder().targetHealth(h -> h.state(state).reason(reason)).build();
    }
}
