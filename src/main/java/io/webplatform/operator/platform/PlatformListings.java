package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsClients;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.engine.Scope;
import io.webplatform.operator.engine.SharedReads;
import io.webplatform.operator.engine.SharedReads.Item;
import io.webplatform.operator.engine.SharedReads.Listing;
import io.webplatform.operator.engine.SharedReads.Selection;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The listings a WebPlatform's idle resync compares instead of reading its resources one by one
 * ({@link io.webplatform.operator.engine.IdleGate}): one per kind per region per resync window, shared by
 * every WebPlatform. EC2 kinds are listed with the filter {@code tag-key=webplatform.io/owner-uid} and the
 * largest page each API takes (1000; 100 for route tables; DescribeAddresses is not paginated), so a
 * listing costs one call until a page fills, whatever the number of platforms. ELBv2, RDS and CloudWatch
 * take no tag filter: their pages are listed whole (400, 100, 100 a page) and a platform's items are
 * those with the names it computes (or, for RDS, its owner tag in TagList).
 * Filters: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html ("tag-key");
 * pagination: https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-pagination.html.
 *
 * <p>An item's content is its description minus what moves by itself (a subnet's free address count, a
 * database's latest restorable time, an alarm's state reason and its timestamps); its state stays, so a
 * NAT gateway, an instance, a database or an alarm changing state brings a full pass.
 */
public final class PlatformListings {

    /** The EC2 kinds a full pass observes from (PlatformScope#described). */
    static final String VPCS = "ec2:vpc";
    static final String SUBNETS = "ec2:subnet";
    static final String INTERNET_GATEWAYS = "ec2:internet-gateway";
    static final String ADDRESSES = "ec2:address";
    static final String NAT_GATEWAYS = "ec2:nat-gateway";
    static final String ROUTE_TABLES = "ec2:route-table";
    static final String SECURITY_GROUPS = "ec2:security-group";
    static final String NETWORK_ACLS = "ec2:network-acl";
    static final String FLOW_LOGS = "ec2:flow-log";
    static final String INSTANCES = "ec2:instance";

    private static final List<Filter> OWNED = List.of(Filter.builder().name("tag-key").values(Ownership.OWNER_UID).build());

    private PlatformListings() {
    }

