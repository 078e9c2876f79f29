package io.webplatform.operator.platform;

import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One security-group rule, flattened: a protocol, a port range and one peer (a CIDR or a group).
 * AWS groups rules into IpPermissions several ways; flattening makes two listings comparable.
 */
public record SecurityGroupRule(boolean ingress, String protocol, int fromPort, int toPort, String cidr, String groupId)
        implements Comparable<SecurityGroupRule> {

    public static SecurityGroupRule tcpFromCidr(int port, String cidr) {
        return new SecurityGroupRule(true, "tcp", port, port, cidr, null);
    }

    public static SecurityGroupRule tcpFromGroup(int port, String groupId) {
        return new SecurityGroupRule(true, "tcp", port, port, null, groupId);
    }

    public static SecurityGroupRule tcpToCidr(int port, String cidr) {
        return new SecurityGroupRule(false, "tcp", port, port, cidr, null);
    }

    public static SecurityGroupRule tcpToGroup(int port, String groupId) {
        return new SecurityGroupRule(false, "tcp", port, port, null, groupId);
    }

    /** Every rule of a group, as AWS reports it. */
    public static Set<SecurityGroupRule> of(SecurityGroup group) {
        Set<SecurityGroupRule> rules = new TreeSet<>();
        flatten(true, group.ipPermissions(), rules);
        flatten(false, group.ipPermissionsEgress(), rules);
        return rules;
    }

    private static void flatten(boolean ingress, List<IpPermission> permissions, Set<SecurityGroupRule> into) {
        for (IpPermission p : permissions) {
            String protocol = normalizeProtocol(p.ipProtocol());
            int from = p.fromPort() == null ? -1 : p.fromPort();
            int to = p.toPort() == null ? -1 : p.toPort();
            p.ipRanges().forEach(r -> into.add(new SecurityGroupRule(ingress, protocol, from, to, r.cidrIp(), null)));
            p.ipv6Ranges().forEach(r -> into.add(new SecurityGroupRule(ingress, protocol, from, to, r.cidrIpv6(), null)));
            p.userIdGroupPairs().forEach(g -> into.add(new SecurityGroupRule(ingress, protocol, from, to, null, g.groupId())));
            p.prefixListIds().forEach(l -> into.add(new SecurityGroupRule(ingress, protocol, from, to, l.prefixListId(), null)));
        }
    }

    static String normalizeProtocol(String protocol) {
        return switch (protocol) {
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            default -> protocol;
        };
    }

    public IpPermission toPermission() {
        IpPermission.Builder b = IpPermission.builder().ipProtocol(protocol);
        if (!"-1".equals(protocol)) {
            b.fromPort(fromPort).toPort(toPort);
        }
        if (groupId != null) {
            b.userIdGroupPairs(g -> g.groupId(groupId));
        } else if (cidr.contains(":")) {
            b.ipv6Ranges(r -> r.cidrIpv6(cidr));
        } else if (cidr.startsWith("pl-")) {
            b.prefixListIds(l -> l.prefixListId(cidr));
        } else {
            b.ipRanges(r -> r.cidrIp(cidr));
        }
        return b.build();
    }

    /** True for admin ports (SSH, RDP) open to the whole Internet: never desired, reported if found. */
    public boolean opensAdminPortToTheWorld() {
        boolean world = "0.0.0.0/0".equals(cidr) || "::/0".equals(cidr);
        boolean all = "-1".equals(protocol);
        boolean admin = all || (fromPort <= 22 && toPort >= 22) || (fromPort <= 3389 && toPort >= 3389);
        return ingress && world && admin;
    }

    public static List<IpPermission> permissions(List<SecurityGroupRule> rules) {
        List<IpPermission> out = new ArrayList<>();
        rules.forEach(r -> out.add(r.toPermission()));
        return out;
    }

    /** The group as it is once it holds exactly these rules: what a repair leaves, without reading it back. */
    public static SecurityGroup holding(SecurityGroup group, Collection<SecurityGroupRule> rules) {
        return group.toBuilder()
                .ipPermissions(permissions(rules.stream().filter(SecurityGroupRule::ingress).toList()))
                .ipPermissionsEgress(permissions(rules.stream().filter(r -> !r.ingress()).toList()))
                .build();
    }

    @Override
    public int compareTo(SecurityGroupRule o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return (ingress ? "in " : "out ") + protocol + ":" + fromPort + "-" + toPort + " " + (groupId != null ? groupId : cidr);
    }
}
