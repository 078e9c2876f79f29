package io.webplatform.operator.platform;

import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TrafficType;

import java.util.List;

/**
 * VPC flow logs of REJECTED traffic, delivered to the S3 bucket of a SecureBucket. A flow log cannot
 * be changed in place: one pointing elsewhere or recording other traffic is replaced.
 */
public class FlowLog extends RepairingComponent<PlatformScope> {
    public static final String NAME = "FlowLog";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        return scope.ec2().describeFlowLogs(r -> r.filter(scope.ownedBy(NAME))).flowLogs().stream()
                .filter(f -> scope.owns(f.tags(), NAME))
                .findFirst()
                .map(f -> Observed.<Object>ready(f.flowLogId(), f))
                .orElse(null);
    }

    @Override
    public void create(PlatformScope scope) {
        var response = scope.ec2().createFlowLogs(r -> r
                .resourceIds(scope.idOf(Vpc.NAME))
                .resourceType(FlowLogsResourceType.VPC)
                .trafficType(TrafficType.REJECT)
                .logDestinationType(LogDestinationType.S3)
                // The bucket's ARN without a key prefix: AWS writes under AWSLogs/<account>/vpcflowlogs/.
                .logDestination(scope.flowLogBucketArn())
                .maxAggregationInterval(600)
                .clientToken(scope.clientToken(NAME, scope.idOf(Vpc.NAME), scope.flowLogBucketArn()))
                .tagSpecifications(scope.tagSpec(ResourceType.VPC_FLOW_LOG, NAME, null)));
        if (!response.unsuccessful().isEmpty()) {
            var error = response.unsuccessful().get(0).error();
            throw new UserError("FlowLogRejected", "AWS refused the flow log to " + scope.flowLogBucketArn() + ": "
                    + error.code() + ": " + error.message());
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        var flowLog = current.detail(software.amazon.awssdk.services.ec2.model.FlowLog.class);
        boolean right = flowLog.trafficType() == TrafficType.REJECT
                && flowLog.logDestinationType() == LogDestinationType.S3
                && scope.flowLogBucketArn().equals(flowLog.logDestination())
                && scope.idOf(Vpc.NAME).equals(flowLog.resourceId());
        if (right) {
            return List.of();
        }
        scope.ec2().deleteFlowLogs(r -> r.flowLogIds(current.id()));
        create(scope);
        return List.of("flow log replaced: REJECT traffic to " + scope.flowLogBucketArn());
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        Ec2Deletion.delete("flow log " + current.id(), () -> scope.ec2().deleteFlowLogs(r -> r.flowLogIds(current.id())));
        return true;
    }
}
