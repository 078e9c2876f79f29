package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The security groups' diff, pure: groups and rules written by hand, as EC2 would list them. */
class SecurityGroupsDiffTest {
    private final SecurityGroups component = new SecurityGroups();
    private final WebPlatformSpec spec = new WebPlatformSpec();

    private SecurityGroups.Desired desired() {
        Map<String, SecurityGroups.Group> byRole = new LinkedHashMap<>();
        for (String role : SecurityGroups.roles()) {
            byRole.put(role, new SecurityGroups.Group(role, "wp-" + role, role + " group", null, SecurityGroups.rules(spec, role)));
        }
        return new SecurityGroups.Desired("vpc-1", byRole);
    }

    private static SecurityGroup group(String id, SecurityGroupRule... rules) {
        return SecurityGroupRule.holding(SecurityGroup.builder().groupId(id).build(), List.of(rules));
    }

    private static final SecurityGroupRule LB_FROM_WORLD = SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0");
    private static final SecurityGroupRule LB_TO_APP = SecurityGroupRule.tcpToGroup(80, "sg-app");
    private static final SecurityGroupRule APP_FROM_LB = SecurityGroupRule.tcpFromGroup(80, "sg-lb");
    private static final SecurityGroupRule APP_TO_DB = SecurityGroupRule.tcpToGroup(5432, "sg-db");
    private static final SecurityGroupRule APP_TO_HTTPS = SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0");
    private static final SecurityGroupRule DB_FROM_APP = SecurityGroupRule.tcpFromGroup(5432, "sg-app");
    /** What AWS puts in every new group. */
    private static final SecurityGroupRule ALL_EGRESS = new SecurityGroupRule(false, "-1", -1, -1, "0.0.0.0/0", null);

    private static SecurityGroups.State state(SecurityGroup lb, SecurityGroup app, SecurityGroup db) {
        Map<String, SecurityGroup> byRole = new LinkedHashMap<>();
        if (lb != null) {
            byRole.put("lb", lb);
        }
        if (app != null) {
            byRole.put("app", app);
        }
        if (db != null) {
            byRole.put("db", db);
        }
        return new SecurityGroups.State(byRole);
    }

    private static SecurityGroups.State chain() {
        return state(group("sg-lb", LB_FROM_WORLD, LB_TO_APP), group("sg-app", APP_FROM_LB, APP_TO_DB, APP_TO_HTTPS),
                group("sg-db", DB_FROM_APP));
    }

    @Test
    void theStrictChainMatches() {
        assertThat(component.diff(chain(), desired())).isEmpty();
    }

    @Test
    void aRuleAddedByHandIsRevoked() {
        SecurityGroupRule ssh = SecurityGroupRule.tcpFromCidr(22, "0.0.0.0/0");
        var actual = state(group("sg-lb", LB_FROM_WORLD, LB_TO_APP), group("sg-app", APP_FROM_LB, APP_TO_DB, APP_TO_HTTPS, ssh),
                group("sg-db", DB_FROM_APP));
        assertThat(component.diff(actual, desired())).containsExactly(
                Change.unwanted("app in tcp:22-22 0.0.0.0/0", ssh, "app group sg-app: revoked in tcp:22-22 0.0.0.0/0"));
    }

    @Test
    void aMissingRuleIsAuthorizedWithItsPeersId() {
        var actual = state(group("sg-lb", LB_FROM_WORLD), group("sg-app", APP_FROM_LB, APP_TO_DB, APP_TO_HTTPS), group("sg-db", DB_FROM_APP));
        assertThat(component.diff(actual, desired())).containsExactly(
                Change.missing("lb out tcp:80-80 sg-app", LB_TO_APP, "lb group sg-lb: authorized out tcp:80-80 sg-app"));
    }

    @Test
    void freshGroupsLoseAwssAllowAllEgressAndGainTheirRules() {
        var actual = state(group("sg-lb", ALL_EGRESS), group("sg-app", ALL_EGRESS), group("sg-db", ALL_EGRESS));
        assertThat(component.diff(actual, desired())).extracting(Change::summary).containsExactly(
                "lb group sg-lb: revoked out -1:-1--1 0.0.0.0/0",
                "lb group sg-lb: authorized in tcp:80-80 0.0.0.0/0",
                "lb group sg-lb: authorized out tcp:80-80 sg-app",
                "app group sg-app: revoked out -1:-1--1 0.0.0.0/0",
                "app group sg-app: authorized in tcp:80-80 sg-lb",
                "app group sg-app: authorized out tcp:443-443 0.0.0.0/0",
                "app group sg-app: authorized out tcp:5432-5432 sg-db",
                "db group sg-db: revoked out -1:-1--1 0.0.0.0/0",
                "db group sg-db: authorized in tcp:5432-5432 sg-app");
    }

    @Test
    void aMissingGroupIsRecreatedAndRulesPointingAtItWaitForItsId() {
        var actual = state(group("sg-lb", LB_FROM_WORLD, LB_TO_APP), group("sg-app", APP_FROM_LB, APP_TO_HTTPS), null);
        assertThat(component.diff(actual, desired())).containsExactly(Change.missing("db", "wp-db", "security group db recreated"));
    }

    @Test
    void theListenerPortsAndAllowedCidrsOpenTheLoadBalancerGroup() {
        spec.loadBalancer.ports = List.of(80, 443);
        spec.loadBalancer.allowedCidrs = List.of("203.0.113.0/24");
        List<Change> changes = component.diff(chain(), desired());
        assertThat(changes).extracting(Change::field).containsExactly(
                "lb in tcp:80-80 0.0.0.0/0", "lb in tcp:443-443 203.0.113.0/24", "lb in tcp:80-80 203.0.113.0/24");
        assertThat(changes.get(0).desired()).isEqualTo(Change.ABSENT);
        assertThat(changes.get(1).actual()).isEqualTo(Change.ABSENT);
    }

    @Test
    void theAppPortMovesBothEndsOfTheLoadBalancerLink() {
        spec.app.port = 8080;
        assertThat(component.diff(chain(), desired())).extracting(Change::summary).containsExactly(
                "lb group sg-lb: revoked out tcp:80-80 sg-app",
                "lb group sg-lb: authorized out tcp:8080-8080 sg-app",
                "app group sg-app: revoked in tcp:80-80 sg-lb",
                "app group sg-app: authorized in tcp:8080-8080 sg-lb");
    }
}
