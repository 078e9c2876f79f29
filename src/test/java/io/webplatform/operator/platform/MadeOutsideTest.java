package io.webplatform.operator.platform;

import io.webplatform.operator.aws.Ownership;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which network interfaces are the operator's own (AWS releases them) and which someone else made (they block a delete). */
class MadeOutsideTest {
    private final MadeOutside.Ours ours = new MadeOutside.Ours("uid-1", "demo-shop-nlb-abc", Set.of("i-ours"), Set.of("nat-ours"),
            Set.of("eni-of-nat-ours"));

    private static NetworkInterface.Builder eni(String description) {
        return NetworkInterface.builder().networkInterfaceId("eni-1").description(description).status("in-use");
    }

    @Test
    void theOperatorsOwnInterfacesAreTheOnesAwsMadeForItsResourcesOrItTagged() {
        // Requester-managed by ELB for this load balancer, and by EC2 for its NAT gateway (EC2 User Guide, requester-managed interfaces).
        assertThat(ours.owns(eni("ELB net/demo-shop-nlb-abc/50dc6c495c0c9188").requesterManaged(true).build())).isTrue();
        assertThat(ours.owns(eni("Interface for NAT Gateway nat-ours").requesterManaged(true).build())).isTrue();
        assertThat(ours.owns(eni("").attachment(a -> a.instanceId("i-ours")).build())).isTrue();
        assertThat(ours.owns(eni("").networkInterfaceId("eni-of-nat-ours").build())).as("listed in the NAT gateway's addresses").isTrue();
        assertThat(ours.owns(eni("anything").tagSet(Tag.builder().key(Ownership.OWNER_UID).value("uid-1").build()).build())).isTrue();
    }

    @Test
    void anythingElseWasMadeOutsideTheOperator() {
        assertThat(ours.owns(eni("someone's debugging interface").status("available").build())).isFalse();
        assertThat(ours.owns(eni("ELB net/another-nlb/50dc6c495c0c9188").requesterManaged(true).build())).isFalse();
        // A load balancer's name as a prefix of another's is not enough; nor a description a person typed.
        assertThat(ours.owns(eni("ELB net/demo-shop-nlb-abc-2/50dc").requesterManaged(true).build())).isFalse();
        assertThat(ours.owns(eni("ELB net/demo-shop-nlb-abc/50dc").requesterManaged(false).build())).isFalse();
        assertThat(ours.owns(eni("Interface for NAT Gateway nat-theirs").requesterManaged(true).build())).isFalse();
        assertThat(ours.owns(eni("").attachment(a -> a.instanceId("i-theirs")).build())).isFalse();
        assertThat(ours.owns(eni("x").tagSet(Tag.builder().key(Ownership.OWNER_UID).value("uid-2").build()).build())).isFalse();
        assertThat(MadeOutside.describe(eni("someone's").status("available").build()))
                .isEqualTo("network interface eni-1 (\"someone's\", available)");
    }
}
