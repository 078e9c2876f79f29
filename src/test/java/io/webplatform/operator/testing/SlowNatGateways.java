package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.DescribeNatGatewaysResponse;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SDK seam that makes NAT gateways take time, as on AWS (the emulator makes them available and
 * deleted at once): the next N descriptions report available gateways as pending and deleted ones
 * as deleting.
 */
public class SlowNatGateways implements ExecutionInterceptor {
    private final AtomicInteger pendingReads = new AtomicInteger();
    private final AtomicInteger deletingReads = new AtomicInteger();

    public void pendingFor(int reads) {
        pendingReads.set(reads);
    }

    public void deletingFor(int reads) {
        deletingReads.set(reads);
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeNatGatewaysResponse response)) {
            return context.response();
        }
        boolean pending = pendingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean deleting = deletingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (!pending && !deleting) {
            return response;
        }
        return response.toBuilder().natGateways(response.natGateways().stream().map(n -> {
            if (pending && n.state() == NatGatewayState.AVAILABLE) {
                return n.toBuilder().state(NatGatewayState.PENDING).build();
            }
            if (deleting && n.state() == NatGatewayState.DELETED) {
                return n.toBuilder().state(NatGatewayState.DELETING).build();
            }
            return n;
        }).toList()).build();
    }
}
