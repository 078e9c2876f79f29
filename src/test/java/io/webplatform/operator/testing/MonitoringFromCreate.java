package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DeleteDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An SDK seam that plays AWS where the emulator differs: CreateDBInstance turns Enhanced Monitoring on with the
 * MonitoringInterval and MonitoringRoleArn it is given (RDS API reference), and DescribeDBInstances reports them. The
 * emulator ignores both at create (it stores them only from ModifyDBInstance), so the instance is reported with them
 * until a ModifyDBInstance sets monitoring itself (then the emulator's own answer is AWS's).
 */
public class MonitoringFromCreate implements ExecutionInterceptor {
    private final Map<String, CreateDbInstanceRequest> created = new ConcurrentHashMap<>();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof CreateDbInstanceRequest r && r.monitoringInterval() != null && r.monitoringInterval() > 0) {
            created.put(r.dbInstanceIdentifier(), r);
        } else if (context.request() instanceof ModifyDbInstanceRequest r && r.monitoringInterval() != null) {
            created.remove(r.dbInstanceIdentifier());
        } else if (context.request() instanceof DeleteDbInstanceRequest r) {
            created.remove(r.dbInstanceIdentifier());
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.response() instanceof DescribeDbInstancesResponse response)
                || response.dbInstances().stream().noneMatch(d -> created.containsKey(d.dbInstanceIdentifier()))) {
            return context.response();
        }
        return response.toBuilder().dbInstances(response.dbInstances().stream().map(d -> {
            CreateDbInstanceRequest create = created.get(d.dbInstanceIdentifier());
            return create == null ? d : d.toBuilder().monitoringInterval(create.monitoringInterval())
                    .monitoringRoleArn(create.monitoringRoleArn()).build();
        }).toList()).build();
    }
}
