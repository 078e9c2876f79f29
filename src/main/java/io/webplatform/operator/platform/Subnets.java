package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.SubnetState;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four subnets: public-0/1 and private-0/1, one of each per zone. None maps public IPs on launch:
 * only the load balancer and the NAT gateways face the Internet, through their own addresses.
 */
public class Subnets implements Component<PlatformScope, Subnets.Desired, Subnets.State> {
    public static final String NAME = "Subnets";

    /** One subnet as the operator wants it. CIDR and zone are set at creation only: AWS cannot change them. */
    public record SubnetSpec(String role, String cidrBlock, String availabilityZone, boolean mapPublicIpOnLaunch, TagSpecification tags) {
    }

    /** The subnets as the operator wants them, by role, in the VPC. */
    public record Desired(String vpcId, Map<String, SubnetSpec> byRole) {
    }

    /** Subnets by role, e.g. "public-0" -> subnet. A class with a field, as the status and the tests read it. */
    public static final class State {
        public final Map<String, Subnet> byRole;

        public State(Map<String, Subnet> byRole) {
            this.byRole = Collections.unmodifiableMap(new LinkedHashMap<>(byRole));
        }
    }

    /** The field of a change to whether a subnet maps public IPs on launch ("public-0 mapPublicIpOnLaunch"). */
    static String publicIpField(String role) {
        return role + " mapPublicIpOnLaunch";
    }

    public static List<String> roles() {
        return List.of("public-0", "public-1", "private-0", "private-1");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        NetworkPlan plan = scope.plan();
        Map<String, SubnetSpec> byRole = new LinkedHashMap<>();
        for (String role : roles()) {
            int zone = Integer.parseInt(role.substring(role.indexOf('-') + 1));
            String cidr = role.startsWith("public") ? plan.publicSubnets().get(zone) : plan.privateSubnets().get(zone);
            byRole.put(role, new SubnetSpec(role, cidr, plan.zones().get(zone), false, scope.tagSpec(ResourceType.SUBNET, NAME, role)));
        }
        return new Desired(scope.idOf(Vpc.NAME), byRole);
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        State state = new State(scope.byRole(scope.described(PlatformListings.SUBNETS, Subnet.class,
                () -> scope.ec2().describeSubnets(r -> r.filters(scope.ownedBy(NAME))).subnets()), Subnet::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        String ids = String.join(",", state.byRole.values().stream().map(Subnet::subnetId).toList());
        boolean allThere = state.byRole.keySet().containsAll(roles());
        boolean available = state.byRole.values().stream().allMatch(s -> s.state() == SubnetState.AVAILABLE);
        return allThere && available ? Observed.ready(ids, state) : Observed.pending(ids, "subnets being created", state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        for (SubnetSpec wanted : desired.byRole().values()) {
            Subnet subnet = actual.byRole.get(wanted.role());
            if (subnet == null) {
                changes.add(Change.missing(wanted.role(), wanted.cidrBlock() + " in " + wanted.availabilityZone(), "subnet " + wanted.role() + " recreated"));
                continue;
            }
            boolean mapsPublicIp = Boolean.TRUE.equals(subnet.mapPublicIpOnLaunch());
            if (mapsPublicIp != wanted.mapPublicIpOnLaunch()) {
                changes.add(Change.described(publicIpField(wanted.role()), mapsPublicIp, wanted.mapPublicIpOnLaunch(),
                        "subnet " + subnet.subnetId() + " (" + wanted.role() + ")"
                                + (wanted.mapPublicIpOnLaunch() ? " maps public IPs on launch" : " no longer maps public IPs on launch")));
            }
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        for (SubnetSpec subnet : desired.byRole().values()) {
            createSubnet(scope, desired.vpcId(), subnet);
        }
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Map<String, Subnet> byRole = new LinkedHashMap<>(current.detail().byRole);
        for (Change change : changes) {
            SubnetSpec missing = desired.byRole().get(change.field());
            SubnetSpec remapped = desired.byRole().values().stream().filter(s -> publicIpField(s.role()).equals(change.field()))
                    .findFirst().orElse(null);
            if (missing != null) {
                byRole.put(missing.role(), createSubnet(scope, desired.vpcId(), missing));
            } else if (remapped != null) {
                Subnet subnet = byRole.get(remapped.role());
                scope.ec2().modifySubnetAttribute(r -> r.subnetId(subnet.subnetId()).mapPublicIpOnLaunch(a -> a.value(remapped.mapPublicIpOnLaunch())));
                byRole.put(remapped.role(), subnet.toBuilder().mapPublicIpOnLaunch(remapped.mapPublicIpOnLaunch()).build());
            } else {
                throw new IllegalArgumentException(NAME + " cannot apply " + change);
            }
        }
        // What the rest of this pass reads (ids, the findings) is what AWS has after these changes.
        scope.record(NAME, current.withDetail(new State(byRole)));
    }

    /** One AWS::EC2::Subnet per role ("SubnetsPublic0"): MapPublicIpOnLaunch is said outright, as apply keeps it false. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        for (SubnetSpec subnet : desired.byRole().values()) {
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("VpcId", desired.vpcId());
            properties.put("CidrBlock", subnet.cidrBlock());
            properties.put("AvailabilityZone", subnet.availabilityZone());
            properties.put("MapPublicIpOnLaunch", subnet.mapPublicIpOnLaunch());
            properties.put("Tags", CfnTags.of(subnet.tags()));
            resources.add(CfnResource.of(logicalId(subnet.role()), "AWS::EC2::Subnet", properties));
        }
        return resources;
    }

    /** Ref of an AWS::EC2::Subnet is the subnet id. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, Subnet> byRole = new LinkedHashMap<>();
        for (SubnetSpec subnet : desired.byRole().values()) {
            byRole.put(subnet.role(), Subnet.builder().subnetId(CfnResource.ref(logicalId(subnet.role()))).vpcId(desired.vpcId())
                    .cidrBlock(subnet.cidrBlock()).availabilityZone(subnet.availabilityZone())
                    .mapPublicIpOnLaunch(subnet.mapPublicIpOnLaunch()).state(SubnetState.AVAILABLE).tags(subnet.tags().tags()).build());
        }
        return Observed.ready(String.join(",", byRole.values().stream().map(Subnet::subnetId).toList()), new State(byRole));
    }

    static String logicalId(String role) {
        return CfnResource.logicalId(NAME, role);
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        for (Subnet subnet : current.detail().byRole.values()) {
            DeleteFailures.call("subnet " + subnet.subnetId(), () -> scope.ec2().deleteSubnet(r -> r.subnetId(subnet.subnetId())),
                    () -> MadeOutside.inSubnet(scope, subnet.subnetId()));
        }
        return true;
    }

    private static Subnet createSubnet(PlatformScope scope, String vpcId, SubnetSpec subnet) {
        // CreateSubnet takes no mapPublicIpOnLaunch; a new subnet's default is false, which is what the operator wants.
        return scope.ec2().createSubnet(r -> r.vpcId(vpcId).cidrBlock(subnet.cidrBlock())
                .availabilityZone(subnet.availabilityZone())
                .tagSpecifications(subnet.tags())).subnet();
    }

    /** What this pass observed, for dependents (null when absent). */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }

    public static String subnetId(PlatformScope scope, String role) {
        return of(scope).byRole.get(role).subnetId();
    }
}
