package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One Elastic IP per NAT gateway (nat-0, nat-1); released only after its NAT gateway is deleted. */
public class ElasticIps implements Component<PlatformScope, ElasticIps.Desired, ElasticIps.State> {
    public static final String NAME = "ElasticIps";

    /** One address as the operator wants it: in the VPC domain, tagged with its NAT gateway's role. */
    public record AddressSpec(String role, TagSpecification tags) {
    }

    /** One address per NAT gateway the plan asks for, by role. */
    public record Desired(Map<String, AddressSpec> byRole) {
    }

    /** The addresses AWS has, by role. */
    public record State(Map<String, Address> byRole) {
        public State {
            byRole = Collections.unmodifiableMap(new LinkedHashMap<>(byRole));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        Map<String, AddressSpec> byRole = new LinkedHashMap<>();
        for (int i = 0; i < scope.plan().natGateways(); i++) {
            String role = "nat-" + i;
            byRole.put(role, new AddressSpec(role, scope.tagSpec(ResourceType.ELASTIC_IP, NAME, role)));
        }
        return new Desired(byRole);
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        State state = new State(scope.byRole(scope.described(PlatformListings.ADDRESSES, Address.class,
                () -> scope.ec2().describeAddresses(r -> r.filters(scope.ownedBy(NAME))).addresses()),
                Address::tags, NAME));
        if (state.byRole().isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", state.byRole().values().stream().map(Address::allocationId).toList()), state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (String role : desired.byRole().keySet()) {
            if (!actual.byRole().containsKey(role)) {
                changes.add(Change.missing(role, "Elastic IP", "Elastic IP for " + role + " allocated"));
            }
        }
        // A surplus address (PerZone changed to Single) goes once its NAT gateway has released it; until then it stays.
        actual.byRole().forEach((role, address) -> {
            if (!desired.byRole().containsKey(role) && address.associationId() == null) {
                changes.add(Change.unwanted(role, address.publicIp(), "surplus Elastic IP " + address.publicIp() + " released"));
            }
        });
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        for (AddressSpec address : desired.byRole().values()) {
            allocate(scope, address);
        }
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Map<String, Address> byRole = new LinkedHashMap<>(current.detail().byRole());
        for (Change change : changes) {
            AddressSpec wanted = desired.byRole().get(change.field());
            Address surplus = byRole.get(change.field());
            if (wanted != null) {
                byRole.put(wanted.role(), allocate(scope, wanted));
            } else if (surplus != null) {
                scope.ec2().releaseAddress(r -> r.allocationId(surplus.allocationId()));
                byRole.remove(change.field());
            } else {
                throw new IllegalArgumentException(NAME + " cannot apply " + change);
            }
        }
        // The NAT gateways read the new allocation ids in this same pass.
        scope.record(NAME, current.withDetail(new State(byRole)));
    }

    /** One AWS::EC2::EIP per NAT gateway ("ElasticIpsNat0"), in the VPC domain as AllocateAddress asks. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (AddressSpec address : desired.byRole().values()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("Domain", "vpc");
            properties.put("Tags", CfnTags.of(address.tags()));
            resources.add(CfnResource.of(logicalId(address.role()), "AWS::EC2::EIP", properties));
        }
        return resources;
    }

    /** Ref of an AWS::EC2::EIP is the public address; the allocation id is its AllocationId attribute. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, Address> byRole = new LinkedHashMap<>();
        for (AddressSpec address : desired.byRole().values()) {
            String id = logicalId(address.role());
            byRole.put(address.role(), Address.builder().allocationId(CfnResource.attribute(id, "AllocationId"))
                    .publicIp(CfnResource.ref(id)).domain(DomainType.VPC).tags(address.tags().tags()).build());
        }
        return Observed.ready(String.join(",", byRole.values().stream().map(Address::allocationId).toList()), new State(byRole));
    }

    static String logicalId(String role) {
        return CfnResource.logicalId(NAME, role);
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        for (Address address : current.detail().byRole().values()) {
            DeleteFailures.call("Elastic IP " + address.publicIp(), () -> scope.ec2().releaseAddress(r -> r.allocationId(address.allocationId())));
        }
        return true;
    }

    private static Address allocate(PlatformScope scope, AddressSpec address) {
        var response = scope.ec2().allocateAddress(r -> r.domain(DomainType.VPC).tagSpecifications(address.tags()));
        return Address.builder().allocationId(response.allocationId()).publicIp(response.publicIp()).build();
    }

    /** What this pass observed, for dependents (null when absent). */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }

    public static String allocationId(PlatformScope scope, String role) {
        Address address = of(scope).byRole().get(role);
        return address == null ? null : address.allocationId();
    }
}
