package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.testing.SecurityGroupRulesAsAws;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The security groups' diff, pure: groups and rules written by hand, as EC2 would list them, descriptions included. */
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

    /** A group holding these rules, each with the description the operator gives it (AWS's default egress has none). */
    private static SecurityGroup group(String id, SecurityGroupRule... rules) {
        Map<SecurityGroupRule, String> held = new TreeMap<>();
        for (SecurityGroupRule rule : rules) {
            held.put(rule, DESCRIPTIONS.getOrDefault(rule, ""));
        }
        return SecurityGroupRule.holding(SecurityGroup.builder().groupId(id).build(), held);
    }

    /** A group holding these rules with these descriptions. */
    private static SecurityGroup group(String id, Map<SecurityGroupRule, String> held) {
        return SecurityGroupRule.holding(SecurityGroup.builder().groupId(id).build(), held);
    }

    private static final SecurityGroupRule LB_FROM_WORLD = SecurityGroupRule.tcpFromCidr(80, "0.0.0.0/0");
    private static final SecurityGroupRule LB_TO_APP = SecurityGroupRule.tcpToGroup(80, "sg-app");
    private static final SecurityGroupRule APP_FROM_LB = SecurityGroupRule.tcpFromGroup(80, "sg-lb");
    private static final SecurityGroupRule APP_TO_DB = SecurityGroupRule.tcpToGroup(5432, "sg-db");
    private static final SecurityGroupRule APP_TO_HTTPS = SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0");
    private static final SecurityGroupRule DB_FROM_APP = SecurityGroupRule.tcpFromGroup(5432, "sg-app");
    /** What AWS puts in every new group. */
    private static final SecurityGroupRule ALL_EGRESS = new SecurityGroupRule(false, "-1", -1, -1, "0.0.0.0/0", null);
    private static final String HTTPS = "app to HTTPS 443: Systems Manager, Secrets Manager, packages";
    private static final Map<SecurityGroupRule, String> DESCRIPTIONS = Map.of(LB_FROM_WORLD, "clients to listener 80",
            LB_TO_APP, "load balancer to app 80", APP_FROM_LB, "load balancer to app 80", APP_TO_DB, "app to database 5432",
            APP_TO_HTTPS, HTTPS, DB_FROM_APP, "app to database 5432");

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

    @Test
    void aRuleWithoutItsDescriptionIsDescribedInPlace() {
        var actual = state(group("sg-lb", Map.of(LB_FROM_WORLD, "", LB_TO_APP, "load balancer to app 80")),
                group("sg-app", Map.of(APP_FROM_LB, "", APP_TO_DB, "app to database 5432", APP_TO_HTTPS, HTTPS)), group("sg-db", DB_FROM_APP));
        assertThat(component.diff(actual, desired())).containsExactly(
                Change.described("lb in tcp:80-80 0.0.0.0/0 description", Change.ABSENT, "clients to listener 80",
                        "lb group sg-lb: described in tcp:80-80 0.0.0.0/0 as \"clients to listener 80\" (it had none)"),
                Change.described("app in tcp:80-80 sg-lb description", Change.ABSENT, "load balancer to app 80",
                        "app group sg-app: described in tcp:80-80 sg-lb as \"load balancer to app 80\" (it had none)"));
    }

    @Test
    void aDescriptionChangedByHandIsPutBackAndTheRuleStays() {
        var actual = state(group("sg-lb", LB_FROM_WORLD, LB_TO_APP), group("sg-app", APP_FROM_LB, APP_TO_DB, APP_TO_HTTPS),
                group("sg-db", Map.of(DB_FROM_APP, "temporary: anything goes")));
        List<Change> changes = component.diff(actual, desired());
        assertThat(changes).containsExactly(Change.described("db in tcp:5432-5432 sg-app description", "temporary: anything goes",
                "app to database 5432", "db group sg-db: described in tcp:5432-5432 sg-app as \"app to database 5432\" (was \"temporary: anything goes\")"));
        // Neither revoked nor authorized: the rule never leaves the group.
        assertThat(changes).noneMatch(c -> Change.ABSENT.equals(c.actual()) || Change.ABSENT.equals(c.desired()));
    }

    @Test
    void aRuleRevokedOrAuthorizedCarriesNoSeparateDescriptionChange() {
        spec.app.port = 8080;
        assertThat(component.diff(chain(), desired())).extracting(Change::field).noneMatch(f -> f.endsWith(" description"));
    }

    /** Specs at the edges: ports 1 and 65535, listener ports 80 and 443, peers IPv4, IPv6 and a prefix list. */
    private static List<WebPlatformSpec> edgeSpecs() {
        List<WebPlatformSpec> specs = new ArrayList<>();
        for (int appPort : List.of(1, 80, 8080, 65535)) {
            WebPlatformSpec s = new WebPlatformSpec();
            s.app.port = appPort;
            s.loadBalancer.ports = List.of(80, 443, 65535);
            s.loadBalancer.allowedCidrs = List.of("203.0.113.0/24", "0.0.0.0/0", "2001:db8::/32", "::/0", "pl-0123456789abcdef0");
            specs.add(s);
        }
        specs.add(new WebPlatformSpec());
        return specs;
    }

    @Test
    void everyRuleSaysWhatItAdmitsWithinEc2sRuleForDescriptions() {
        for (WebPlatformSpec s : edgeSpecs()) {
            for (String role : SecurityGroups.roles()) {
                for (SecurityGroups.Rule rule : SecurityGroups.rules(s, role)) {
                    assertThat(rule.description()).as(role + " " + rule).isNotBlank();
                    assertThat(AwsNameRules.EC2_SECURITY_GROUP_RULE_DESCRIPTION.violations(rule.description())).as(role + " " + rule).isEmpty();
                    assertThat(SecurityGroupRulesAsAws.acceptable(rule.description())).as(role + " " + rule).isTrue();
                }
            }
            // Both ends of a link between two groups say the same.
            assertThat(SecurityGroups.rules(s, "lb")).filteredOn(r -> "app".equals(r.peerRole())).extracting(SecurityGroups.Rule::description)
                    .containsExactlyElementsOf(SecurityGroups.rules(s, "app").stream().filter(r -> "lb".equals(r.peerRole()))
                            .map(SecurityGroups.Rule::description).toList());
            assertThat(SecurityGroups.rules(s, "app")).filteredOn(r -> "db".equals(r.peerRole())).extracting(SecurityGroups.Rule::description)
                    .containsExactly("app to database 5432");
            assertThat(SecurityGroups.rules(s, "db")).extracting(SecurityGroups.Rule::description).containsExactly("app to database 5432");
        }
        WebPlatformSpec s = edgeSpecs().get(3);
        assertThat(SecurityGroups.rules(s, "lb")).extracting(SecurityGroups.Rule::description).contains("clients to listener 443",
                "clients to listener 65535", "load balancer to app 65535");
    }

    /**
     * EC2's rule for a rule's description, as the API reference states it (IpRange, Ipv6Range, UserIdGroupPair,
     * PrefixListId: "Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and
     * ._-:/()#,@[]+=&;{}!$*"), held by the operator's table and by the seam that plays AWS alike.
     */
    @Test
    void ec2sRuleForDescriptionsIsTheApiReferences() {
        String documented = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:/()#,@[]+=&;{}!$*";
        List<String> accepted = new ArrayList<>(List.of(documented, "", "x".repeat(255)));
        documented.chars().forEach(c -> accepted.add(String.valueOf((char) c)));
        for (String d : accepted) {
            assertThat(AwsNameRules.EC2_SECURITY_GROUP_RULE_DESCRIPTION.accepts(d)).as("\"" + d + "\"").isTrue();
            assertThat(SecurityGroupRulesAsAws.acceptable(d)).as("\"" + d + "\"").isTrue();
        }
        List<String> refused = new ArrayList<>(List.of("x".repeat(256), "clients <80>", "it's", "say \"hi\"", "100%", "why?", "a|b", "~", "^",
                "`", "back\\slash", "caf\u00e9", "line\nbreak", "tab\there"));
        for (String d : refused) {
            assertThat(AwsNameRules.EC2_SECURITY_GROUP_RULE_DESCRIPTION.accepts(d)).as("\"" + d + "\"").isFalse();
            assertThat(SecurityGroupRulesAsAws.acceptable(d)).as("\"" + d + "\"").isFalse();
        }
        assertThat(AwsNameRules.EC2_SECURITY_GROUP_RULE_DESCRIPTION.maxLength()).isEqualTo(SecurityGroupRulesAsAws.MAX_DESCRIPTION).isEqualTo(255);
    }
}
