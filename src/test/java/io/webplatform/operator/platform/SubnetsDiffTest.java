package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Subnet;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Subnets' diff, pure: a subnet per role, none mapping public IPs on launch. */
class SubnetsDiffTest {
    private final Subnets subnets = new Subnets();
    private final Subnets.Desired desired = new Subnets.Desired("vpc-1", Map.of(
            "public-0", new Subnets.SubnetSpec("public-0", "10.0.0.0/24", "eu-west-3a", false, null),
            "public-1", new Subnets.SubnetSpec("public-1", "10.0.1.0/24", "eu-west-3b", false, null),
            "private-0", new Subnets.SubnetSpec("private-0", "10.0.2.0/24", "eu-west-3a", false, null),
            "private-1", new Subnets.SubnetSpec("private-1", "10.0.3.0/24", "eu-west-3b", false, null)));

    private static Map<String, Subnet> all() {
        Map<String, Subnet> byRole = new LinkedHashMap<>();
        byRole.put("public-0", subnet("subnet-a", "10.0.0.0/24", false));
        byRole.put("public-1", subnet("subnet-b", "10.0.1.0/24", false));
        byRole.put("private-0", subnet("subnet-c", "10.0.2.0/24", false));
        byRole.put("private-1", subnet("subnet-d", "10.0.3.0/24", null));
        return byRole;
    }

    private static Subnet subnet(String id, String cidr, Boolean mapsPublicIp) {
        return Subnet.builder().subnetId(id).cidrBlock(cidr).mapPublicIpOnLaunch(mapsPublicIp).build();
    }

    @Test
    void fourSubnetsThatMapNoPublicIpMatch() {
        assertThat(subnets.diff(new Subnets.State(all()), desired)).isEmpty();
    }

    @Test
    void aSubnetMappingPublicIpsIsOneChange() {
        Map<String, Subnet> byRole = all();
        byRole.put("public-0", subnet("subnet-a", "10.0.0.0/24", true));
        assertThat(subnets.diff(new Subnets.State(byRole), desired)).containsExactly(new Change("public-0 mapPublicIpOnLaunch",
                "true", "false", "subnet subnet-a (public-0) no longer maps public IPs on launch"));
    }

    @Test
    void aMissingSubnetIsRecreated() {
        Map<String, Subnet> byRole = all();
        byRole.remove("private-1");
        assertThat(subnets.diff(new Subnets.State(byRole), desired)).containsExactly(
                Change.missing("private-1", "10.0.3.0/24 in eu-west-3b", "subnet private-1 recreated"));
    }
}
