package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.ConnectivityType;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayAddress;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NAT gateways in the public subnets: one per zone (PerZone) or one shared (Single). They take
 * minutes to become available and to go away; the walk never waits for them, it comes back.
 */
public class NatGateways implements Component<PlatformScope, NatGateways.Desired, NatGateways.State> {
    public static final String NAME = "NatGateways";

    /**
     * One gateway as the operator wants it: public, in its zone's public subnet, with its Elastic IP.
     * AWS cannot change a gateway's subnet or address: they are set at creation only.
     */
    public record GatewaySpec(String role, String subnetId, String allocationId, TagSpecification tags) {
    }

    /** One gateway per NAT the plan asks for, by role (nat-0, nat-1). */
    public record Desired(Map<String, GatewaySpec> byRole) {
    }

    /** What AWS has. A class with a field, as the tests read it. */
    public static final class State {
        /** Live gateways (pending or available; also deleting while the WebPlatform is deleted), by role. */
        public final Map<String, NatGateway> byRole;
        /** How many gateways of each role ever ended deleted or failed: part of the next client token. */
        final Map<String, Integer> retired;
        /** Ids of the unwanted gateways a route table still sends traffic to: they stay until it no longer does. */
        final Set<String> stillRouted;

        public State(Map<String, NatGateway> byRole, Map<String, Integer> retired, Set<String> stillRouted) {
            this.byRole = Collections.unmodifiableMap(new LinkedHashMap<>(byRole));
            this.retired = Collections.unmodifiableMap(new LinkedHashMap<>(retired));
            this.stillRouted = Collections.unmodifiableSet(new LinkedHashSet<>(stillRouted));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        Map<String, GatewaySpec> byRole = new LinkedHashMap<>();
        for (int i = 0; i < scope.plan().natGateways(); i++) {
            String role = "nat-" + i;
            byRole.put(role, new GatewaySpec(role, Subnets.subnetId(scope, "public-" + i), ElasticIps.allocationId(scope, role),
                    scope.tagSpec(ResourceType.NATGATEWAY, NAME, role)));
        }
        return new Desired(byRole);
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        Map<String, NatGateway> byRole = new LinkedHashMap<>();
        Map<String, Integer> retired = new LinkedHashMap<>();
        List<Filter> filters = new ArrayList<>(scope.ownedBy(NAME));
        scope.described(PlatformListings.NAT_GATEWAYS, NatGateway.class,
                        () -> scope.ec2().describeNatGatewaysPaginator(r -> r.filter(filters)).natGateways().stream().toList()).stream()
                .filter(n -> scope.owns(n.tags(), NAME))
                .forEach(n -> {
                    String role = PlatformScope.tag(n.tags(), PlatformScope.ROLE_TAG);
                    boolean live = n.state() == NatGatewayState.PENDING || n.state() == NatGatewayState.AVAILABLE
                            || deleting && n.state() == NatGatewayState.DELETING;
                    if (live) {
                        byRole.putIfAbsent(role, n);
                    } else {
                        retired.merge(role, 1, Integer::sum);
                    }
                });
        if (byRole.isEmpty()) {
            return null;
        }
        // Single after PerZone: whether a route table still uses the surplus gateway (a read only when there is one).
        Set<String> stillRouted = new LinkedHashSet<>();
        if (!deleting) {
            byRole.forEach((role, nat) -> {
                if (index(role) >= scope.plan().natGateways() && routedTo(scope, nat.natGatewayId())) {
                    stillRouted.add(nat.natGatewayId());
                }
            });
        }
        State state = new State(byRole, retired, stillRouted);
        String ids = String.join(",", byRole.values().stream().map(NatGateway::natGatewayId).toList());
        List<String> waiting = byRole.values().stream().filter(n -> n.state() != NatGatewayState.AVAILABLE)
                .map(n -> "NAT gateway " + n.natGatewayId() + " " + n.stateAsString()).toList();
        boolean complete = byRole.size() >= scope.plan().natGateways();
        if (waiting.isEmpty() && complete) {
            return Observed.ready(ids, state);
        }
        return Observed.pending(ids, waiting.isEmpty() ? "NAT gateways being created" : String.join(", ", waiting), state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (GatewaySpec wanted : desired.byRole().values()) {
            if (!actual.byRole.containsKey(wanted.role())) {
                changes.add(Change.missing(wanted.role(), "NAT gateway in " + wanted.subnetId(), "NAT gateway " + wanted.role() + " recreated"));
            }
        }
        // Single after PerZone: the second gateway goes once no route table sends traffic to it.
        actual.byRole.forEach((role, nat) -> {
            if (!desired.byRole().containsKey(role) && !actual.stillRouted.contains(nat.natGatewayId())) {
                changes.add(Change.unwanted(role, nat.natGatewayId(), "surplus NAT gateway " + nat.natGatewayId() + " deleted"));
            }
        });
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        for (GatewaySpec gateway : desired.byRole().values()) {
            create(scope, gateway, 0);
        }
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        State state = current.detail();
        Map<String, NatGateway> byRole = new LinkedHashMap<>(state.byRole);
        for (Change change : changes) {
            GatewaySpec wanted = desired.byRole().get(change.field());
            NatGateway surplus = byRole.get(change.field());
            if (wanted != null) {
                byRole.put(wanted.role(), create(scope, wanted, state.retired.getOrDefault(wanted.role(), 0)));
            } else if (surplus != null) {
                scope.ec2().deleteNatGateway(r -> r.natGatewayId(surplus.natGatewayId()));
                byRole.remove(change.field());
            } else {
                throw new IllegalArgumentException(NAME + " cannot apply " + change);
            }
        }
        // The route tables read the gateways' ids in this same pass.
        scope.record(NAME, current.withDetail(new State(byRole, state.retired, state.stillRouted)));
    }

    /**
     * One AWS::EC2::NatGateway per NAT ("NatGatewaysNat0"), public (the default connectivity, which
     * CreateNatGateway does not name either). The client token has no CloudFormation counterpart: a
     * stack makes each resource once by itself.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (GatewaySpec gateway : desired.byRole().values()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("SubnetId", gateway.subnetId());
            properties.put("AllocationId", gateway.allocationId());
            properties.put("Tags", CfnTags.of(gateway.tags()));
            resources.add(CfnResource.of(logicalId(gateway.role()), "AWS::EC2::NatGateway", properties));
        }
        return resources;
    }

    /** Ref of an AWS::EC2::NatGateway is the gateway id. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, NatGateway> byRole = new LinkedHashMap<>();
        for (GatewaySpec gateway : desired.byRole().values()) {
            byRole.put(gateway.role(), NatGateway.builder().natGatewayId(CfnResource.ref(logicalId(gateway.role())))
                    .subnetId(gateway.subnetId()).connectivityType(ConnectivityType.PUBLIC).state(NatGatewayState.AVAILABLE)
                    .natGatewayAddresses(NatGatewayAddress.builder().allocationId(gateway.allocationId()).build())
                    .tags(gateway.tags().tags()).build());
        }
        return Observed.ready(String.join(",", byRole.values().stream().map(NatGateway::natGatewayId).toList()),
                new State(byRole, Map.of(), Set.of()));
    }

    static String logicalId(String role) {
        return CfnResource.logicalId(NAME, role);
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        boolean gone = true;
        for (NatGateway nat : current.detail().byRole.values()) {
            if (nat.state() != NatGatewayState.DELETING) {
                DeleteFailures.call("NAT gateway " + nat.natGatewayId(), () -> scope.ec2().deleteNatGateway(r -> r.natGatewayId(nat.natGatewayId())));
            }
            gone = false;
        }
        // Gone only once AWS says deleted: its Elastic IP and subnet are busy until then.
        return gone;
    }

    private static int index(String role) {
        return Integer.parseInt(role.substring(role.indexOf('-') + 1));
    }

    private static boolean routedTo(PlatformScope scope, String natGatewayId) {
        return scope.ec2().describeRouteTables(r -> r.filters(Filter.builder().name("route.nat-gateway-id").values(natGatewayId).build()))
                .routeTables().stream().anyMatch(t -> t.routes().stream().anyMatch(rt -> natGatewayId.equals(rt.natGatewayId())));
    }

    /** Creates one gateway; {@code retired} counts the gateways of its role that ended deleted or failed. */
    private static NatGateway create(PlatformScope scope, GatewaySpec gateway, int retired) {
        // A replacement gets a new token: the same one would return the gateway it replaces.
        String token = scope.clientToken(NAME, gateway.role(), String.valueOf(retired));
        return scope.ec2().createNatGateway(r -> r
                .subnetId(gateway.subnetId())
                .allocationId(gateway.allocationId())
                .clientToken(token)
                .tagSpecifications(gateway.tags())).natGateway();
    }

    /** What this pass observed, for dependents (null when absent). */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }

    public static String natGatewayId(PlatformScope scope, int index) {
        NatGateway nat = of(scope).byRole.get("nat-" + index);
        return nat == null ? null : nat.natGatewayId();
    }
}
