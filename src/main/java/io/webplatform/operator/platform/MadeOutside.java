package io.webplatform.operator.platform;

import io.webplatform.operator.aws.Ownership;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What holds one of the operator's subnets, security groups or its VPC and was made outside the
 * operator: read when EC2 answers a delete with DependencyViolation, to tell a dependency a person
 * must remove (BLOCKED) from the operator's own, which AWS is still releasing (TRANSIENT). A network
 * interface is the operator's own when it carries its ownership tag, is attached to one of its
 * instances, or is the requester-managed interface AWS made for its load balancer ("ELB net/name/...")
 * or one of its NAT gateways (listed in the gateway's addresses, described "Interface for NAT Gateway
 * nat-..."); AWS deletes those once their owner is gone (EC2 User Guide, "Requester-managed network
 * interfaces").
 */
final class MadeOutside {
    private MadeOutside() {
    }

    /** What the operator made that a network interface may belong to. */
    record Ours(String ownerUid, String loadBalancerName, Set<String> instanceIds, Set<String> natGatewayIds, Set<String> natInterfaceIds) {
        /** Pure: true when the interface is the operator's own, in one of the ways above. */
        boolean owns(NetworkInterface eni) {
            if (Ownership.ownedBy(tags(eni.tagSet()), ownerUid) || natInterfaceIds.contains(eni.networkInterfaceId())) {
                return true;
            }
            if (eni.attachment() != null && eni.attachment().instanceId() != null && instanceIds.contains(eni.attachment().instanceId())) {
                return true;
            }
            String description = eni.description() == null ? "" : eni.description();
            if (Boolean.TRUE.equals(eni.requesterManaged()) && description.startsWith("ELB net/" + loadBalancerName + "/")) {
                return true;
            }
            // RDS's own interfaces (untagged) linger after the database goes; only a subnet group can put one here,
            // and the operator's is the one that lists these subnets.
            if (Boolean.TRUE.equals(eni.requesterManaged()) && "RDSNetworkInterface".equals(description)) {
                return true;
            }
            return description.startsWith("Interface for NAT Gateway ")
                    && natGatewayIds.contains(description.substring("Interface for NAT Gateway ".length()).trim());
        }
    }

    /** Network interfaces in the subnet that were made outside the operator, described for a person. */
    static List<String> inSubnet(PlatformScope scope, String subnetId) {
        return interfaces(scope, Filter.builder().name("subnet-id").values(subnetId).build());
    }

    /** Network interfaces using the security group that were made outside the operator. */
    static List<String> inSecurityGroup(PlatformScope scope, String groupId) {
        return interfaces(scope, Filter.builder().name("group-id").values(groupId).build());
    }

    /** Network interfaces, subnets, security groups and route tables in the VPC that the operator did not make. */
    static List<String> inVpc(PlatformScope scope, String vpcId) {
        Filter inVpc = Filter.builder().name("vpc-id").values(vpcId).build();
        List<String> found = new ArrayList<>(interfaces(scope, inVpc));
        var ec2 = scope.ec2();
        ec2.describeSubnetsPaginator(r -> r.filters(inVpc)).subnets().stream()
                .filter(s -> !ours(scope, s.tags())).forEach(s -> found.add("subnet " + s.subnetId()));
        ec2.describeSecurityGroupsPaginator(r -> r.filters(inVpc)).securityGroups().stream()
                .filter(g -> !"default".equals(g.groupName()) && !ours(scope, g.tags()))
                .forEach(g -> found.add("security group " + g.groupId() + " (" + g.groupName() + ")"));
        ec2.describeRouteTablesPaginator(r -> r.filters(inVpc)).routeTables().stream()
                .filter(t -> t.associations().stream().noneMatch(a -> Boolean.TRUE.equals(a.main())) && !ours(scope, t.tags()))
                .forEach(t -> found.add("route table " + t.routeTableId()));
        return found;
    }

    private static List<String> interfaces(PlatformScope scope, Filter where) {
        List<NetworkInterface> enis = scope.ec2().describeNetworkInterfacesPaginator(r -> r.filters(where)).networkInterfaces().stream().toList();
        if (enis.isEmpty()) {
            return List.of();
        }
        Ours ours = ours(scope);
        return enis.stream().filter(eni -> !ours.owns(eni)).map(MadeOutside::describe).toList();
    }

    /** The operator's instances and NAT gateways (terminated and deleted ones too: their interfaces linger), by ownership tag. */
    private static Ours ours(PlatformScope scope) {
        var ec2 = scope.ec2();
        // The tags are checked here too: not every API (nor the emulator) honours tag filters.
        Set<String> instances = ec2.describeInstancesPaginator(r -> r.filters(scope.ownedBy(AppInstances.NAME))).reservations().stream()
                .flatMap(r -> r.instances().stream()).filter(i -> ours(scope, i.tags())).map(i -> i.instanceId()).collect(Collectors.toSet());
        List<software.amazon.awssdk.services.ec2.model.NatGateway> nats = ec2.describeNatGatewaysPaginator(r -> r.filter(scope.ownedBy(NatGateways.NAME)))
                .natGateways().stream().filter(n -> ours(scope, n.tags())).toList();
        return new Ours(scope.ownerKey(), LoadBalancerNames.loadBalancer(scope), instances,
                nats.stream().map(n -> n.natGatewayId()).collect(Collectors.toSet()),
                nats.stream().flatMap(n -> n.natGatewayAddresses().stream()).map(a -> a.networkInterfaceId())
                        .filter(java.util.Objects::nonNull).collect(Collectors.toSet()));
    }

    private static boolean ours(PlatformScope scope, List<Tag> tags) {
        return Ownership.ownedBy(tags(tags), scope.ownerKey());
    }

    static String describe(NetworkInterface eni) {
        String description = eni.description() == null || eni.description().isBlank() ? "no description" : "\"" + eni.description() + "\"";
        return "network interface " + eni.networkInterfaceId() + " (" + description + ", " + eni.statusAsString()
                + (eni.attachment() != null && eni.attachment().instanceId() != null ? ", attached to " + eni.attachment().instanceId() : "")
                + ")";
    }

    private static java.util.Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
    }
}
