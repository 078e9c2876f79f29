package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The TCP target group the listener forwards to: instance targets, an HTTP health check of the
 * app's "/" on the traffic port, and a short deregistration delay so a replaced instance leaves fast.
 * Targets are registered with an explicit port, so changing the app port needs no new target group.
 */
public class TargetGroup extends RepairingComponent<PlatformScope> {
    public static final String NAME = "TargetGroup";
    static final String DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds";
    static final String DEREGISTRATION_SECONDS = "30";
    static final String HEALTH_PATH = "/";
    static final int HEALTH_INTERVAL_SECONDS = 10;
    static final int HEALTHY_THRESHOLD = 3;
    static final int UNHEALTHY_THRESHOLD = 3;

    public record State(software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup group, Map<String, String> attributes) {
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup group;
        try {
            group = scope.elbv2().describeTargetGroups(r -> r.names(LoadBalancerNames.targetGroup(scope))).targetGroups().get(0);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        Map<String, String> attributes = scope.elbv2().describeTargetGroupAttributes(r -> r.targetGroupArn(group.targetGroupArn()))
                .attributes().stream().collect(Collectors.toMap(TargetGroupAttribute::key, a -> a.value() == null ? "" : a.value(), (a, b) -> a));
        return Observed.ready(group.targetGroupArn(), new State(group, attributes));
    }

    @Override
    public void create(PlatformScope scope) {
        String name = LoadBalancerNames.targetGroup(scope);
        scope.elbv2().createTargetGroup(r -> r.name(name)
                .protocol(ProtocolEnum.TCP)
                .port(scope.spec().app.port)
                .vpcId(scope.idOf(Vpc.NAME))
                .targetType(TargetTypeEnum.INSTANCE)
                .healthCheckProtocol(ProtocolEnum.HTTP)
                .healthCheckPath(HEALTH_PATH)
                .healthCheckPort("traffic-port")
                .healthCheckIntervalSeconds(HEALTH_INTERVAL_SECONDS)
                .healthyThresholdCount(HEALTHY_THRESHOLD)
                .unhealthyThresholdCount(UNHEALTHY_THRESHOLD)
                .tags(LoadBalancer.tags(scope, NAME, name)));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        var group = state.group();
        List<String> changes = new ArrayList<>();
        if (group.healthCheckProtocol() != ProtocolEnum.HTTP || !HEALTH_PATH.equals(group.healthCheckPath())
                || !"traffic-port".equals(group.healthCheckPort())
                || !Integer.valueOf(HEALTH_INTERVAL_SECONDS).equals(group.healthCheckIntervalSeconds())
                || !Integer.valueOf(HEALTHY_THRESHOLD).equals(group.healthyThresholdCount())
                || !Integer.valueOf(UNHEALTHY_THRESHOLD).equals(group.unhealthyThresholdCount())) {
            scope.elbv2().modifyTargetGroup(r -> r.targetGroupArn(group.targetGroupArn())
                    .healthCheckProtocol(ProtocolEnum.HTTP)
                    .healthCheckPath(HEALTH_PATH)
                    .healthCheckPort("traffic-port")
                    .healthCheckIntervalSeconds(HEALTH_INTERVAL_SECONDS)
                    .healthyThresholdCount(HEALTHY_THRESHOLD)
                    .unhealthyThresholdCount(UNHEALTHY_THRESHOLD));
            changes.add("health check set back to HTTP " + HEALTH_PATH + " every " + HEALTH_INTERVAL_SECONDS + " s");
        }
        if (!DEREGISTRATION_SECONDS.equals(state.attributes().get(DEREGISTRATION_DELAY))) {
            scope.elbv2().modifyTargetGroupAttributes(r -> r.targetGroupArn(group.targetGroupArn())
                    .attributes(TargetGroupAttribute.builder().key(DEREGISTRATION_DELAY).value(DEREGISTRATION_SECONDS).build()));
            changes.add("deregistration delay set to " + DEREGISTRATION_SECONDS + " s");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        try {
            scope.elbv2().deleteTargetGroup(r -> r.targetGroupArn(current.id()));
            return true;
        } catch (RuntimeException e) {
            if ("ResourceInUse".equals(AwsErrors.errorCode(e))) {
                throw new StillWorking("target group " + current.id() + " is still used by a listener being deleted");
            }
            throw e;
        }
    }

    public static String arn(PlatformScope scope) {
        return scope.idOf(NAME);
    }
}
