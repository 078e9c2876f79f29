package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.TrafficType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * VPC flow logs of REJECTED traffic, delivered to the S3 bucket of a SecureBucket. A flow log cannot
 * be changed in place: one pointing elsewhere or recording other traffic is replaced.
 */
public class FlowLog implements Component<PlatformScope, FlowLog.Desired, software.amazon.awssdk.services.ec2.model.FlowLog> {
    public static final String NAME = "FlowLog";

    /**
     * The flow log as CreateFlowLogs makes it. The destination is the bucket's ARN without a key prefix:
     * AWS writes under AWSLogs/account/vpcflowlogs/. The client token differs for another VPC or
     * bucket, so a replacement is not answered with the flow log it replaces.
     */
    public record Desired(String vpcId, TrafficType trafficType, LogDestinationType destinationType, String destination,
                          int maxAggregationIntervalSeconds, String clientToken, TagSpecification tags) {
        String describe() {
            return trafficType + " traffic to " + destination;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String vpcId = scope.idOf(Vpc.NAME);
        return new Desired(vpcId, TrafficType.REJECT, LogDestinationType.S3, scope.flowLogBucketArn(), 600,
                scope.clientToken(NAME, vpcId, scope.flowLogBucketArn()), scope.tagSpec(ResourceType.VPC_FLOW_LOG, NAME, null));
    }

    @Override
    public Observed<software.amazon.awssdk.services.ec2.model.FlowLog> observe(PlatformScope scope) {
        return scope.described(PlatformListings.FLOW_LOGS, software.amazon.awssdk.services.ec2.model.FlowLog.class,
                        () -> scope.ec2().describeFlowLogs(r -> r.filter(scope.ownedBy(NAME))).flowLogs()).stream()
                .filter(f -> scope.owns(f.tags(), NAME))
                .findFirst()
                .map(f -> Observed.ready(f.flowLogId(), f))
                .orElse(null);
    }

    /** Each setting that differs; any one of them means a replacement (the aggregation interval is not compared). */
    @Override
    public List<Change> diff(software.amazon.awssdk.services.ec2.model.FlowLog actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        compare(changes, "trafficType", actual.trafficTypeAsString(), desired.trafficType().toString(), desired);
        compare(changes, "logDestinationType", actual.logDestinationTypeAsString(), desired.destinationType().toString(), desired);
        compare(changes, "logDestination", actual.logDestination(), desired.destination(), desired);
        compare(changes, "resourceId", actual.resourceId(), desired.vpcId(), desired);
        return changes;
    }

    private static void compare(List<Change> changes, String field, String actual, String wanted, Desired desired) {
        if (!Objects.equals(actual, wanted)) {
            changes.add(Change.described(field, actual, wanted, "flow log replaced: " + desired.describe()
                    + ("logDestination".equals(field) ? "" : " (" + field + " was " + actual + ")")));
        }
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        var response = scope.ec2().createFlowLogs(r -> r
                .resourceIds(desired.vpcId())
                .resourceType(FlowLogsResourceType.VPC)
                .trafficType(desired.trafficType())
                .logDestinationType(desired.destinationType())
                .logDestination(desired.destination())
                .maxAggregationInterval(desired.maxAggregationIntervalSeconds())
                .clientToken(desired.clientToken())
                .tagSpecifications(desired.tags()));
        if (!response.unsuccessful().isEmpty()) {
            var error = response.unsuccessful().get(0).error();
            throw new UserError("FlowLogRejected", "AWS refused the flow log to " + desired.destination() + ": "
                    + error.code() + ": " + error.message());
        }
    }

    /** Whatever differs, the flow log is replaced once. */
    @Override
    public void apply(PlatformScope scope, Observed<software.amazon.awssdk.services.ec2.model.FlowLog> current, Desired desired,
                      List<Change> changes) {
        scope.ec2().deleteFlowLogs(r -> r.flowLogIds(current.id()));
        create(scope, desired);
        // Status and findings read the new flow log, not the one just replaced.
        Observed<software.amazon.awssdk.services.ec2.model.FlowLog> now = observe(scope);
        if (now != null) {
            scope.record(NAME, now);
        }
    }

    /** The flow log as CreateFlowLogs sends it, but for the client token: CloudFormation keeps its own idempotency. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> flowLog = new LinkedHashMap<>();
        flowLog.put("ResourceId", desired.vpcId());
        flowLog.put("ResourceType", FlowLogsResourceType.VPC.toString());
        flowLog.put("TrafficType", desired.trafficType().toString());
        flowLog.put("LogDestinationType", desired.destinationType().toString());
        flowLog.put("LogDestination", desired.destination());
        flowLog.put("MaxAggregationInterval", desired.maxAggregationIntervalSeconds());
        Map<String, String> tags = new LinkedHashMap<>();
        desired.tags().tags().forEach(t -> tags.put(t.key(), t.value()));
        flowLog.put("Tags", CfnResource.tags(tags));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::EC2::FlowLog", flowLog));
    }

    /** Ref of an AWS::EC2::FlowLog is the flow log id. */
    @Override
    public Observed<software.amazon.awssdk.services.ec2.model.FlowLog> planned(PlatformScope scope, Desired desired) {
        String id = CfnResource.ref(CfnResource.logicalId(NAME));
        return Observed.ready(id, software.amazon.awssdk.services.ec2.model.FlowLog.builder().flowLogId(id).resourceId(desired.vpcId())
                .trafficType(desired.trafficType()).logDestinationType(desired.destinationType()).logDestination(desired.destination())
                .maxAggregationInterval(desired.maxAggregationIntervalSeconds()).tags(desired.tags().tags()).build());
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<software.amazon.awssdk.services.ec2.model.FlowLog> current) {
        DeleteFailures.call("flow log " + current.id(), () -> scope.ec2().deleteFlowLogs(r -> r.flowLogIds(current.id())));
        return true;
    }
}
