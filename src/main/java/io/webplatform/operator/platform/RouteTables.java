package io.webplatform.operator.platform;

import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Route tables: "public" (0.0.0.0/0 to the Internet gateway) for both public subnets, and
 * "private-0"/"private-1" (0.0.0.0/0 to the zone's NAT gateway, or the shared one) for the private subnets.
 */
public class RouteTables extends RepairingComponent<PlatformScope> {
    public static final String NAME = "RouteTables";
    static final String DEFAULT_ROUTE = "0.0.0.0/0";

    public static final class State {
        public final Map<String, RouteTable> byRole = new LinkedHashMap<>();
    }

    static List<String> roles() {
        return List.of("public", "private-0", "private-1");
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        State state = new State();
        state.byRole.putAll(scope.byRole(scope.ec2().describeRouteTables(r -> r.filters(scope.ownedBy(NAME))).routeTables(),
                RouteTable::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", state.byRole.values().stream().map(RouteTable::routeTableId).toList()), state);
    }

    @Override
    public void create(PlatformScope scope) {
        for (String role : roles()) {
            createTable(scope, role);
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        Ec2Client ec2 = scope.ec2();
        List<String> changes = new ArrayList<>();
        for (String role : roles()) {
            RouteTable table = state.byRole.get(role);
            if (table == null) {
                table = createTable(scope, role);
                state.byRole.put(role, table);
                changes.add("route table " + role + " recreated");
            }
            String tableId = table.routeTableId();
            Route route = table.routes().stream().filter(r -> DEFAULT_ROUTE.equals(r.destinationCidrBlock())).findFirst().orElse(null);
            String gateway = role.equals("public") ? scope.idOf(InternetGateway.NAME) : null;
            String nat = role.equals("public") ? null
                    : NatGateways.natGatewayId(scope, scope.plan().natFor(Integer.parseInt(role.substring(8))));
            if (route == null) {
                ec2.createRoute(r -> r.routeTableId(tableId).destinationCidrBlock(DEFAULT_ROUTE).gatewayId(gateway).natGatewayId(nat));
                changes.add("default route of " + role + " restored");
            } else if (!Objects.equals(route.gatewayId(), gateway) || !Objects.equals(route.natGatewayId(), nat)) {
                ec2.replaceRoute(r -> r.routeTableId(tableId).destinationCidrBlock(DEFAULT_ROUTE).gatewayId(gateway).natGatewayId(nat));
                changes.add("default route of " + role + " pointed back to " + (gateway != null ? gateway : nat));
            }
            for (String subnetRole : subnetsOf(role)) {
                String subnetId = Subnets.subnetId(scope, subnetRole);
                boolean associated = table.associations().stream().anyMatch(a -> subnetId.equals(a.subnetId()));
                if (!associated) {
                    // A subnet belongs to one table: move it if someone associated it elsewhere.
                    String existing = ec2.describeRouteTables(r -> r.filters(f -> f.name("association.subnet-id").values(subnetId)))
                            .routeTables().stream().flatMap(t -> t.associations().stream())
                            .filter(a -> subnetId.equals(a.subnetId())).map(RouteTableAssociation::routeTableAssociationId)
                            .findFirst().orElse(null);
                    if (existing != null) {
                        ec2.replaceRouteTableAssociation(r -> r.associationId(existing).routeTableId(tableId));
                    } else {
                        ec2.associateRouteTable(r -> r.routeTableId(tableId).subnetId(subnetId));
                    }
                    changes.add("subnet " + subnetRole + " associated with route table " + role);
                }
            }
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        Ec2Client ec2 = scope.ec2();
        for (RouteTable table : current.detail(State.class).byRole.values()) {
            for (RouteTableAssociation association : table.associations()) {
                if (!Boolean.TRUE.equals(association.main())) {
                    Ec2Deletion.delete("route table association " + association.routeTableAssociationId(),
                            () -> ec2.disassociateRouteTable(r -> r.associationId(association.routeTableAssociationId())));
                }
            }
            Ec2Deletion.delete("route table " + table.routeTableId(), () -> ec2.deleteRouteTable(r -> r.routeTableId(table.routeTableId())));
        }
        return true;
    }

    private static List<String> subnetsOf(String role) {
        return role.equals("public") ? List.of("public-0", "public-1") : List.of(role);
    }

    private static RouteTable createTable(PlatformScope scope, String role) {
        return scope.ec2().createRouteTable(r -> r.vpcId(scope.idOf(Vpc.NAME))
                .tagSpecifications(scope.tagSpec(ResourceType.ROUTE_TABLE, NAME, role))).routeTable();
    }
}
