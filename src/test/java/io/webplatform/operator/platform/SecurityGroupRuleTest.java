package io.webplatform.operator.platform;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityGroupRuleTest {

    @Test
    void flattensGroupedPermissionsSoListingsCompare() {
        SecurityGroup group = SecurityGroup.builder()
                .ipPermissions(IpPermission.builder().ipProtocol("6").fromPort(80).toPort(80)
                        .ipRanges(r -> r.cidrIp("10.0.0.0/8"), r -> r.cidrIp("192.168.0.0/16")).build())
                .ipPermissionsEgress(IpPermission.builder().ipProtocol("-1").ipRanges(r -> r.cidrIp("0.0.0.0/0")).build())
                .build();
        assertThat(SecurityGroupRule.of(group)).containsExactlyInAnyOrder(
                SecurityGroupRule.tcpFromCidr(80, "10.0.0.0/8"), SecurityGroupRule.tcpFromCidr(80, "192.168.0.0/16"),
                new SecurityGroupRule(false, "-1", -1, -1, "0.0.0.0/0", null));
    }

    @Test
    void roundTripsToPermissions() {
        SecurityGroupRule rule = SecurityGroupRule.tcpFromGroup(5432, "sg-1");
        IpPermission p = rule.toPermission();
        assertThat(p.ipProtocol()).isEqualTo("tcp");
        assertThat(p.fromPort()).isEqualTo(5432);
        assertThat(p.userIdGroupPairs().get(0).groupId()).isEqualTo("sg-1");
        assertThat(SecurityGroupRule.of(SecurityGroup.builder().ipPermissions(p).build())).containsExactly(rule);
    }

    @Test
    void keepsEachPeersDescriptionBesideItsRuleAndNoneAsEmpty() {
        SecurityGroup group = SecurityGroup.builder()
                .ipPermissions(IpPermission.builder().ipProtocol("tcp").fromPort(80).toPort(80)
                        .ipRanges(r -> r.cidrIp("10.0.0.0/8").description("clients to listener 80"), r -> r.cidrIp("192.168.0.0/16"))
                        .ipv6Ranges(r -> r.cidrIpv6("::/0").description("v6 clients"))
                        .userIdGroupPairs(g -> g.groupId("sg-1").description("load balancer to app 80")).build())
                .ipPermissionsEgress(IpPermission.builder().ipProtocol("tcp").fromPort(443).toPort(443)
                        .prefixListIds(l -> l.prefixListId("pl-1").description("to S3")).build())
                .build();
        assertThat(SecurityGroupRule.described(group)).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                SecurityGroupRule.tcpFromCidr(80, "10.0.0.0/8"), "clients to listener 80",
                SecurityGroupRule.tcpFromCidr(80, "192.168.0.0/16"), "",
                SecurityGroupRule.tcpFromCidr(80, "::/0"), "v6 clients",
                SecurityGroupRule.tcpFromGroup(80, "sg-1"), "load balancer to app 80",
                SecurityGroupRule.tcpToCidr(443, "pl-1"), "to S3"));
        // The description is beside the rule, not part of it: the same rule whatever it says.
        assertThat(SecurityGroupRule.of(group)).hasSize(5).contains(SecurityGroupRule.tcpFromCidr(80, "10.0.0.0/8"));
    }

    @Test
    void sendsTheDescriptionOnThePeerAndNoneForEmpty() {
        for (SecurityGroupRule rule : java.util.List.of(SecurityGroupRule.tcpFromCidr(80, "10.0.0.0/8"), SecurityGroupRule.tcpFromCidr(80, "::/0"),
                SecurityGroupRule.tcpFromGroup(5432, "sg-1"), SecurityGroupRule.tcpToCidr(443, "pl-1"))) {
            SecurityGroup described = holdingOne(rule, rule.toPermission("app to database 5432"));
            assertThat(SecurityGroupRule.described(described)).as(rule.toString()).containsExactly(java.util.Map.entry(rule, "app to database 5432"));
            IpPermission none = rule.toPermission("");
            assertThat(none.ipRanges()).allMatch(r -> r.description() == null);
            assertThat(none.ipv6Ranges()).allMatch(r -> r.description() == null);
            assertThat(none.userIdGroupPairs()).allMatch(g -> g.description() == null);
            assertThat(none.prefixListIds()).allMatch(l -> l.description() == null);
            assertThat(SecurityGroupRule.described(holdingOne(rule, none))).containsExactly(java.util.Map.entry(rule, ""));
        }
    }

    private static SecurityGroup holdingOne(SecurityGroupRule rule, IpPermission permission) {
        return rule.ingress() ? SecurityGroup.builder().ipPermissions(permission).build()
                : SecurityGroup.builder().ipPermissionsEgress(permission).build();
    }

    @Test
    void recognisesAdminPortsOpenToTheWorld() {
        assertThat(SecurityGroupRule.tcpFromCidr(22, "0.0.0.0/0").opensAdminPortToTheWorld()).isTrue();
        assertThat(SecurityGroupRule.tcpFromCidr(3389, "0.0.0.0/0").opensAdminPortToTheWorld()).isTrue();
        assertThat(new SecurityGroupRule(true, "tcp", 0, 65535, "0.0.0.0/0", null).opensAdminPortToTheWorld()).isTrue();
        assertThat(new SecurityGroupRule(true, "-1", -1, -1, "::/0", null).opensAdminPortToTheWorld()).isTrue();
        assertThat(SecurityGroupRule.tcpFromCidr(22, "10.0.0.0/8").opensAdminPortToTheWorld()).isFalse();
        assertThat(SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0").opensAdminPortToTheWorld()).isFalse();
        assertThat(SecurityGroupRule.tcpToCidr(22, "0.0.0.0/0").opensAdminPortToTheWorld()).isFalse();
    }
}
