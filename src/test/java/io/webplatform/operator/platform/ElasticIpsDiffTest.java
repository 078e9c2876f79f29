package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Address;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ElasticIps' diff, pure: one address per NAT gateway; a surplus one released once its gateway let it go. */
class ElasticIpsDiffTest {
    private final ElasticIps addresses = new ElasticIps();
    private final ElasticIps.Desired perZone = new ElasticIps.Desired(Map.of(
            "nat-0", new ElasticIps.AddressSpec("nat-0", null), "nat-1", new ElasticIps.AddressSpec("nat-1", null)));
    private final ElasticIps.Desired single = new ElasticIps.Desired(Map.of("nat-0", new ElasticIps.AddressSpec("nat-0", null)));

    private static Address address(String id, String ip, String association) {
        return Address.builder().allocationId(id).publicIp(ip).associationId(association).build();
    }

    @Test
    void anAddressPerGatewayMatches() {
        var state = new ElasticIps.State(Map.of("nat-0", address("eipalloc-0", "192.0.2.1", "eipassoc-0"),
                "nat-1", address("eipalloc-1", "192.0.2.2", "eipassoc-1")));
        assertThat(addresses.diff(state, perZone)).isEmpty();
    }

    @Test
    void aMissingAddressIsAllocated() {
        var state = new ElasticIps.State(Map.of("nat-0", address("eipalloc-0", "192.0.2.1", "eipassoc-0")));
        assertThat(addresses.diff(state, perZone)).containsExactly(Change.missing("nat-1", "Elastic IP", "Elastic IP for nat-1 allocated"));
    }

    @Test
    void aSurplusAddressIsReleasedOnlyOnceItsGatewayLetItGo() {
        var stillUsed = new ElasticIps.State(Map.of("nat-0", address("eipalloc-0", "192.0.2.1", "eipassoc-0"),
                "nat-1", address("eipalloc-1", "192.0.2.2", "eipassoc-1")));
        assertThat(addresses.diff(stillUsed, single)).isEmpty();

        var free = new ElasticIps.State(Map.of("nat-0", address("eipalloc-0", "192.0.2.1", "eipassoc-0"),
                "nat-1", address("eipalloc-1", "192.0.2.2", null)));
        assertThat(addresses.diff(free, single)).containsExactly(
                Change.unwanted("nat-1", "192.0.2.2", "surplus Elastic IP 192.0.2.2 released"));
    }
}
