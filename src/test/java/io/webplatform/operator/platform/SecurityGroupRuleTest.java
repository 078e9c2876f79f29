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
