package io.webplatform.operator.platform;

import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAT gateways in the public subnets: one per zone (PerZone) or one shared (Single). They take
 * minutes to become available and to go away; the walk never waits for them, it comes back.
 */
public class NatGateways extends RepairingComponent<PlatformScope> {
    public static final String NAME = "NatGateways";

    public static final class State {
        /** Live gateways (pending or available; also deleting while the WebPlatform is deleted), by role. */
        public final Map<String, NatGateway> byRole = new LinkedHashMap<>();
        /** How many gateways of each role ever ended deleted or failed: part of the next client token. */
        final Map<String, Integer> retired = new LinkedHashMap<>();
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        State state = new State();
        List<Filter> filters = new ArrayList<>(scope.ownedBy(NAME));
        scope.ec2().describeNatGatewaysPaginator(r -> r.filter(filters)).natGateways().stream()
                .filter(n -> scope.owns(n.tags(), NAME))
                .forEach(n -> {
                    String role = PlatformScope.tag(n.tags(), PlatformScope.ROLE_TAG);
                    boolean live = n.state() == NatGatewayState.PENDING || n.state() == NatGatewayState.AVAILABLE
                            || deleting && n.state() == NatGatewayState.DELETING;
                    if (live) {
                        state.byRole.putIfAbsent(role, n);
                    } else {
                        state.retired.merge(role, 1, Integer::sum);
                    }
                });
        if (state.byRole.isEmpty()) {
            return null;
        }
        String ids = String.join(",", state.byRole.values().stream().map(NatGateway::natGatewayId).toList());
        List<String> waiting = state.byRole.values().stream().filter(n -> n.state() != NatGatewayState.AVAILABLE)
                .map(n -> "NAT gateway " + n.natGatewayId() + " " + n.stateAsString()).toList();
        boolean complete = state.byRole.size() >= scope.plan().natGateways();
        if (waiting.isEmpty() && complete) {
            return Observed.ready(ids, state);
        }
        return Observed.pending(ids, waiting.isEmpty() ? "NAT gateways being created" : String.join(", ", waiting), state);
    }

    @Override
    public void create(PlatformScope scope) {
        for (int i = 0; i < scope.plan().natGateways(); i++) {
            create(scope, i, 0);
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < scope.plan().natGateways(); i++) {
            String role = "nat-" + i;
            if (!state.byRole.containsKey(role)) {
                state.byRole.put(role, create(scope, i, state.retired.getOrDefault(role, 0)));
                changes.add("NAT gateway " + role + " recreated");
            }
        }
        // Single after PerZone: the second gateway goes once no route table sends traffic to it.
        for (var entry : List.copyOf(state.byRole.entrySet())) {
            if (Integer.parseInt(entry.getKey().substring(4)) >= scope.plan().natGateways()
                    && !routedTo(scope, entry.getValue().natGatewayId())) {
                scope.ec2().deleteNatGateway(r -> r.natGatewayId(entry.getValue().natGatewayId()));
                state.byRole.remove(entry.getKey());
                changes.add("surplus NAT gateway " + entry.getValue().natGatewayId() + " deleted");
            }
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        boolean gone = true;
        for (NatGateway nat : current.detail(State.class).byRole.values()) {
            if (nat.state() != NatGatewayState.DELETING) {
                scope.ec2().deleteNatGateway(r -> r.natGatewayId(nat.natGatewayId()));
            }
            gone = false;
        }
        // Gone only once AWS says deleted: its Elastic IP and subnet are busy until then.
        return gone;
    }

    private static boolean routedTo(PlatformScope scope, String natGatewayId) {
        return scope.ec2().describeRouteTables(r -> r.filters(Filter.builder().name("route.nat-gateway-id").values(natGatewayId).build()))
                .routeTables().stream().anyMatch(t -> t.routes().stream().anyMatch(rt -> natGatewayId.equals(rt.natGatewayId())));
    }

    private static NatGateway create(PlatformScope scope, int index, int retired) {
        String role = "nat-" + index;
        // Gateways of this role that ended deleted or failed count in: a replacement gets a new token.
        String token = scope.clientToken(NAME, role, String.valueOf(retired));
        return scope.ec2().createNatGateway(r -> r
                .subnetId(Subnets.subnetId(scope, "public-" + index))
                .allocationId(ElasticIps.allocationId(scope, role))
                .clientToken(token)
                .tagSpecifications(scope.tagSpec(ResourceType.NATGATEWAY, NAME, role))).natGateway();
    }

    public static String natGatewayId(PlatformScope scope, int index) {
        NatGateway nat = scope.observed(NAME).detail(State.class).byRole.get("nat-" + index);
        return nat == null ? null : nat.natGatewayId();
    }
}
