package io.webplatform.operator.platform;

import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One Elastic IP per NAT gateway (nat-0, nat-1); released only after its NAT gateway is deleted. */
public class ElasticIps extends RepairingComponent<PlatformScope> {
    public static final String NAME = "ElasticIps";

    public static final class State {
        public final Map<String, Address> byRole = new LinkedHashMap<>();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        State state = new State();
        state.byRole.putAll(scope.byRole(scope.ec2().describeAddresses(r -> r.filters(scope.ownedBy(NAME))).addresses(),
                Address::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", state.byRole.values().stream().map(Address::allocationId).toList()), state);
    }

    @Override
    public void create(PlatformScope scope) {
        for (int i = 0; i < scope.plan().natGateways(); i++) {
            allocate(scope, "nat-" + i);
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < scope.plan().natGateways(); i++) {
            String role = "nat-" + i;
            if (!state.byRole.containsKey(role)) {
                state.byRole.put(role, allocate(scope, role));
                changes.add("Elastic IP for " + role + " allocated");
            }
        }
        // A surplus address (PerZone changed to Single) goes once its NAT gateway has released it.
        for (var entry : List.copyOf(state.byRole.entrySet())) {
            int index = Integer.parseInt(entry.getKey().substring(4));
            if (index >= scope.plan().natGateways() && entry.getValue().associationId() == null) {
                scope.ec2().releaseAddress(r -> r.allocationId(entry.getValue().allocationId()));
                state.byRole.remove(entry.getKey());
                changes.add("surplus Elastic IP " + entry.getValue().publicIp() + " released");
            }
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        for (Address address : current.detail(State.class).byRole.values()) {
            Ec2Deletion.delete("Elastic IP " + address.publicIp(), () -> scope.ec2().releaseAddress(r -> r.allocationId(address.allocationId())));
        }
        return true;
    }

    private static Address allocate(PlatformScope scope, String role) {
        var response = scope.ec2().allocateAddress(r -> r.domain(DomainType.VPC)
                .tagSpecifications(scope.tagSpec(ResourceType.ELASTIC_IP, NAME, role)));
        return Address.builder().allocationId(response.allocationId()).publicIp(response.publicIp()).build();
    }

    public static String allocationId(PlatformScope scope, String role) {
        Address address = scope.observed(NAME).detail(State.class).byRole.get(role);
        return address == null ? null : address.allocationId();
    }
}
