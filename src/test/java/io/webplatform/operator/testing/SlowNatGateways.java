package io.webplatform.operator.testing;

import io.webplatform.operator.aws.Ownership;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.model.DescribeNatGatewaysResponse;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SDK seam that makes NAT gateways take time, as on AWS (the emulator makes them available and
 * deleted at once): the next N descriptions that include gateways of the chosen owner (tag
 * webplatform.io/owner, e.g. "WebPlatform/ns/name"; null for any) report available ones as pending
 * and deleted ones as deleting.
 */
public class SlowNatGateways implements ExecutionInterceptor {
    private final AtomicInteger pendingReads = new AtomicInteger();
    private final AtomicInteger deletingReads = new AtomicInteger();
    private volatile String owner;

    public void pendingFor(String owner, int reads) {
        this.owner = owner;
        pendingReads.set(reads);
    }

    public void deletingFor(String owner, int reads) {
        this.owner = owner;
        deletingReads.set(reads);
    }

    private boolean chosen(NatGateway n) {
        return owner == null || n.tags().stream().anyMatch(t -> t.key().equals(Ownership.OWNER) && t.value().equals(owner));
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeNatGatewaysResponse response)
                || response.natGateways().stream().noneMatch(this::chosen)) {
            return context.response();
        }
        boolean pending = pendingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean deleting = deletingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        if (!pending && !deleting) {
            return response;
        }
        return response.toBuilder().natGateways(response.natGateways().stream().map(n -> {
            if (pending && chosen(n) && n.state() == NatGatewayState.AVAILABLE) {
                return n.toBuilder().state(NatGatewayState.PENDING).build();
            }
            if (deleting && chosen(n) && n.state() == NatGatewayState.DELETED) {
                return n.toBuilder().state(NatGatewayState.DELETING).build();
            }
            return n;
        }).toList()).build();
    }
}
