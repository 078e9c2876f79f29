package io.webplatform.operator.platform;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.testing.Emulator;
import io.webplatform.operator.testing.SimulatedCrash;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.AuthorizeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupEgressRequest;
import software.amazon.awssdk.services.ec2.model.RevokeSecurityGroupIngressRequest;
import software.amazon.awssdk.services.ec2.model.UpdateSecurityGroupRuleDescriptionsEgressRequest;
import software.amazon.awssdk.services.ec2.model.UpdateSecurityGroupRuleDescriptionsIngressRequest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the security groups' apply leaves in the pass's observations: the findings, judged after the
 * walk, see the repaired groups, and groups recreated mid-pass carry their rules and ids to dependents.
 * Rule descriptions as AWS keeps them (SecurityGroupRulesAsAws plays what the emulator lacks): made with
 * each rule, and put back in place when changed or missing.
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

    private static Map<SecurityGroupRule, String> described(Ec2Client ec2, String groupId) {
        return SecurityGroupRule.described(ec2.describeSecurityGroups(r -> r.groupIds(groupId)).securityGroups().get(0));
    }

    @Test
    void descriptionsChangedOrMissingArePutBackInPlaceAndNoRuleLeaves() {
        WebPlatform wp = platform(new WebPlatformSpec());
        PlatformScope scope = convergedScope(wp);
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        Map<String, String> ids = new LinkedHashMap<>();
        SecurityGroups.of(scope).byRole.forEach((role, g) -> ids.put(role, g.groupId()));
        String lb = ids.get("lb");
        String app = ids.get("app");
        String db = ids.get("db");
        String https = "app to HTTPS 443: Systems Manager, Secrets Manager, packages";
        // As made: every rule with what it admits, as AWS lists it.
        Map<String, Map<SecurityGroupRule, String>> made = Map.of(
                "lb", Map.of(SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0"), "clients to listener 80",
                        SecurityGroupRule.tcpToGroup(80, app), "load balancer to app 80"),
                "app", Map.of(SecurityGroupRule.tcpFromGroup(80, lb), "load balancer to app 80",
                        SecurityGroupRule.tcpToGroup(5432, db), "app to database 5432", SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0"), https),
                "db", Map.of(SecurityGroupRule.tcpFromGroup(5432, app), "app to database 5432"));
        ids.forEach((role, id) -> assertThat(described(ec2, id)).as(role).isEqualTo(made.get(role)));

        // Someone rewrites the descriptions of a CIDR rule and of a group rule, and puts the database's rule back
        // without one (as an operator before descriptions made it).
        ec2.updateSecurityGroupRuleDescriptionsIngress(r -> r.groupId(lb).ipPermissions(
                SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0").toPermission("open to everyone, ask Bob")));
        ec2.updateSecurityGroupRuleDescriptionsEgress(r -> r.groupId(app).ipPermissions(SecurityGroupRule.tcpToGroup(5432, db).toPermission("temporary")));
        ec2.revokeSecurityGroupIngress(r -> r.groupId(db).ipPermissions(SecurityGroupRule.tcpFromGroup(5432, app).toPermission()));
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(db).ipPermissions(SecurityGroupRule.tcpFromGroup(5432, app).toPermission()));
        assertThat(described(ec2, lb)).containsEntry(SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0"), "open to everyone, ask Bob");
        assertThat(described(ec2, app)).containsEntry(SecurityGroupRule.tcpToGroup(5432, db), "temporary").hasSize(3);
        assertThat(described(ec2, db)).containsExactly(Map.entry(SecurityGroupRule.tcpFromGroup(5432, app), ""));

        REQUESTS.start();
        PlatformScope repairing = scope(wp);
        var pass = graph.reconcile(repairing, new RecordedEvents());
        assertThat(pass.repairs()).filteredOn(r -> r.startsWith(SecurityGroups.NAME)).hasSize(3)
                .anyMatch(r -> r.contains("lb group " + lb + ": described in tcp:80-80 0.0.0.0/0 as \"clients to listener 80\""
                        + " (was \"open to everyone, ask Bob\")"))
                .anyMatch(r -> r.contains("app group " + app + ": described out tcp:5432-5432 " + db + " as \"app to database 5432\" (was \"temporary\")"))
                .anyMatch(r -> r.contains("db group " + db + ": described in tcp:5432-5432 " + app + " as \"app to database 5432\" (it had none)"));
        // In place: no window without the rule.
        assertThat(REQUESTS.sent(RevokeSecurityGroupIngressRequest.class)).isEmpty();
        assertThat(REQUESTS.sent(RevokeSecurityGroupEgressRequest.class)).isEmpty();
        assertThat(REQUESTS.sent(AuthorizeSecurityGroupIngressRequest.class)).isEmpty();
        assertThat(REQUESTS.sent(AuthorizeSecurityGroupEgressRequest.class)).isEmpty();
        assertThat(REQUESTS.sent(UpdateSecurityGroupRuleDescriptionsIngressRequest.class)).extracting(r -> r.groupId()).containsExactly(lb, db);
        assertThat(REQUESTS.sent(UpdateSecurityGroupRuleDescriptionsEgressRequest.class)).extracting(r -> r.groupId()).containsExactly(app);
        REQUESTS.stop();

        ids.forEach((role, id) -> {
            assertThat(described(ec2, id)).as(role).isEqualTo(made.get(role));
            assertThat(SecurityGroupRule.described(SecurityGroups.of(repairing).byRole.get(role))).as("recorded " + role).isEqualTo(made.get(role));
        });
        assertThat(graph.reconcile(scope(wp), new RecordedEvents()).repairs()).isEmpty();
        assertThat(deleteFully(wp).allGone()).isTrue();
    }

    /** The seam's own account of AWS, against the emulator: what the operator's tests rely on it for. */
    @Test
    void theEmulatorKeepsRuleDescriptionsAsAwsDoes() {
        Ec2Client ec2 = aws.ec2(Emulator.REGION);
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        String a = ec2.createSecurityGroup(r -> r.groupName("descriptions-a-" + System.nanoTime()).description("a").vpcId(vpc)).groupId();
        String b = ec2.createSecurityGroup(r -> r.groupName("descriptions-b-" + System.nanoTime()).description("b").vpcId(vpc)).groupId();
        SecurityGroupRule fromB = SecurityGroupRule.tcpFromGroup(8080, b);
        SecurityGroupRule fromOffice = SecurityGroupRule.tcpFromCidr(80, "203.0.113.0/24");

        // Over 255 characters, or a character outside the API reference's set: refused.
        for (String refused : List.of("x".repeat(256), "clients <80>", "caf\u00e9")) {
            assertThatThrownBy(() -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(a).ipPermissions(fromOffice.toPermission(refused))))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
        }
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(a).ipPermissions(fromOffice.toPermission("x".repeat(255))));
        assertThatThrownBy(() -> ec2.updateSecurityGroupRuleDescriptionsIngress(r -> r.groupId(a).ipPermissions(fromOffice.toPermission("a\tb"))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));

        // A group rule is one rule whatever its description: a duplicate under another, updated in place, revoked without it.
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(a).ipPermissions(fromB.toPermission("b to 8080")));
        assertThatThrownBy(() -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(a).ipPermissions(fromB.toPermission("other"))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidPermission.Duplicate"));
        ec2.updateSecurityGroupRuleDescriptionsIngress(r -> r.groupId(a).ipPermissions(fromB.toPermission("b to the app")));
        // With AWS's allow-all egress of a new group.
        assertThat(described(ec2, a)).containsAllEntriesOf(Map.of(fromB, "b to the app", fromOffice, "x".repeat(255))).hasSize(3);
        ec2.revokeSecurityGroupIngress(r -> r.groupId(a).ipPermissions(fromB.toPermission()));
        assertThat(described(ec2, a)).doesNotContainKey(fromB).containsKey(fromOffice).hasSize(2);

        ec2.deleteSecurityGroup(r -> r.groupId(a));
        ec2.deleteSecurityGroup(r -> r.groupId(b));
        ec2.deleteVpc(r -> r.vpcId(vpc));
    }
}
