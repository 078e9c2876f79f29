package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.AvailabilityZone;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.IpAddressType;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerStateEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The internet-facing Network Load Balancer in both public subnets, behind the lb security group,
 * with cross-zone load balancing on (a zone that loses its instance still serves through the other).
 */
public class LoadBalancer extends RepairingComponent<PlatformScope> {
    public static final String NAME = "LoadBalancer";
    static final String CROSS_ZONE = "load_balancing.cross_zone.enabled";

    /** The load balancer and its cross-zone attribute, as read in this pass. */
    public record State(software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer lb, boolean crossZone) {
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer lb;
        try {
            lb = scope.elbv2().describeLoadBalancers(r -> r.names(LoadBalancerNames.loadBalancer(scope))).loadBalancers().get(0);
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
        boolean crossZone = scope.elbv2().describeLoadBalancerAttributes(r -> r.loadBalancerArn(lb.loadBalancerArn())).attributes()
                .stream().anyMatch(a -> CROSS_ZONE.equals(a.key()) && "true".equals(a.value()));
        State state = new State(lb, crossZone);
        if (lb.state().code() == LoadBalancerStateEnum.ACTIVE) {
            return Observed.ready(lb.loadBalancerArn(), state);
        }
        return Observed.pending(lb.loadBalancerArn(), "load balancer " + lb.state().codeAsString(), state);
    }

    @Override
    public void create(PlatformScope scope) {
        String name = LoadBalancerNames.loadBalancer(scope);
        // CreateLoadBalancer is idempotent by name: a retry with the same settings returns the same one.
        scope.elbv2().createLoadBalancer(r -> r.name(name)
                .type(LoadBalancerTypeEnum.NETWORK)
                .scheme(LoadBalancerSchemeEnum.INTERNET_FACING)
                .ipAddressType(IpAddressType.IPV4)
                .subnets(publicSubnets(scope))
                .securityGroups(SecurityGroups.groupId(scope, "lb"))
                .tags(tags(scope, NAME, name)));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        List<String> changes = new ArrayList<>();
        String arn = state.lb().loadBalancerArn();
        if (!state.crossZone()) {
            scope.elbv2().modifyLoadBalancerAttributes(r -> r.loadBalancerArn(arn)
                    .attributes(LoadBalancerAttribute.builder().key(CROSS_ZONE).value("true").build()));
            changes.add("cross-zone load balancing turned on");
        }
        String lbGroup = SecurityGroups.groupId(scope, "lb");
        if (!state.lb().securityGroups().equals(List.of(lbGroup))) {
            scope.elbv2().setSecurityGroups(r -> r.loadBalancerArn(arn).securityGroups(lbGroup));
            changes.add("security groups set back to " + lbGroup);
        }
        Set<String> subnets = state.lb().availabilityZones().stream().map(AvailabilityZone::subnetId).collect(Collectors.toSet());
        if (!subnets.equals(Set.copyOf(publicSubnets(scope)))) {
            scope.elbv2().setSubnets(r -> r.loadBalancerArn(arn).subnets(publicSubnets(scope)));
            changes.add("subnets set back to the public subnets");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        scope.elbv2().deleteLoadBalancer(r -> r.loadBalancerArn(current.id()));
        // Its network interfaces linger a little; the subnets' deletion retries until they are gone.
        return true;
    }

    static List<String> publicSubnets(PlatformScope scope) {
        return List.of(Subnets.subnetId(scope, "public-0"), Subnets.subnetId(scope, "public-1"));
    }

    static List<Tag> tags(PlatformScope scope, String component, String name) {
        return scope.tags(component, name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    /** The load balancer's ARN by its name, or null when it does not exist. */
    static String findArn(PlatformScope scope) {
        try {
            return scope.elbv2().describeLoadBalancers(r -> r.names(LoadBalancerNames.loadBalancer(scope))).loadBalancers().get(0).loadBalancerArn();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    public static software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer of(PlatformScope scope) {
        return scope.observed(NAME).detail(State.class).lb();
    }
}
