package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Route tables: "public" (0.0.0.0/0 to the Internet gateway) for both public subnets, and
 * "private-0"/"private-1" (0.0.0.0/0 to the zone's NAT gateway, or the shared one) for the private subnets.
 */
public class RouteTables implements Component<PlatformScope, RouteTables.Desired, RouteTables.State> {
    public static final String NAME = "RouteTables";
    static final String DEFAULT_ROUTE = "0.0.0.0/0";

    /**
     * One table as the operator wants it: its default route to the Internet gateway ({@code gatewayId})
     * or to a NAT gateway ({@code natGatewayId}), and the subnets associated with it, subnet role -> id.
     */
    public record TableSpec(String role, String gatewayId, String natGatewayId, Map<String, String> subnets, TagSpecification tags) {
        String target() {
            return gatewayId != null ? gatewayId : natGatewayId;
        }
    }

    /** The tables as the operator wants them, by role, in the VPC. */
    public record Desired(String vpcId, Map<String, TableSpec> byRole) {
    }

    /** The tables AWS has, by role. A class with a field, as the tests read it. */
    public static final class State {
        public final Map<String, RouteTable> byRole;

        public State(Map<String, RouteTable> byRole) {
            this.byRole = Collections.unmodifiableMap(new LinkedHashMap<>(byRole));
        }
    }

    static List<String> roles() {
        return List.of("public", "private-0", "private-1");
    }

    /** The field of a change to the default route of a table. */
    static String routeField(String tableRole) {
        return tableRole + " route " + DEFAULT_ROUTE;
    }

    /** The field of a change to the association of a subnet with a table. */
    static String associationField(String tableRole, String subnetRole) {
        return tableRole + " association " + subnetRole;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        Map<String, TableSpec> byRole = new LinkedHashMap<>();
        for (String role : roles()) {
            boolean isPublic = role.equals("public");
            String gateway = isPublic ? scope.idOf(InternetGateway.NAME) : null;
            String nat = isPublic ? null : NatGateways.natGatewayId(scope, scope.plan().natFor(Integer.parseInt(role.substring(8))));
            Map<String, String> subnets = new LinkedHashMap<>();
            for (String subnetRole : isPublic ? List.of("public-0", "public-1") : List.of(role)) {
                subnets.put(subnetRole, Subnets.subnetId(scope, subnetRole));
            }
            byRole.put(role, new TableSpec(role, gateway, nat, subnets, scope.tagSpec(ResourceType.ROUTE_TABLE, NAME, role)));
        }
        return new Desired(scope.idOf(Vpc.NAME), byRole);
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        State state = new State(scope.byRole(scope.described(PlatformListings.ROUTE_TABLES, RouteTable.class,
                () -> scope.ec2().describeRouteTables(r -> r.filters(scope.ownedBy(NAME))).routeTables()),
                RouteTable::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", state.byRole.values().stream().map(RouteTable::routeTableId).toList()), state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (TableSpec wanted : desired.byRole().values()) {
            String role = wanted.role();
            RouteTable table = actual.byRole.get(role);
            if (table == null) {
                // Recreated, then given its route and subnets like any empty table.
                changes.add(Change.missing(role, "route table", "route table " + role + " recreated"));
                table = RouteTable.builder().build();
            }
            Route route = table.routes().stream().filter(r -> DEFAULT_ROUTE.equals(r.destinationCidrBlock())).findFirst().orElse(null);
            if (route == null) {
                changes.add(Change.missing(routeField(role), wanted.target(), "default route of " + role + " restored"));
            } else if (!Objects.equals(route.gatewayId(), wanted.gatewayId()) || !Objects.equals(route.natGatewayId(), wanted.natGatewayId())) {
                changes.add(Change.described(routeField(role), targetOf(route), wanted.target(),
                        "default route of " + role + " pointed back to " + wanted.target()));
            }
            for (var subnet : wanted.subnets().entrySet()) {
                boolean associated = table.associations().stream().anyMatch(a -> subnet.getValue().equals(a.subnetId()));
                if (!associated) {
                    changes.add(Change.described(associationField(role, subnet.getKey()), tableOf(actual, subnet.getValue()), role,
                            "subnet " + subnet.getKey() + " associated with route table " + role));
                }
            }
        }
        return changes;
    }

    /** Where a route sends traffic, whatever kind of target a person may have put there. */
    static String targetOf(Route route) {
        return Stream.of(route.gatewayId(), route.natGatewayId(), route.transitGatewayId(), route.vpcPeeringConnectionId(),
                route.networkInterfaceId(), route.instanceId()).filter(Objects::nonNull).findFirst().orElse("nothing");
    }

    /** The role of the operator's table a subnet is associated with; "absent" when none of them (another table's, or the main one). */
    private static String tableOf(State actual, String subnetId) {
        return actual.byRole.entrySet().stream()
                .filter(e -> e.getValue().associations().stream().anyMatch(a -> subnetId.equals(a.subnetId())))
                .map(Map.Entry::getKey).findFirst().orElse(Change.ABSENT);
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // CreateRouteTable takes no routes and no subnets: apply adds them.
        for (TableSpec table : desired.byRole().values()) {
            createTable(scope, desired.vpcId(), table);
        }
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Ec2Client ec2 = scope.ec2();
        List<String> fields = changes.stream().map(Change::field).toList();
        for (TableSpec wanted : desired.byRole().values()) {
            String role = wanted.role();
            RouteTable table = current.detail().byRole.get(role);
            if (fields.contains(role)) {
                table = createTable(scope, desired.vpcId(), wanted);
            }
            String tableId = table == null ? null : table.routeTableId();
            Change route = changes.stream().filter(c -> c.field().equals(routeField(role))).findFirst().orElse(null);
            if (route != null && Change.ABSENT.equals(route.actual())) {
                ec2.createRoute(r -> r.routeTableId(tableId).destinationCidrBlock(DEFAULT_ROUTE)
                        .gatewayId(wanted.gatewayId()).natGatewayId(wanted.natGatewayId()));
            } else if (route != null) {
                ec2.replaceRoute(r -> r.routeTableId(tableId).destinationCidrBlock(DEFAULT_ROUTE)
                        .gatewayId(wanted.gatewayId()).natGatewayId(wanted.natGatewayId()));
            }
            for (var subnet : wanted.subnets().entrySet()) {
                if (fields.contains(associationField(role, subnet.getKey()))) {
                    associate(ec2, tableId, subnet.getValue());
                }
            }
        }
    }

    /** A subnet belongs to one table: moved if someone associated it elsewhere, associated otherwise. */
    private static void associate(Ec2Client ec2, String tableId, String subnetId) {
        String existing = ec2.describeRouteTables(r -> r.filters(f -> f.name("association.subnet-id").values(subnetId)))
                .routeTables().stream().flatMap(t -> t.associations().stream())
                .filter(a -> subnetId.equals(a.subnetId())).map(RouteTableAssociation::routeTableAssociationId)
                .findFirst().orElse(null);
        if (existing != null) {
            ec2.replaceRouteTableAssociation(r -> r.associationId(existing).routeTableId(tableId));
        } else {
            ec2.associateRouteTable(r -> r.routeTableId(tableId).subnetId(subnetId));
        }
    }

    /**
     * Per table ("RouteTablesPublic"): the AWS::EC2::RouteTable, its default route as an AWS::EC2::Route
     * ("RouteTablesPublicDefaultRoute") and one AWS::EC2::SubnetRouteTableAssociation per subnet
     * ("RouteTablesPublicPublic0Association"): what apply's CreateRoute and AssociateRouteTable add.
     * Moving a subnet someone associated with another table (ReplaceRouteTableAssociation) is a
     * repair, nothing a plan of new resources has.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (TableSpec table : desired.byRole().values()) {
            String tableId = CfnResource.ref(logicalId(table.role()));
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("VpcId", desired.vpcId());
            properties.put("Tags", CfnTags.of(table.tags()));
            resources.add(CfnResource.of(logicalId(table.role()), "AWS::EC2::RouteTable", properties));
            Map<String, Object> route = new LinkedHashMap<>();
            route.put("RouteTableId", tableId);
            route.put("DestinationCidrBlock", DEFAULT_ROUTE);
            route.put(table.gatewayId() != null ? "GatewayId" : "NatGatewayId", table.target());
            resources.add(CfnResource.of(routeLogicalId(table.role()), "AWS::EC2::Route", route));
            for (var subnet : table.subnets().entrySet()) {
                Map<String, Object> association = new LinkedHashMap<>();
                association.put("SubnetId", subnet.getValue());
                association.put("RouteTableId", tableId);
                resources.add(CfnResource.of(associationLogicalId(table.role(), subnet.getKey()), "AWS::EC2::SubnetRouteTableAssociation",
                        association));
            }
        }
        return resources;
    }

    /**
     * The tables as DescribeRouteTables shows them once made: the VPC's local route, the default route,
     * the subnets. Ref of an AWS::EC2::RouteTable is the table id, of an AWS::EC2::SubnetRouteTableAssociation the association id.
     */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, RouteTable> byRole = new LinkedHashMap<>();
        for (TableSpec table : desired.byRole().values()) {
            String tableId = CfnResource.ref(logicalId(table.role()));
            Route local = Route.builder().destinationCidrBlock(scope.plan().vpcCidr()).gatewayId("local").build();
            Route route = Route.builder().destinationCidrBlock(DEFAULT_ROUTE).gatewayId(table.gatewayId()).natGatewayId(table.natGatewayId()).build();
            List<RouteTableAssociation> associations = table.subnets().entrySet().stream().map(subnet -> RouteTableAssociation.builder()
                    .routeTableAssociationId(CfnResource.ref(associationLogicalId(table.role(), subnet.getKey())))
                    .routeTableId(tableId).subnetId(subnet.getValue()).main(false).build()).toList();
            byRole.put(table.role(), RouteTable.builder().routeTableId(tableId).vpcId(desired.vpcId()).routes(local, route)
                    .associations(associations).tags(table.tags().tags()).build());
        }
        return Observed.ready(String.join(",", byRole.values().stream().map(RouteTable::routeTableId).toList()), new State(byRole));
    }

    static String logicalId(String tableRole) {
        return CfnResource.logicalId(NAME, tableRole);
    }

    static String routeLogicalId(String tableRole) {
        return CfnResource.logicalId(NAME, tableRole, "default-route");
    }

    static String associationLogicalId(String tableRole, String subnetRole) {
        return CfnResource.logicalId(NAME, tableRole, subnetRole, "association");
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        Ec2Client ec2 = scope.ec2();
        for (RouteTable table : current.detail().byRole.values()) {
            for (RouteTableAssociation association : table.associations()) {
                if (!Boolean.TRUE.equals(association.main())) {
                    DeleteFailures.call("route table association " + association.routeTableAssociationId(),
                            () -> ec2.disassociateRouteTable(r -> r.associationId(association.routeTableAssociationId())));
                }
            }
            DeleteFailures.call("route table " + table.routeTableId(), () -> ec2.deleteRouteTable(r -> r.routeTableId(table.routeTableId())));
        }
        return true;
    }

    private static RouteTable createTable(PlatformScope scope, String vpcId, TableSpec table) {
        return scope.ec2().createRouteTable(r -> r.vpcId(vpcId).tagSpecifications(table.tags())).routeTable();
    }

    /** What this pass observed (null when absent). */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
