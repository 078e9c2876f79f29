package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The default group's diff, pure: it must hold no rule at all. */
class DefaultSecurityGroupDiffTest {
    private final DefaultSecurityGroup component = new DefaultSecurityGroup();
    private final DefaultSecurityGroup.Desired empty = new DefaultSecurityGroup.Desired("vpc-1", Set.of());

    private static DefaultSecurityGroup.State holding(SecurityGroupRule... rules) {
        return new DefaultSecurityGroup.State(SecurityGroupRule.holding(SecurityGroup.builder().groupId("sg-default").build(), List.of(rules)));
    }

    @Test
    void anEmptyGroupMatches() {
        assertThat(component.diff(holding(), empty)).isEmpty();
    }

    @Test
    void awssDefaultRulesAreRevokedOneByOne() {
        SecurityGroupRule fromItself = new SecurityGroupRule(true, "-1", -1, -1, null, "sg-default");
        SecurityGroupRule toAnywhere = new SecurityGroupRule(false, "-1", -1, -1, "0.0.0.0/0", null);
        assertThat(component.diff(holding(fromItself, toAnywhere), empty)).containsExactly(
                Change.unwanted("in -1:-1--1 sg-default", fromItself, "default group sg-default: revoked in -1:-1--1 sg-default"),
                Change.unwanted("out -1:-1--1 0.0.0.0/0", toAnywhere, "default group sg-default: revoked out -1:-1--1 0.0.0.0/0"));
    }

    @Test
    void sshOpenedByHandIsRevoked() {
        SecurityGroupRule ssh = SecurityGroupRule.tcpFromCidr(22, "0.0.0.0/0");
        assertThat(component.diff(holding(ssh), empty)).containsExactly(
                Change.unwanted("in tcp:22-22 0.0.0.0/0", ssh, "default group sg-default: revoked in tcp:22-22 0.0.0.0/0"));
    }
}
