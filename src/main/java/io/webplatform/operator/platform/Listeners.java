package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One TCP listener per spec port (80 by default) on the load balancer, forwarding to the target group. */
public class Listeners implements Component<PlatformScope> {
    public static final String NAME = "Listeners";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> dependsOn() {
        return List.of(LoadBalancer.NAME, TargetGroup.NAME);
    }

    @Override
    public Observed observe(PlatformScope scope) {
        // While deleting, the load balancer is observed after its listeners: find it by name.
        String lbArn = scope.observed(LoadBalancer.NAME) != null ? scope.idOf(LoadBalancer.NAME) : LoadBalancer.findArn(scope);
        if (lbArn == null) {
            return null;
        }
        Map<Integer, Listener> byPort = new LinkedHashMap<>();
        scope.elbv2().describeListeners(r -> r.loadBalancerArn(lbArn)).listeners()
                .forEach(l -> byPort.putIfAbsent(l.port(), l));
        if (byPort.isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", byPort.values().stream().map(Listener::listenerArn).toList()), byPort);
    }

    @Override
    public void create(PlatformScope scope) {
        scope.spec().loadBalancer.ports.forEach(port -> createListener(scope, port));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> repair(PlatformScope scope, Observed current) {
        Map<Integer, Listener> byPort = current.detail(Map.class);
        String targetGroup = TargetGroup.arn(scope);
        List<String> changes = new ArrayList<>();
        for (Integer port : scope.spec().loadBalancer.ports) {
            Listener listener = byPort.get(port);
            if (listener == null) {
                createListener(scope, port);
                changes.add("listener on port " + port + " created");
            } else if (listener.protocol() != ProtocolEnum.TCP || !forwardsOnlyTo(listener, targetGroup)) {
                scope.elbv2().modifyListener(r -> r.listenerArn(listener.listenerArn()).protocol(ProtocolEnum.TCP).port(port)
                        .defaultActions(forward(targetGroup)));
                changes.add("listener on port " + port + " set back to TCP, forwarding to the target group");
            }
        }
        for (var entry : byPort.entrySet()) {
            if (!scope.spec().loadBalancer.ports.contains(entry.getKey())) {
                scope.elbv2().deleteListener(r -> r.listenerArn(entry.getValue().listenerArn()));
                changes.add("listener on port " + entry.getKey() + " deleted: not in the spec");
            }
        }
        return changes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean delete(PlatformScope scope, Observed current) {
        Map<Integer, Listener> byPort = current.detail(Map.class);
        byPort.values().forEach(l -> scope.elbv2().deleteListener(r -> r.listenerArn(l.listenerArn())));
        return true;
    }

    private static void createListener(PlatformScope scope, int port) {
        scope.elbv2().createListener(r -> r.loadBalancerArn(scope.idOf(LoadBalancer.NAME)).protocol(ProtocolEnum.TCP).port(port)
                .defaultActions(forward(TargetGroup.arn(scope)))
                .tags(LoadBalancer.tags(scope, NAME, LoadBalancerNames.loadBalancer(scope) + "-" + port)));
    }

    private static boolean forwardsOnlyTo(Listener listener, String targetGroupArn) {
        return listener.defaultActions().size() == 1 && listener.defaultActions().get(0).type() == ActionTypeEnum.FORWARD
                && targetGroupArn.equals(listener.defaultActions().get(0).targetGroupArn());
    }

    private static Action forward(String targetGroupArn) {
        return Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroupArn).build();
    }
}
