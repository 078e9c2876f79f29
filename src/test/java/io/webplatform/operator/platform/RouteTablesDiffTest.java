package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** RouteTables' diff, pure: each table's default route and its subnets. */
class RouteTablesDiffTest {
    private final RouteTables tables = new RouteTables();
    private final RouteTables.Desired desired = new RouteTables.Desired("vpc-1", inOrder(
            "public", new RouteTables.TableSpec("public", "igw-1", null, inOrder("public-0", "subnet-a", "public-1", "subnet-b"), null),
            "private-0", new RouteTables.TableSpec("private-0", null, "nat-0a", Map.of("private-0", "subnet-c"), null),
            "private-1", new RouteTables.TableSpec("private-1", null, "nat-1b", Map.of("private-1", "subnet-d"), null)));

    /** A map that keeps the order it is given, as the changes do. */
    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> inOrder(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return map;
    }

    private static RouteTable table(String id, Route route, String... subnets) {
        List<Route> routes = route == null ? List.of() : List.of(route);
        return RouteTable.builder().routeTableId(id).routes(routes)
                .associations(java.util.Arrays.stream(subnets).map(s -> RouteTableAssociation.builder()
                        .routeTableAssociationId("rtbassoc-" + s).subnetId(s).build()).toList()).build();
    }

    private static Route toGateway(String igw) {
        return Route.builder().destinationCidrBlock("0.0.0.0/0").gatewayId(igw).build();
    }

    private static Route toNat(String nat) {
        return Route.builder().destinationCidrBlock("0.0.0.0/0").natGatewayId(nat).build();
    }

    private static Map<String, RouteTable> converged() {
        Map<String, RouteTable> byRole = new LinkedHashMap<>();
        byRole.put("public", table("rtb-p", toGateway("igw-1"), "subnet-a", "subnet-b"));
        byRole.put("private-0", table("rtb-0", toNat("nat-0a"), "subnet-c"));
        byRole.put("private-1", table("rtb-1", toNat("nat-1b"), "subnet-d"));
        return byRole;
    }

    @Test
    void routedAndAssociatedTablesMatch() {
        assertThat(tables.diff(new RouteTables.State(converged()), desired)).isEmpty();
    }

    @Test
    void aMissingDefaultRouteIsRestored() {
        Map<String, RouteTable> byRole = converged();
        byRole.put("private-1", table("rtb-1", null, "subnet-d"));
        assertThat(tables.diff(new RouteTables.State(byRole), desired)).containsExactly(
                Change.missing("private-1 route 0.0.0.0/0", "nat-1b", "default route of private-1 restored"));
    }

    @Test
    void aDefaultRouteToTheWrongTargetIsPointedBack() {
        Map<String, RouteTable> byRole = converged();
        byRole.put("private-1", table("rtb-1", toGateway("igw-1"), "subnet-d"));
        assertThat(tables.diff(new RouteTables.State(byRole), desired)).containsExactly(new Change("private-1 route 0.0.0.0/0",
                "igw-1", "nat-1b", "default route of private-1 pointed back to nat-1b"));
    }

    @Test
    void aDefaultRouteToAnotherKindOfTargetSaysWhich() {
        Map<String, RouteTable> byRole = converged();
        byRole.put("public", table("rtb-p", Route.builder().destinationCidrBlock("0.0.0.0/0").vpcPeeringConnectionId("pcx-1").build(),
                "subnet-a", "subnet-b"));
        assertThat(tables.diff(new RouteTables.State(byRole), desired)).containsExactly(new Change("public route 0.0.0.0/0",
                "pcx-1", "igw-1", "default route of public pointed back to igw-1"));
    }

    @Test
    void aSubnetMovedToAnotherTableIsAssociatedBack() {
        Map<String, RouteTable> byRole = converged();
        byRole.put("public", table("rtb-p", toGateway("igw-1"), "subnet-b"));
        byRole.put("private-1", table("rtb-1", toNat("nat-1b"), "subnet-d", "subnet-a"));
        assertThat(tables.diff(new RouteTables.State(byRole), desired)).containsExactly(new Change("public association public-0",
                "private-1", "public", "subnet public-0 associated with route table public"));
    }

    @Test
    void aSubnetInNoTableOfOursIsAssociated() {
        Map<String, RouteTable> byRole = converged();
        byRole.put("private-0", table("rtb-0", toNat("nat-0a")));
        assertThat(tables.diff(new RouteTables.State(byRole), desired)).containsExactly(Change.described("private-0 association private-0",
                Change.ABSENT, "private-0", "subnet private-0 associated with route table private-0"));
    }

    @Test
    void aMissingTableIsRecreatedWithItsRouteAndSubnets() {
        Map<String, RouteTable> byRole = converged();
        byRole.remove("public");
        assertThat(tables.diff(new RouteTables.State(byRole), desired)).extracting(Change::summary).containsExactly(
                "route table public recreated", "default route of public restored",
                "subnet public-0 associated with route table public", "subnet public-1 associated with route table public");
    }
}
