package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.MasterUserSecret;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceToPointInTimeRequest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An SDK seam that plays AWS where the emulator differs: an instance made by a restore keeps the
 * password of its source and has no RDS-managed master secret (the RDS guide lists create, modify and
 * restore from S3 as the ways to get one) until ModifyDBInstance turns ManageMasterUserPassword on.
 * The emulator copies the secret over at once.
 */
public class RestoresWithoutManagedPassword implements ExecutionInterceptor {
    private final Set<String> withoutSecret = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof RestoreDbInstanceFromDbSnapshotRequest r) {
            withoutSecret.add(r.dbInstanceIdentifier());
        } else if (context.request() instanceof RestoreDbInstanceToPointInTimeRequest r) {
            withoutSecret.add(r.targetDBInstanceIdentifier());
        } else if (context.request() instanceof ModifyDbInstanceRequest r && Boolean.TRUE.equals(r.manageMasterUserPassword())) {
            withoutSecret.remove(r.dbInstanceIdentifier());
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeDbInstancesResponse response)
                || response.dbInstances().stream().noneMatch(d -> withoutSecret.contains(d.dbInstanceIdentifier()))) {
            return context.response();
        }
        return response.toBuilder().dbInstances(response.dbInstances().stream()
                .map(d -> withoutSecret.contains(d.dbInstanceIdentifier()) ? d.toBuilder().masterUserSecret((MasterUserSecret) null).build() : d)
                .toList()).build();
    }
}
