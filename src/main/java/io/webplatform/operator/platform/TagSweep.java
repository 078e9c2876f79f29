package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.Ownership;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.TagDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * The last step of a delete: everything in the region still tagged with the owner's UID, whatever
 * made it, is deleted, so nothing leaks. Returns what is still there (the finalizer waits for none).
 */
public final class TagSweep {
    private TagSweep() {
    }

    public static List<String> sweep(Ec2Client ec2, String ownerUid) {
        return sweep(ec2, ownerUid, java.util.Set.of());
    }

    /** As {@link #sweep(Ec2Client, String)}, leaving alone what the deletion policy keeps. */
    public static List<String> sweep(Ec2Client ec2, String ownerUid, java.util.Set<String> keep) {
        List<String> left = new ArrayList<>();
        DeleteFailures.Refused blocked = null;
        List<TagDescription> tagged = ec2.describeTagsPaginator(r -> r.filters(
                        f -> f.name("key").values(Ownership.OWNER_UID), f -> f.name("value").values(ownerUid)))
                .tags().stream().filter(t -> Ownership.OWNER_UID.equals(t.key()) && ownerUid.equals(t.value())).toList();
        for (TagDescription t : tagged) {
            String id = t.resourceId();
            String type = resourceType(t);
            if (keep.contains(id)) {
                continue;
            }
            boolean[] started = {false};
            try {
                DeleteFailures.call(type + " " + id, () -> started[0] = deleteOne(ec2, type, id));
            } catch (DeleteFailures.Refused refused) {
                blocked = blocked != null || refused.failure().outcome() != DeleteFailures.Outcome.BLOCKED ? blocked : refused;
                left.add(type + " " + id + " (" + refused.failure().summary() + ")");
                continue;
            }
            if (started[0]) {
                left.add(type + " " + id);
            }
        }
        // The first leftover a person must unblock stops the deletion (Stalled DeleteBlocked); the others were tried.
        if (blocked != null) {
            throw blocked;
        }
        return left;
    }

    /** AWS's resource type names; the emulator spells three of them its own way. */
    public static String resourceType(TagDescription t) {
        return switch (t.resourceTypeAsString()) {
            case "nat-gateway" -> "natgateway";
            case "vpc-elastic-ip" -> "elastic-ip";
            case "flow-logs" -> "vpc-flow-log";
            default -> t.resourceTypeAsString();
        };
    }

    /** Starts deleting one resource; false when it is already gone. */
    private static boolean deleteOne(Ec2Client ec2, String type, String id) {
        switch (type) {
            case "natgateway" -> {
                var nat = ec2.describeNatGateways(r -> r.natGatewayIds(id)).natGateways();
                if (nat.isEmpty() || nat.get(0).state() == NatGatewayState.DELETED || nat.get(0).state() == NatGatewayState.FAILED) {
                    return false;
                }
                if (nat.get(0).state() != NatGatewayState.DELETING) {
                    ec2.deleteNatGateway(r -> r.natGatewayId(id));
                }
            }
            case "vpc-flow-log" -> ec2.deleteFlowLogs(r -> r.flowLogIds(id));
            case "security-group" -> ec2.deleteSecurityGroup(r -> r.groupId(id));
            case "route-table" -> {
                var tables = ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables();
                // Each call judged on its own: an association already gone must not skip the table's delete.
                tables.stream().flatMap(rt -> rt.associations().stream()).filter(a -> !Boolean.TRUE.equals(a.main()))
                        .forEach(a -> DeleteFailures.call("route table association " + a.routeTableAssociationId(),
                                () -> ec2.disassociateRouteTable(r -> r.associationId(a.routeTableAssociationId()))));
                ec2.deleteRouteTable(r -> r.routeTableId(id));
            }
            case "network-acl" -> {
                var acls = ec2.describeNetworkAcls(r -> r.networkAclIds(id)).networkAcls();
                // Its subnets back to the VPC's default NACL first: a NACL with subnets cannot be deleted.
                for (var acl : acls) {
                    String fallback = acl.associations().isEmpty() ? null : ec2.describeNetworkAcls(r -> r.filters(
                                    f -> f.name("vpc-id").values(acl.vpcId()), f -> f.name("default").values("true")))
                            .networkAcls().stream().map(a -> a.networkAclId()).findFirst().orElse(null);
                    acl.associations().stream().filter(a -> fallback != null).forEach(a -> DeleteFailures.call(
                            "network ACL association " + a.networkAclAssociationId(),
                            () -> ec2.replaceNetworkAclAssociation(r -> r.associationId(a.networkAclAssociationId()).networkAclId(fallback))));
                }
                ec2.deleteNetworkAcl(r -> r.networkAclId(id));
            }
            case "internet-gateway" -> {
                ec2.describeInternetGateways(r -> r.internetGatewayIds(id)).internetGateways().stream()
                        .flatMap(g -> g.attachments().stream())
                        .forEach(a -> DeleteFailures.call("internet gateway " + id + " attachment to " + a.vpcId(),
                                () -> ec2.detachInternetGateway(r -> r.internetGatewayId(id).vpcId(a.vpcId()))));
                ec2.deleteInternetGateway(r -> r.internetGatewayId(id));
            }
            case "elastic-ip" -> ec2.releaseAddress(r -> r.allocationId(id));
            case "subnet" -> ec2.deleteSubnet(r -> r.subnetId(id));
            case "vpc" -> ec2.deleteVpc(r -> r.vpcId(id));
            case "instance" -> {
                var instances = ec2.describeInstances(r -> r.instanceIds(id)).reservations().stream().flatMap(r -> r.instances().stream()).toList();
                if (instances.isEmpty() || instances.get(0).state().name() == InstanceStateName.TERMINATED) {
                    return false;
                }
                if (instances.get(0).state().name() != InstanceStateName.SHUTTING_DOWN) {
                    ec2.terminateInstances(r -> r.instanceIds(id));
                }
            }
            case "volume" -> {
                var volumes = ec2.describeVolumes(r -> r.volumeIds(id)).volumes();
                if (volumes.isEmpty() || volumes.get(0).state() == VolumeState.DELETED) {
                    return false;
                }
                // An attached root volume goes with its instance; a detached one is deleted here.
                if (volumes.get(0).state() == VolumeState.AVAILABLE) {
                    ec2.deleteVolume(r -> r.volumeId(id));
                }
            }
            default -> {
                return true; // a kind this version does not make: reported, never guessed at
            }
        }
        return true;
    }
}
