package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The TCP target group the listener forwards to: instance targets, an HTTP health check of the
 * app's "/" on the traffic port, and a short deregistration delay so a replaced instance leaves fast.
 * Targets are registered with an explicit port, so changing the app port needs no new target group
 * (the group's own port is only its default and is not repaired).
 */
public class TargetGroup implements Component<PlatformScope, TargetGroup.Desired, TargetGroup.State> {
    public static final String NAME = "TargetGroup";
    static final String DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds";
    static final String DEREGISTRATION_SECONDS = "30";
    static final String HEALTH_PATH = "/";
    static final String TRAFFIC_PORT = "traffic-port";
    static final int HEALTH_INTERVAL_SECONDS = 10;
    static final int HEALTHY_THRESHOLD = 3;
    static final int UNHEALTHY_THRESHOLD = 3;
    /** The field prefix of every health check change. */
    static final String HEALTH_CHECK = "health check";
    static final String DEREGISTRATION_FIELD = "deregistration delay";

    /** The health check's settings, as CreateTargetGroup and ModifyTargetGroup take them. */
    public record HealthCheck(ProtocolEnum protocol, String path, String port, Integer intervalSeconds, Integer healthyThreshold,
                              Integer unhealthyThreshold) {
        static final HealthCheck APP = new HealthCheck(ProtocolEnum.HTTP, HEALTH_PATH, TRAFFIC_PORT, HEALTH_INTERVAL_SECONDS,
                HEALTHY_THRESHOLD, UNHEALTHY_THRESHOLD);

        static HealthCheck of(software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup group) {
            return new HealthCheck(group.healthCheckProtocol(), group.healthCheckPath(), group.healthCheckPort(),
                    group.healthCheckIntervalSeconds(), group.healthyThresholdCount(), group.unhealthyThresholdCount());
        }

        /** One change per differing setting; all of them are repaired by one ModifyTargetGroup. */
        List<Change> differences(HealthCheck wanted) {
            List<Change> changes = new ArrayList<>();
            differs(changes, "protocol", protocol, wanted.protocol);
            differs(changes, "path", path, wanted.path);
            differs(changes, "port", port, wanted.port);
            differs(changes, "interval", intervalSeconds, wanted.intervalSeconds);
            differs(changes, "healthy threshold", healthyThreshold, wanted.healthyThreshold);
            differs(changes, "unhealthy threshold", unhealthyThreshold, wanted.unhealthyThreshold);
            return changes;
        }

        private static void differs(List<Change> changes, String setting, Object actual, Object wanted) {
            if (!Objects.equals(actual, wanted)) {
                changes.add(Change.of(HEALTH_CHECK + " " + setting, actual, wanted));
            }
        }
    }

    /** The target group as the operator wants it: what CreateTargetGroup sends, and the attribute it cannot. */
    public record Desired(String name, ProtocolEnum protocol, int port, String vpcId, TargetTypeEnum targetType, HealthCheck healthCheck,
                          String deregistrationDelaySeconds, Map<String, String> tags) {
    }

    /** The target group's health check and attributes, as read in this pass. */
    public record State(String arn, HealthCheck healthCheck, Map<String, String> attributes) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        String name = LoadBalancerNames.targetGroup(scope);
        return new Desired(name, ProtocolEnum.TCP, scope.spec().app.port, scope.idOf(Vpc.NAME), TargetTypeEnum.INSTANCE, HealthCheck.APP,
                DEREGISTRATION_SECONDS, scope.tags(NAME, name));
    }

    /** The target group with its health check and deregistration delay; AppInstances adds the targets. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        HealthCheck check = desired.healthCheck();
        Map<String, Object> group = new java.util.LinkedHashMap<>();
        group.put("Name", desired.name());
        group.put("Protocol", desired.protocol().toString());
        group.put("Port", desired.port());
        group.put("VpcId", desired.vpcId());
        group.put("TargetType", desired.targetType().toString());
        group.put("HealthCheckProtocol", check.protocol().toString());
        group.put("HealthCheckPath", check.path());
        group.put("HealthCheckPort", check.port());
        group.put("HealthCheckIntervalSeconds", check.intervalSeconds());
        group.put("HealthyThresholdCount", check.healthyThreshold());
        group.put("UnhealthyThresholdCount", check.unhealthyThreshold());
        group.put("TargetGroupAttributes", List.of(Map.of("Key", DEREGISTRATION_DELAY, "Value", desired.deregistrationDelaySeconds())));
        group.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::ElasticLoadBalancingV2::TargetGroup", group));
    }

    /** Ref of a target group is its ARN. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String arn = CfnResource.ref(CfnResource.logicalId(NAME));
        return Observed.ready(arn, new State(arn, desired.healthCheck(), Map.of(DEREGISTRATION_DELAY, desired.deregistrationDelaySeconds())));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
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
        return Observed.ready(group.targetGroupArn(), new State(group.targetGroupArn(), HealthCheck.of(group), attributes));
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>(actual.healthCheck().differences(desired.healthCheck()));
        String delay = actual.attributes().get(DEREGISTRATION_DELAY);
        if (!desired.deregistrationDelaySeconds().equals(delay)) {
            changes.add(Change.described(DEREGISTRATION_FIELD, delay, desired.deregistrationDelaySeconds(),
                    "deregistration delay set to " + desired.deregistrationDelaySeconds() + " s"));
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        HealthCheck check = desired.healthCheck();
        scope.elbv2().createTargetGroup(r -> r.name(desired.name())
                .protocol(desired.protocol())
                .port(desired.port())
                .vpcId(desired.vpcId())
                .targetType(desired.targetType())
                .healthCheckProtocol(check.protocol())
                .healthCheckPath(check.path())
                .healthCheckPort(check.port())
                .healthCheckIntervalSeconds(check.intervalSeconds())
                .healthyThresholdCount(check.healthyThreshold())
                .unhealthyThresholdCount(check.unhealthyThreshold())
                .tags(LoadBalancer.elbTags(desired.tags())));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        String arn = current.detail().arn();
        if (changes.stream().anyMatch(c -> c.field().startsWith(HEALTH_CHECK))) {
            // The whole health check in one request: its settings are judged together (interval against thresholds).
            HealthCheck check = desired.healthCheck();
            scope.elbv2().modifyTargetGroup(r -> r.targetGroupArn(arn)
                    .healthCheckProtocol(check.protocol())
                    .healthCheckPath(check.path())
                    .healthCheckPort(check.port())
                    .healthCheckIntervalSeconds(check.intervalSeconds())
                    .healthyThresholdCount(check.healthyThreshold())
                    .unhealthyThresholdCount(check.unhealthyThreshold()));
        }
        if (changes.stream().anyMatch(c -> c.field().equals(DEREGISTRATION_FIELD))) {
            scope.elbv2().modifyTargetGroupAttributes(r -> r.targetGroupArn(arn)
                    .attributes(TargetGroupAttribute.builder().key(DEREGISTRATION_DELAY).value(desired.deregistrationDelaySeconds()).build()));
        }
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        // Still used by a listener being deleted: ResourceInUse, TRANSIENT (DeleteFailures).
        DeleteFailures.call("target group " + current.id(), () -> scope.elbv2().deleteTargetGroup(r -> r.targetGroupArn(current.id())));
        return true;
    }

    public static String arn(PlatformScope scope) {
        return scope.idOf(NAME);
    }
}
