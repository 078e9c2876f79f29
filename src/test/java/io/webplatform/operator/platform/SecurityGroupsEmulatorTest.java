package io.webplatform.operator.platform;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.SimulatedCrash;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the security groups' apply leaves in the pass's observations: the findings, judged after the
 * walk, see the repaired groups, and groups recreated mid-pass carry their rules and ids to dependents.
 */
class SecurityGroupsEmulatorTest extends PlatformFixture {

    @Test
    void theFindingsOfTheFirstPassJudgeTheGroupsAsApplyLeftThem() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = scope(wp);
        graph.reconcile(scope, new RecordedEvents());
        // AWS made each group with an allow-all egress; the same pass revoked it.
        assertThat(NetworkFindings.evaluate(scope)).filteredOn(f -> f.getId().startsWith("SG_")).hasSize(7).noneMatch(Finding::failed);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    @Test
    void groupsMissingAfterACrashAreRecreatedWithTheirRulesInOnePass() {
        CRASH.arm(Integer.MAX_VALUE);
        WebPlatform probe = platform(new WebPlatformSpec());
        graph.reconcile(scope(probe), new RecordedEvents());
        List<String> mutations = CRASH.mutations();
        CRASH.disarm();
        deleteFully(probe);
        int afterTheFirstGroup = mutations.indexOf("Ec2:CreateSecurityGroup") + 1;

        WebPlatform wp = platform(new WebPlatformSpec());
        CRASH.arm(afterTheFirstGroup);
        assertThatThrownBy(() -> graph.reconcile(scope(wp), new RecordedEvents())).isInstanceOf(SimulatedCrash.class);
        CRASH.disarm();
        PlatformScope scope = scope(wp);
        var pass = graph.reconcile(scope, new RecordedEvents());
        assertThat(pass.repairs()).contains("SecurityGroups: security group app recreated", "SecurityGroups: security group db recreated");

        var groups = SecurityGroups.of(scope).byRole;
        assertThat(groups).containsOnlyKeys(SecurityGroups.roles());
        String lb = groups.get("lb").groupId();
        String app = groups.get("app").groupId();
        String db = groups.get("db").groupId();
        assertThat(SecurityGroupRule.of(groups.get("lb"))).containsExactlyInAnyOrder(
                SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0"), SecurityGroupRule.tcpToGroup(80, app));
        assertThat(SecurityGroupRule.of(groups.get("app"))).containsExactlyInAnyOrder(
                SecurityGroupRule.tcpFromGroup(80, lb), SecurityGroupRule.tcpToGroup(5432, db), SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0"));
        assertThat(SecurityGroupRule.of(groups.get("db"))).containsExactly(SecurityGroupRule.tcpFromGroup(5432, app));
        for (var group : groups.values()) {
            assertThat(SecurityGroupRule.of(group)).as("recorded %s is what AWS holds", group.groupId()).isEqualTo(SecurityGroupRule.of(
                    aws.ec2(Emulator.REGION).describeSecurityGroups(r -> r.groupIds(group.groupId())).securityGroups().get(0)));
        }
        assertThat(converge(wp).allReady()).isTrue();
        assertThat(inventory(wp)).isEqualTo(FULL_PLATFORM);
        assertThat(deleteFully(wp).allGone()).isTrue();
    }
}
