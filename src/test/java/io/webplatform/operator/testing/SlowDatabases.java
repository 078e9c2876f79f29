package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SDK seam that makes a DB instance take time, as on AWS (the emulator makes it available at
 * once): the next N descriptions of instances whose identifier contains the chosen text report
 * "creating" and no endpoint yet.
 */
public class SlowDatabases implements ExecutionInterceptor {
    private final AtomicInteger creatingReads = new AtomicInteger();
    private volatile String idContains = "";

    public void creatingFor(String idContains, int reads) {
        this.idContains = idContains;
        creatingReads.set(reads);
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeDbInstancesResponse response)
                || response.dbInstances().stream().noneMatch(d -> d.dbInstanceIdentifier().contains(idContains))
                || creatingReads.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            return context.response();
        }
        return response.toBuilder().dbInstances(response.dbInstances().stream()
                .map(d -> d.dbInstanceIdentifier().contains(idContains) ? d.toBuilder().dbInstanceStatus("creating").endpoint((software.amazon.awssdk.services.rds.model.Endpoint) null).build() : d)
                .toList()).build();
    }
}
