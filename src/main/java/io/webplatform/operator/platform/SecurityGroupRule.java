package io.webplatform.operator.platform;

import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One security-group rule, flattened: a protocol, a port range and one peer (a CIDR or a group).
 * AWS groups rules into IpPermissions several ways; flattening makes two listings comparable.
 *
 * <p>This is the rule's identity, as EC2 matches rules: a rule's description is not part of it (authorizing
 * the same rule with another description is InvalidPermission.Duplicate, and UpdateSecurityGroupRuleDescriptions*
 * finds the rule by it). Descriptions travel beside it, by rule ({@link #described}).
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
        return new TreeSet<>(described(group).keySet());
    }

    /** Every rule of a group with its description, as AWS reports them; "" for a rule that has none. */
    public static Map<SecurityGroupRule, String> described(SecurityGroup group) {
        Map<SecurityGroupRule, String> rules = new TreeMap<>();
        flatten(true, group.ipPermissions(), rules);
        flatten(false, group.ipPermissionsEgress(), rules);
        return rules;
    }

    private static void flatten(boolean ingress, List<IpPermission> permissions, Map<SecurityGroupRule, String> into) {
        for (IpPermission p : permissions) {
            String protocol = normalizeProtocol(p.ipProtocol());
            int from = p.fromPort() == null ? -1 : p.fromPort();
            int to = p.toPort() == null ? -1 : p.toPort();
            p.ipRanges().forEach(r -> into.put(new SecurityGroupRule(ingress, protocol, from, to, r.cidrIp(), null), text(r.description())));
            p.ipv6Ranges().forEach(r -> into.put(new SecurityGroupRule(ingress, protocol, from, to, r.cidrIpv6(), null), text(r.description())));
            p.userIdGroupPairs().forEach(g -> into.put(new SecurityGroupRule(ingress, protocol, from, to, null, g.groupId()), text(g.description())));
            p.prefixListIds().forEach(l -> into.put(new SecurityGroupRule(ingress, protocol, from, to, l.prefixListId(), null), text(l.description())));
        }
    }

    /** AWS leaves the description out of a rule that has none; "" stands for it, so a missing one compares as different. */
    private static String text(String description) {
        return description == null ? "" : description;
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
        return toPermission("");
    }

    /** The rule as AWS takes it, with this description on its peer ("" or null: none). */
    public IpPermission toPermission(String description) {
        String d = description == null || description.isEmpty() ? null : description;
        IpPermission.Builder b = IpPermission.builder().ipProtocol(protocol);
        if (!"-1".equals(protocol)) {
            b.fromPort(fromPort).toPort(toPort);
        }
        if (groupId != null) {
            b.userIdGroupPairs(g -> g.groupId(groupId).description(d));
        } else if (cidr.contains(":")) {
            b.ipv6Ranges(r -> r.cidrIpv6(cidr).description(d));
        } else if (cidr.startsWith("pl-")) {
            b.prefixListIds(l -> l.prefixListId(cidr).description(d));
        } else {
            b.ipRanges(r -> r.cidrIp(cidr).description(d));
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

    /** The rules as AWS takes them, each with its description ("" or a rule absent from the map: none). */
    public static List<IpPermission> permissions(List<SecurityGroupRule> rules, Map<SecurityGroupRule, String> descriptions) {
        List<IpPermission> out = new ArrayList<>();
        rules.forEach(r -> out.add(r.toPermission(descriptions.get(r))));
        return out;
    }

    /** The group holding exactly these rules, none with a description: what AWS gives a new group, or a group emptied. */
    public static SecurityGroup holding(SecurityGroup group, Collection<SecurityGroupRule> rules) {
        Map<SecurityGroupRule, String> undescribed = new TreeMap<>();
        rules.forEach(r -> undescribed.put(r, ""));
        return holding(group, undescribed);
    }

    /** The group as it is once it holds exactly these rules, with these descriptions: what a repair leaves, without reading it back. */
    public static SecurityGroup holding(SecurityGroup group, Map<SecurityGroupRule, String> rules) {
        List<SecurityGroupRule> ingress = rules.keySet().stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> egress = rules.keySet().stream().filter(r -> !r.ingress()).toList();
        return group.toBuilder().ipPermissions(permissions(ingress, rules)).ipPermissionsEgress(permissions(egress, rules)).build();
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
