package io.webplatform.operator.testing;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.platform.TagSweep;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.VolumeState;

import java.util.Map;
import java.util.TreeMap;

/**
 * How many EC2 resources of each type exist with an owner's UID tag. Each tagged id is described:
 * the emulator keeps tags of deleted resources, and AWS lists deleted NAT gateways for a while.
 */
public final class Ec2Inventory {
    private Ec2Inventory() {
    }

    public static Map<String, Integer> of(Ec2Client ec2, String ownerUid) {
        Map<String, Integer> counts = new TreeMap<>();
        ec2.describeTagsPaginator(r -> r.filters(f -> f.name("key").values(Ownership.OWNER_UID), f -> f.name("value").values(ownerUid)))
                .tags().stream()
                .filter(t -> ownerUid.equals(t.value()))
                .filter(t -> exists(ec2, TagSweep.resourceType(t), t.resourceId()))
                .forEach(t -> counts.merge(TagSweep.resourceType(t), 1, Integer::sum));
        return counts;
    }

    /** Whether a tagged EC2 resource still exists (the emulator keeps tags of deleted ones). */
    public static boolean exists(Ec2Client ec2, String type, String id) {
        try {
            return switch (type) {
                case "vpc" -> !ec2.describeVpcs(r -> r.vpcIds(id)).vpcs().isEmpty();
                case "subnet" -> !ec2.describeSubnets(r -> r.subnetIds(id)).subnets().isEmpty();
                case "internet-gateway" -> !ec2.describeInternetGateways(r -> r.internetGatewayIds(id)).internetGateways().isEmpty();
                case "elastic-ip" -> !ec2.describeAddresses(r -> r.allocationIds(id)).addresses().isEmpty();
                case "natgateway" -> ec2.describeNatGateways(r -> r.natGatewayIds(id)).natGateways().stream()
                        .anyMatch(n -> n.state() != NatGatewayState.DELETED);
                case "route-table" -> !ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables().isEmpty();
                case "security-group" -> !ec2.describeSecurityGroups(r -> r.groupIds(id)).securityGroups().isEmpty();
                case "network-acl" -> !ec2.describeNetworkAcls(r -> r.networkAclIds(id)).networkAcls().isEmpty();
                case "vpc-flow-log" -> !ec2.describeFlowLogs(r -> r.flowLogIds(id)).flowLogs().isEmpty();
                case "instance" -> ec2.describeInstances(r -> r.instanceIds(id)).reservations().stream().flatMap(r -> r.instances().stream())
                        .anyMatch(i -> i.state().name() != InstanceStateName.TERMINATED);
                case "volume" -> ec2.describeVolumes(r -> r.volumeIds(id)).volumes().stream().anyMatch(v -> v.state() != VolumeState.DELETED);
                default -> true;
            };
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e) || AwsErrors.errorCode(e).endsWith(".NotFound") || AwsErrors.errorCode(e).endsWith("NotFound")) {
                return false;
            }
            throw e;
        }
    }
}
