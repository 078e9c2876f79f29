package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** NatGateways' diff, pure: a gateway per role; a surplus one deleted once no route table uses it. */
class NatGatewaysDiffTest {
    private final NatGateways gateways = new NatGateways();
    private final NatGateways.Desired perZone = new NatGateways.Desired(Map.of(
            "nat-0", new NatGateways.GatewaySpec("nat-0", "subnet-a", "eipalloc-0", null),
            "nat-1", new NatGateways.GatewaySpec("nat-1", "subnet-b", "eipalloc-1", null)));
    private final NatGateways.Desired single = new NatGateways.Desired(Map.of(
            "nat-0", new NatGateways.GatewaySpec("nat-0", "subnet-a", "eipalloc-0", null)));

    private static NatGateway nat(String id, String subnet) {
        return NatGateway.builder().natGatewayId(id).subnetId(subnet).state(NatGatewayState.AVAILABLE).build();
    }

    private static Map<String, NatGateway> both() {
        Map<String, NatGateway> byRole = new LinkedHashMap<>();
        byRole.put("nat-0", nat("nat-0a", "subnet-a"));
        byRole.put("nat-1", nat("nat-1b", "subnet-b"));
        return byRole;
    }

    @Test
    void aGatewayPerRoleMatches() {
        assertThat(gateways.diff(new NatGateways.State(both(), Map.of(), Set.of()), perZone)).isEmpty();
    }

    @Test
    void aMissingGatewayIsRecreated() {
        Map<String, NatGateway> byRole = both();
        byRole.remove("nat-1");
        // Retired gateways of the role only change the next client token, not what is wanted.
        assertThat(gateways.diff(new NatGateways.State(byRole, Map.of("nat-1", 2), Set.of()), perZone)).containsExactly(
                Change.missing("nat-1", "NAT gateway in subnet-b", "NAT gateway nat-1 recreated"));
    }

    @Test
    void aSurplusGatewayGoesOnlyOnceNoRouteUsesIt() {
        assertThat(gateways.diff(new NatGateways.State(both(), Map.of(), Set.of("nat-1b")), single)).isEmpty();
        assertThat(gateways.diff(new NatGateways.State(both(), Map.of(), Set.of()), single)).containsExactly(
                Change.unwanted("nat-1", "nat-1b", "surplus NAT gateway nat-1b deleted"));
    }
}