    /** Every kind a WebPlatform shares, in the order a full pass meets them. */
    public static List<SharedReads.Kind> kinds(AwsClients clients) {
        return List.of(
                ec2(clients, VPCS, (ec2, region) -> ec2.describeVpcsPaginator(r -> r.filters(OWNED).maxResults(1000)).vpcs()
                        .stream().map(v -> tagged(v.tags(), v.toString(), v)).toList()),
                ec2(clients, SUBNETS, (ec2, region) -> ec2.describeSubnetsPaginator(r -> r.filters(OWNED).maxResults(1000)).subnets()
                        .stream().map(s -> tagged(s.tags(), s.toBuilder().availableIpAddressCount(null).build().toString(), s)).toList()),
                ec2(clients, INTERNET_GATEWAYS, (ec2, region) -> ec2.describeInternetGatewaysPaginator(r -> r.filters(OWNED).maxResults(1000))
                        .internetGateways().stream().map(g -> tagged(g.tags(), g.toString(), g)).toList()),
                // Not paginated: it answers every address at once (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAddresses.html).
                ec2(clients, ADDRESSES, (ec2, region) -> ec2.describeAddresses(r -> r.filters(OWNED)).addresses()
                        .stream().map(a -> tagged(a.tags(), a.toString(), a)).toList()),
                ec2(clients, NAT_GATEWAYS, (ec2, region) -> ec2.describeNatGatewaysPaginator(r -> r.filter(OWNED).maxResults(1000))
                        .natGateways().stream().map(n -> tagged(n.tags(), n.toString(), n)).toList()),
                ec2(clients, ROUTE_TABLES, (ec2, region) -> ec2.describeRouteTablesPaginator(r -> r.filters(OWNED).maxResults(100))
                        .routeTables().stream().map(t -> tagged(t.tags(), t.toString(), t)).toList()),
                ec2(clients, SECURITY_GROUPS, (ec2, region) -> ec2.describeSecurityGroupsPaginator(r -> r.filters(OWNED).maxResults(1000))
                        .securityGroups().stream().map(g -> tagged(g.tags(), g.toString(), g)).toList()),
                // The VPC's default group carries no tag of the operator's: every VPC's default group, named by its VPC.
                new Listing<PlatformScope>("ec2:default-security-group", region -> clients.ec2(region).describeSecurityGroupsPaginator(r -> r
                                .filters(Filter.builder().name("group-name").values("default").build()).maxResults(1000))
                        .securityGroups().stream().map(g -> new Item(null, g.vpcId(), g.toString())).toList(),
                        scope -> scope.observed(Vpc.NAME) == null ? Selection.byNames(Set.of())
                                : Selection.byNames(Set.of(scope.observed(Vpc.NAME).id()))),
                ec2(clients, NETWORK_ACLS, (ec2, region) -> ec2.describeNetworkAclsPaginator(r -> r.filters(OWNED).maxResults(1000))
                        .networkAcls().stream().map(a -> tagged(a.tags(), a.toString(), a)).toList()),
                // The VPC's default NACL carries no tag of the operator's: every VPC's default NACL, named by its VPC.
                new Listing<PlatformScope>("ec2:default-network-acl", region -> clients.ec2(region).describeNetworkAclsPaginator(r -> r
                                .filters(Filter.builder().name("default").values("true").build()).maxResults(1000))
                        .networkAcls().stream().map(a -> new Item(null, a.vpcId(), a.toString())).toList(),
                        scope -> scope.observed(Vpc.NAME) == null ? Selection.byNames(Set.of())
                                : Selection.byNames(Set.of(scope.observed(Vpc.NAME).id()))),
                ec2(clients, FLOW_LOGS, (ec2, region) -> ec2.describeFlowLogsPaginator(r -> r.filter(OWNED).maxResults(1000))
                        .flowLogs().stream().map(f -> tagged(f.tags(), f.toString(), f)).toList()),
                ec2(clients, INSTANCES, (ec2, region) -> ec2.describeInstancesPaginator(r -> r.filters(OWNED).maxResults(1000))
                        .reservations().stream().flatMap(res -> res.instances().stream()).map(i -> tagged(i.tags(), i.toString(), i)).toList()),
                new Listing<PlatformScope>("elbv2:load-balancer", region -> clients.elbv2(region).describeLoadBalancersPaginator(r -> r.pageSize(400))
                        .loadBalancers().stream().map(lb -> new Item(null, lb.loadBalancerName(), lb.toString())).toList(),
                        scope -> Selection.byNames(Set.of(LoadBalancerNames.loadBalancer(scope)))),
                new Listing<PlatformScope>("elbv2:target-group", region -> clients.elbv2(region).describeTargetGroupsPaginator(r -> r.pageSize(400))
                        .targetGroups().stream().map(tg -> new Item(null, tg.targetGroupName(), tg.toString())).toList(),
                        scope -> Selection.byNames(Set.of(LoadBalancerNames.targetGroup(scope)))),
                new Listing<PlatformScope>("rds:db-instance", region -> clients.rds(region).describeDBInstancesPaginator(r -> r.maxRecords(100))
                        .dbInstances().stream().map(db -> new Item(
                                db.tagList().stream().filter(t -> Ownership.OWNER_UID.equals(t.key())).map(t -> t.value()).findFirst().orElse(null),
                                db.dbInstanceIdentifier(), db.toBuilder().latestRestorableTime(null).build().toString())).toList(),
                        scope -> new Selection(scope.ownerKey(), Set.of(DatabaseNames.instanceId(scope)), Set.of())),
                // Alarm names share no operator-wide prefix: every metric alarm of the region, 100 a page, picked by the platform's prefix.
                new Listing<PlatformScope>("cloudwatch:alarm", region -> clients.cloudWatch(region).describeAlarmsPaginator(r -> r.maxRecords(100))
                        .metricAlarms().stream().map(a -> new Item(null, a.alarmName(), a.toBuilder().stateReason(null)
                                .stateReasonData(null).stateUpdatedTimestamp(null).stateTransitionedTimestamp(null).build().toString())).toList(),
                        scope -> Selection.byPrefix(Alarms.prefix(scope))));
    }

    private static Listing ec2(AwsClients clients, String name,
                               BiFunction<software.amazon.awssdk.services.ec2.Ec2Client, String, List<Item>> lister) {
        return new Listing<PlatformScope>(name, region -> lister.apply(clients.ec2(region), region), scope -> Selection.byOwner(scope.ownerKey()));
    }

    private static Item tagged(List<Tag> tags, String content, Object description) {
        String owner = tags.stream().filter(t -> Ownership.OWNER_UID.equals(t.key())).map(Tag::value).findFirst().orElse(null);
        return new Item(owner, null, content, description);
    }
}
