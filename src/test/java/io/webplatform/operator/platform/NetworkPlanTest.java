package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.testing.TestResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkPlanTest {

    @Test
    void carvesTheOriginalSubnetsFromASlash16() {
        assertThat(NetworkPlan.carve("10.0.0.0/16")).containsExactly("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24");
    }

    @Test
    void aListedSubnetOnACarvedOneIsInvalidBeforeAnyCall() {
        WebPlatformSpec.Network network = new WebPlatformSpec.Network();
        network.publicSubnetCidrs = List.of("10.0.2.0/24", "10.0.5.0/24");
        assertThat(WebPlatformValidation.overlappingSubnets(NetworkPlan.of(network, List.of("a", "b"))))
                .singleElement().asString().startsWith("public subnet 10.0.2.0/24 overlaps private subnet 10.0.2.0/24");
        network.publicSubnetCidrs = List.of("10.0.8.0/24", "10.0.9.0/24");
        assertThat(WebPlatformValidation.overlappingSubnets(NetworkPlan.of(network, List.of("a", "b")))).isEmpty();
        assertThat(WebPlatformValidation.overlappingSubnets(NetworkPlan.of(new WebPlatformSpec.Network(), List.of("a", "b")))).isEmpty();
        assertThat(WebPlatformValidation.overlap("10.0.0.0/23", "10.0.1.0/24")).isTrue();
        assertThat(WebPlatformValidation.overlap("10.0.0.0/25", "10.0.0.128/25")).isFalse();
        assertThat(WebPlatformValidation.overlap("10.0.0.5/24", "10.0.0.0/24")).isTrue();
    }

    @Test
    void carvesSmallerVpcsIntoQuarters() {
        assertThat(NetworkPlan.carve("10.20.0.0/20")).containsExactly("10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24");
        assertThat(NetworkPlan.carve("192.168.4.0/22")).containsExactly("192.168.4.0/24", "192.168.5.0/24", "192.168.6.0/24", "192.168.7.0/24");
        assertThat(NetworkPlan.carve("172.16.0.0/24")).containsExactly("172.16.0.0/26", "172.16.0.64/26", "172.16.0.128/26", "172.16.0.192/26");
    }

    @Test
    void usesTheSpecsSubnetsAndNatChoice() {
        WebPlatformSpec.Network network = new WebPlatformSpec.Network();
        network.publicSubnetCidrs = List.of("10.0.10.0/24", "10.0.11.0/24");
        network.natGateways = WebPlatformSpec.NatGateways.Single;
        NetworkPlan plan = NetworkPlan.of(network, List.of("eu-west-3a", "eu-west-3b"));
        assertThat(plan.publicSubnets()).containsExactly("10.0.10.0/24", "10.0.11.0/24");
        assertThat(plan.privateSubnets()).containsExactly("10.0.2.0/24", "10.0.3.0/24");
        assertThat(plan.natGateways()).isEqualTo(1);
        assertThat(plan.natFor(0)).isZero();
        assertThat(plan.natFor(1)).isZero();
        assertThat(NetworkPlan.of(new WebPlatformSpec.Network(), List.of("a", "b")).natFor(1)).isEqualTo(1);
    }

    @Test
    void zonesComeFromTheSpecWhenTheRegionHasThemOrStall() {
        var wp = TestResources.webPlatform("z", new WebPlatformSpec());
        List<String> problems = new ArrayList<>();
        assertThat(WebPlatformValidation.zones(wp, List.of("eu-west-3a", "eu-west-3b", "eu-west-3c"), problems))
                .containsExactly("eu-west-3a", "eu-west-3b");
        wp.getSpec().network.availabilityZones = List.of("eu-west-3c", "eu-west-3z");
        WebPlatformValidation.zones(wp, List.of("eu-west-3a", "eu-west-3b", "eu-west-3c"), problems);
        assertThat(problems).containsExactly("availability zone eu-west-3z does not exist or is not available in this region"
                + " (available: eu-west-3a, eu-west-3b, eu-west-3c)");
        assertThat(WebPlatformValidation.validate(wp, "mars-north-1")).containsExactly("region mars-north-1 is not an AWS region this operator knows");
    }

    @Test
    void clientTokensRepeatForARetryAndDifferForAReplacement() {
        var wp = TestResources.webPlatform("t", new WebPlatformSpec());
        PlatformScope scope = new PlatformScope(wp, NetworkPlan.of(wp.getSpec().network, List.of("a", "b")),
                io.webplatform.operator.testing.Emulator.clientsWithoutEndpoint(), "123456789012", "arn:aws:s3:::logs");
        String token = scope.clientToken("FlowLog", "vpc-1", "arn:aws:s3:::logs");
        assertThat(token).hasSizeLessThanOrEqualTo(64).isEqualTo(scope.clientToken("FlowLog", "vpc-1", "arn:aws:s3:::logs"));
        assertThat(token).isNotEqualTo(scope.clientToken("FlowLog", "vpc-1", "arn:aws:s3:::other"));
        assertThat(scope.clientToken("NatGateways", "nat-0", "0")).isNotEqualTo(scope.clientToken("NatGateways", "nat-0", "1"));
    }
}
