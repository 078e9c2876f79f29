package io.webplatform.operator.platform;

import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.SubnetState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four subnets: public-0/1 and private-0/1, one of each per zone. None maps public IPs on launch:
 * only the load balancer and the NAT gateways face the Internet, through their own addresses.
 */
public class Subnets extends RepairingComponent<PlatformScope> {
    public static final String NAME = "Subnets";

    /** Subnets by role, e.g. "public-0" -> subnet. */
    public static final class State {
        public final Map<String, Subnet> byRole = new LinkedHashMap<>();
    }

    public static List<String> roles() {
        return List.of("public-0", "public-1", "private-0", "private-1");
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        State state = new State();
        state.byRole.putAll(scope.byRole(scope.ec2().describeSubnets(r -> r.filters(scope.ownedBy(NAME))).subnets(), Subnet::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        String ids = String.join(",", state.byRole.values().stream().map(Subnet::subnetId).toList());
        boolean allThere = state.byRole.keySet().containsAll(roles());
        boolean available = state.byRole.values().stream().allMatch(s -> s.state() == SubnetState.AVAILABLE);
        return allThere && available ? Observed.ready(ids, state) : Observed.pending(ids, "subnets being created", state);
    }

    @Override
    public void create(PlatformScope scope) {
        for (String role : roles()) {
            createSubnet(scope, role);
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        Ec2Client ec2 = scope.ec2();
        List<String> changes = new ArrayList<>();
        for (String role : roles()) {
            Subnet subnet = state.byRole.get(role);
            if (subnet == null) {
                state.byRole.put(role, createSubnet(scope, role));
                changes.add("subnet " + role + " recreated");
            } else if (Boolean.TRUE.equals(subnet.mapPublicIpOnLaunch())) {
                ec2.modifySubnetAttribute(r -> r.subnetId(subnet.subnetId()).mapPublicIpOnLaunch(a -> a.value(false)));
                state.byRole.put(role, subnet.toBuilder().mapPublicIpOnLaunch(false).build());
                changes.add("subnet " + subnet.subnetId() + " (" + role + ") no longer maps public IPs on launch");
            }
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        for (Subnet subnet : current.detail(State.class).byRole.values()) {
            Ec2Deletion.delete("subnet " + subnet.subnetId(), () -> scope.ec2().deleteSubnet(r -> r.subnetId(subnet.subnetId())));
        }
        return true;
    }

    private static Subnet createSubnet(PlatformScope scope, String role) {
        int zone = Integer.parseInt(role.substring(role.indexOf('-') + 1));
        String cidr = role.startsWith("public") ? scope.plan().publicSubnets().get(zone) : scope.plan().privateSubnets().get(zone);
        return scope.ec2().createSubnet(r -> r.vpcId(scope.idOf(Vpc.NAME)).cidrBlock(cidr)
                .availabilityZone(scope.plan().zones().get(zone))
                .tagSpecifications(scope.tagSpec(ResourceType.SUBNET, NAME, role))).subnet();
    }

    public static String subnetId(PlatformScope scope, String role) {
        return scope.observed(NAME).detail(State.class).byRole.get(role).subnetId();
    }
}
