package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The network a WebPlatform asks for, worked out before any AWS call: two zones, a public and a
 * private subnet in each, and how many NAT gateways.
 *
 * @param zones          the two availability zones, in order
 * @param publicSubnets  public subnet CIDRs, one per zone
 * @param privateSubnets private subnet CIDRs, one per zone
 * @param natGateways    1 (Single) or 2 (PerZone)
 */
public record NetworkPlan(String vpcCidr, List<String> zones, List<String> publicSubnets, List<String> privateSubnets,
                          int natGateways) {

    public static NetworkPlan of(WebPlatformSpec.Network network, List<String> zones) {
        List<String> carved = carve(network.vpcCidr);
        List<String> pub = network.publicSubnetCidrs != null ? network.publicSubnetCidrs : carved.subList(0, 2);
        List<String> priv = network.privateSubnetCidrs != null ? network.privateSubnetCidrs : carved.subList(2, 4);
        int nat = network.natGateways == WebPlatformSpec.NatGateways.Single ? 1 : 2;
        return new NetworkPlan(network.vpcCidr, List.copyOf(zones), List.copyOf(pub), List.copyOf(priv), nat);
    }

    /** The NAT gateway that zone {@code zoneIndex}'s private subnet routes through. */
    public int natFor(int zoneIndex) {
        return natGateways == 1 ? 0 : zoneIndex;
    }

    /**
     * The first four subnets of the VPC: /24s (as the original set-up had in its /16), or, in a VPC
     * too small for four /24s, a quarter of the VPC each (never below AWS's /28: the schema allows
     * VPCs up to /24).
     */
    static List<String> carve(String vpcCidr) {
        String[] parts = vpcCidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        int subnetPrefix = Math.min(Math.max(prefix + 2, 24), 28);
        long base = ipToLong(parts[0]);
        long size = 1L << (32 - subnetPrefix);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            out.add(longToIp(base + i * size) + "/" + subnetPrefix);
        }
        return out;
    }

    static long ipToLong(String ip) {
        long value = 0;
        for (String octet : ip.split("\\.")) {
            value = (value << 8) | Integer.parseInt(octet);
        }
        return value;
    }

    static String longToIp(long value) {
        return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
    }
}
