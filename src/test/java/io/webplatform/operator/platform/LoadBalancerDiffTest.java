package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.IpAddressType;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerStateEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The load balancer's diff, on values built by hand: cross-zone, deletion protection, security groups and subnets. */
class LoadBalancerDiffTest {
    private final LoadBalancer loadBalancer = new LoadBalancer();

    static final LoadBalancer.Desired DESIRED = new LoadBalancer.Desired("demo-shop-abc123-nlb", LoadBalancerTypeEnum.NETWORK,
            LoadBalancerSchemeEnum.INTERNET_FACING, IpAddressType.IPV4, List.of("subnet-a", "subnet-b"), List.of("sg-lb"), true, true, "flow-logs",
            Map.of("Name", "demo-shop-abc123-nlb"));

    static LoadBalancer.State actual(List<String> groups, Set<String> subnets, boolean crossZone) {
        return new LoadBalancer.State("arn:lb", "lb.example", LoadBalancerStateEnum.ACTIVE, groups, subnets, crossZone, true, "flow-logs/");
    }

    @Test
    void aLoadBalancerAsWantedNeedsNothing() {
        // AWS lists the zones in its own order.
        assertThat(loadBalancer.diff(actual(List.of("sg-lb"), Set.of("subnet-b", "subnet-a"), true), DESIRED)).isEmpty();
    }

    @Test
    void crossZoneTurnedOffIsTurnedOn() {
        assertThat(loadBalancer.diff(actual(List.of("sg-lb"), Set.of("subnet-a", "subnet-b"), false), DESIRED))
                .containsExactly(Change.described("crossZone", false, true, "cross-zone load balancing turned on"));
    }

    @Test
    void deletionProtectionTurnedOffIsTurnedOnAndOffWhenTheSpecSaysSo() {
        var unprotected = new LoadBalancer.State("arn:lb", "lb.example", LoadBalancerStateEnum.ACTIVE, List.of("sg-lb"),
                Set.of("subnet-a", "subnet-b"), true, false, "flow-logs/");
        assertThat(loadBalancer.diff(unprotected, DESIRED))
                .containsExactly(Change.described("deletionProtection", false, true, "deletion protection turned on"));
        var optedOut = new LoadBalancer.Desired(DESIRED.name(), DESIRED.type(), DESIRED.scheme(), DESIRED.ipAddressType(), DESIRED.subnets(),
                DESIRED.securityGroups(), true, false, "flow-logs", DESIRED.tags());
        assertThat(loadBalancer.diff(unprotected, optedOut)).isEmpty();
        assertThat(loadBalancer.diff(actual(List.of("sg-lb"), Set.of("subnet-a", "subnet-b"), true), optedOut))
                .containsExactly(Change.described("deletionProtection", true, false, "deletion protection turned off"));
    }

    @Test
    void accessLogsGoToTheFlowLogBucketWithoutPrefixAndOffWhenTheSpecSaysSo() {
        var off = new LoadBalancer.State("arn:lb", "lb.example", LoadBalancerStateEnum.ACTIVE, List.of("sg-lb"), Set.of("subnet-a", "subnet-b"),
                true, true, null);
        assertThat(loadBalancer.diff(off, DESIRED)).containsExactly(Change.described("accessLogs", "off", "flow-logs/", "access logs to s3://flow-logs/"));
        var elsewhere = new LoadBalancer.State("arn:lb", "lb.example", LoadBalancerStateEnum.ACTIVE, List.of("sg-lb"), Set.of("subnet-a", "subnet-b"),
                true, true, "other/prefix");
        assertThat(loadBalancer.diff(elsewhere, DESIRED)).extracting(Change::field).containsExactly("accessLogs");
        var optedOut = new LoadBalancer.Desired(DESIRED.name(), DESIRED.type(), DESIRED.scheme(), DESIRED.ipAddressType(), DESIRED.subnets(),
                DESIRED.securityGroups(), true, true, null, DESIRED.tags());
        assertThat(loadBalancer.diff(off, optedOut)).isEmpty();
        assertThat(loadBalancer.diff(actual(List.of("sg-lb"), Set.of("subnet-a", "subnet-b"), true), optedOut))
                .containsExactly(Change.described("accessLogs", "flow-logs/", "off", "access logs turned off"));
    }

    @Test
    void anAddedSecurityGroupIsTakenAway() {
        assertThat(loadBalancer.diff(actual(List.of("sg-lb", "sg-open"), Set.of("subnet-a", "subnet-b"), true), DESIRED))
                .containsExactly(Change.described("securityGroups", List.of("sg-lb", "sg-open"), List.of("sg-lb"), "security groups set back to sg-lb"));
    }

    @Test
    void aSubnetSwappedIsPutBack() {
        assertThat(loadBalancer.diff(actual(List.of("sg-lb"), Set.of("subnet-a", "subnet-x"), true), DESIRED))
                .containsExactly(Change.described("subnets", List.of("subnet-a", "subnet-x"), List.of("subnet-a", "subnet-b"),
                        "subnets set back to the public subnets"));
    }

    @Test
    void everyDriftIsOneChange() {
        assertThat(loadBalancer.diff(actual(List.of(), Set.of("subnet-a"), false), DESIRED)).extracting(Change::field)
                .containsExactly("crossZone", "securityGroups", "subnets");
    }
}
