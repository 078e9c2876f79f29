package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The strict chain: load balancer (80/443 from the allowed CIDRs) -> app (the app port from the load
 * balancer group only) -> database (5432 from the app group only). No SSH or RDP anywhere.
 *
 * <p>Egress is narrowed too, instead of AWS's allow-all default: the load balancer may only reach the
 * app port of the app group; the app may reach the database group on 5432 and HTTPS anywhere (Systems
 * Manager, Secrets Manager and package repositories, through NAT); the database reaches nothing.
 * Any rule added by hand is revoked on the next resync.
 *
 * <p>Every rule carries a description saying what it admits ("load balancer to app 8080"), part of the
 * desired state: a description removed or changed by hand is put back with UpdateSecurityGroupRuleDescriptions*,
 * which changes it in place, so the rule itself never leaves (no revoke and authorize again).
 */
public class SecurityGroups implements Component<PlatformScope, SecurityGroups.Desired, SecurityGroups.State> {
    public static final String NAME = "SecurityGroups";
    public static final int POSTGRES = 5432;

    /** The groups found, by role (lb, app, db). */
    public static final class State {
        public final Map<String, SecurityGroup> byRole;

        public State(Map<String, SecurityGroup> byRole) {
            this.byRole = Collections.unmodifiableMap(new LinkedHashMap<>(byRole));
        }

        Map<String, String> idsByRole() {
            Map<String, String> ids = new LinkedHashMap<>();
            byRole.forEach((role, g) -> ids.put(role, g.groupId()));
            return ids;
        }
    }

    /** The three groups as the operator wants them, by role, in the VPC. */
    public record Desired(String vpcId, Map<String, Group> byRole) {
    }

    /** One group: what CreateSecurityGroup sends, and the only rules it may hold. */
    public record Group(String role, String name, String description, TagSpecification tags, List<Rule> rules) {

        /** The rules with their peers' ids, each with its description; a rule whose peer group does not exist yet is left out. */
        Map<SecurityGroupRule, String> resolved(Map<String, String> idsByRole) {
            Map<SecurityGroupRule, String> out = new TreeMap<>();
            rules.forEach(r -> {
                SecurityGroupRule rule = r.resolve(idsByRole);
                if (rule != null) {
                    out.put(rule, r.description());
                }
            });
            return out;
        }
    }

    /**
     * A TCP rule as the operator wants it. Its peer is a CIDR, or one of the three groups named by its
     * role: the group's id is AWS's to give, so it is known only once the group exists. Its description
     * says what it admits, within EC2's rule for descriptions (AwsNameRules.EC2_SECURITY_GROUP_RULE_DESCRIPTION).
     */
    public record Rule(boolean ingress, int port, String cidr, String peerRole, String description) {
        static Rule fromCidr(int port, String cidr, String description) {
            return new Rule(true, port, cidr, null, description);
        }

        static Rule fromGroup(int port, String role, String description) {
            return new Rule(true, port, null, role, description);
        }

        static Rule toCidr(int port, String cidr, String description) {
            return new Rule(false, port, cidr, null, description);
        }

        static Rule toGroup(int port, String role, String description) {
            return new Rule(false, port, null, role, description);
        }

        /** The rule as AWS lists it; null while the peer group does not exist. */
        SecurityGroupRule resolve(Map<String, String> idsByRole) {
            if (peerRole == null) {
                return new SecurityGroupRule(ingress, "tcp", port, port, cidr, null);
            }
            String id = idsByRole.get(peerRole);
            return id == null ? null : new SecurityGroupRule(ingress, "tcp", port, port, null, id);
        }
    }

    public static List<String> roles() {
        return List.of("lb", "app", "db");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        Map<String, Group> byRole = new LinkedHashMap<>();
        for (String role : roles()) {
            byRole.put(role, new Group(role, groupName(scope, role), description(role),
                    scope.tagSpec(ResourceType.SECURITY_GROUP, NAME, role), rules(scope.spec(), role)));
        }
        return new Desired(scope.idOf(Vpc.NAME), byRole);
    }

    /**
     * The rules each group must have, its peers named by role. A link between two groups has one
     * description at both ends (the load balancer's egress and the app's ingress: "load balancer to app 8080").
     */
    static List<Rule> rules(WebPlatformSpec spec, String role) {
        List<Rule> rules = new ArrayList<>();
        int appPort = spec.app.port;
        String lbToApp = "load balancer to app " + appPort;
        String appToDb = "app to database " + POSTGRES;
        switch (role) {
            case "lb" -> {
                for (int port : spec.loadBalancer.ports) {
                    for (String cidr : spec.loadBalancer.allowedCidrs) {
                        rules.add(Rule.fromCidr(port, cidr, "clients to listener " + port));
                    }
                }
                rules.add(Rule.toGroup(appPort, "app", lbToApp));
            }
            case "app" -> {
                rules.add(Rule.fromGroup(appPort, "lb", lbToApp));
                rules.add(Rule.toGroup(POSTGRES, "db", appToDb));
                rules.add(Rule.toCidr(443, "0.0.0.0/0", "app to HTTPS 443: Systems Manager, Secrets Manager, packages"));
            }
            case "db" -> rules.add(Rule.fromGroup(POSTGRES, "app", appToDb));
            default -> throw new IllegalArgumentException(role);
        }
        return rules.stream().distinct().toList();
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        State state = new State(scope.byRole(scope.described(PlatformListings.SECURITY_GROUPS, SecurityGroup.class,
                () -> scope.ec2().describeSecurityGroups(r -> r.filters(scope.ownedBy(NAME))).securityGroups()),
                SecurityGroup::tags, NAME));
        return state.byRole.isEmpty() ? null : observed(state);
    }

    /**
     * Ready only with every role's group: dependents read each id. A group deleted by hand is pending
     * until apply recreates it (and records it ready), or, under Observe, until a person does.
     */
    private static Observed<State> observed(State state) {
        List<String> missing = roles().stream().filter(role -> !state.byRole.containsKey(role)).toList();
        String ids = String.join(",", state.idsByRole().values());
        return missing.isEmpty() ? Observed.ready(ids, state)
                : Observed.pending(ids, "security group(s) " + String.join(", ", missing) + " missing", state);
    }

    /**
     * A missing group, then each rule to revoke or authorize, and each description to put back. Rules of
     * a missing group, and rules pointing at it, wait for its id: they are part of its recreation.
     */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        desired.byRole().values().stream().filter(g -> !actual.byRole.containsKey(g.role()))
                .forEach(g -> changes.add(Change.missing(g.role(), g.name(), "security group " + g.role() + " recreated")));
        ruleChanges(actual, desired).forEach(c -> changes.add(c.change()));
        return changes;
    }

    /** What is done to one rule: revoked, authorized (with its description), or given its description in place. */
    private enum Action { REVOKE, AUTHORIZE, DESCRIBE }

    /**
     * One rule to revoke from, authorize on, or describe in the group of a role, with the description AWS
     * holds ("" for none, or for a rule it lacks) and the one wanted ("" for a rule to revoke).
     */
    private record RuleChange(String role, String groupId, SecurityGroupRule rule, Action action, String held, String wanted) {
        String field() {
            return role + " " + rule + (action == Action.DESCRIBE ? " description" : "");
        }

        Change change() {
            String group = role + " group " + groupId + ": ";
            return switch (action) {
                case REVOKE -> Change.unwanted(field(), rule, group + "revoked " + rule);
                case AUTHORIZE -> Change.missing(field(), rule, group + "authorized " + rule);
                case DESCRIBE -> Change.described(field(), held.isEmpty() ? Change.ABSENT : held, wanted,
                        group + "described " + rule + " as \"" + wanted + "\"" + (held.isEmpty() ? " (it had none)" : " (was \"" + held + "\")"));
            };
        }
    }

    /**
     * For each existing group, in role order: the rules it holds and must not (revoked first), then those it
     * lacks, then those it holds with another description or none.
     */
    private static List<RuleChange> ruleChanges(State actual, Desired desired) {
        Map<String, String> ids = actual.idsByRole();
        List<RuleChange> out = new ArrayList<>();
        for (Group g : desired.byRole().values()) {
            SecurityGroup group = actual.byRole.get(g.role());
            if (group == null) {
                continue;
            }
            Map<SecurityGroupRule, String> wanted = g.resolved(ids);
            Map<SecurityGroupRule, String> held = SecurityGroupRule.described(group);
            held.forEach((r, d) -> {
                if (!wanted.containsKey(r)) {
                    out.add(new RuleChange(g.role(), group.groupId(), r, Action.REVOKE, d, ""));
                }
            });
            wanted.forEach((r, d) -> {
                if (!held.containsKey(r)) {
                    out.add(new RuleChange(g.role(), group.groupId(), r, Action.AUTHORIZE, "", d));
                }
            });
            wanted.forEach((r, d) -> {
                if (held.containsKey(r) && !held.get(r).equals(d)) {
                    out.add(new RuleChange(g.role(), group.groupId(), r, Action.DESCRIBE, held.get(r), d));
                }
            });
        }
        return out;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        for (Group group : desired.byRole().values()) {
            createGroupId(scope.ec2(), desired.vpcId(), group);
        }
    }

    /**
     * Recreates the missing groups, then revokes and authorizes the rules the diff found, with those a
     * recreation brings: the new group's own rules (AWS gives it an allow-all egress to revoke) and the
     * rules of the others that point at it; then puts back the descriptions found changed, in place.
     */
    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        Ec2Client ec2 = scope.ec2();
        Set<String> fields = changes.stream().map(Change::field).collect(Collectors.toSet());
        Map<String, SecurityGroup> groups = new LinkedHashMap<>(current.detail().byRole);
        Set<String> recreated = new HashSet<>();
        for (Group g : desired.byRole().values()) {
            if (!groups.containsKey(g.role()) && fields.contains(g.role())) {
                SecurityGroup group = createAndRead(ec2, desired.vpcId(), g);
                groups.put(g.role(), group);
                recreated.add(group.groupId());
            }
        }
        List<RuleChange> todo = ruleChanges(new State(groups), desired).stream()
                .filter(c -> fields.contains(c.field()) || recreated.contains(c.groupId()) || recreated.contains(c.rule().groupId()))
                .toList();
        for (String role : List.copyOf(groups.keySet())) {
            SecurityGroup group = groups.get(role);
            List<RuleChange> mine = todo.stream().filter(c -> c.role().equals(role)).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Map<SecurityGroupRule, String> held = SecurityGroupRule.described(group);
            Map<SecurityGroupRule, String> wanted = new TreeMap<>();
            mine.stream().filter(c -> c.action() != Action.REVOKE).forEach(c -> wanted.put(c.rule(), c.wanted()));
            List<SecurityGroupRule> revoked = rulesTo(mine, Action.REVOKE);
            revoke(ec2, group.groupId(), revoked, held);
            authorize(ec2, group.groupId(), rulesTo(mine, Action.AUTHORIZE), wanted);
            describe(ec2, group.groupId(), rulesTo(mine, Action.DESCRIBE), wanted);
            held.keySet().removeAll(revoked);
            held.putAll(wanted);
            groups.put(role, SecurityGroupRule.holding(group, held));
        }
        // What the groups hold now: dependents read a recreated group's id, and the findings judge the repaired rules.
        scope.record(NAME, observed(new State(groups)));
    }

    private static List<SecurityGroupRule> rulesTo(List<RuleChange> changes, Action action) {
        return changes.stream().filter(c -> c.action() == action).map(RuleChange::rule).toList();
    }

    /**
     * One AWS::EC2::SecurityGroup per role ("SecurityGroupsLb"), and one AWS::EC2::SecurityGroupIngress
     * per rule that admits another group ("SecurityGroupsAppFromLb80"). Rules to a CIDR and every egress
     * rule stay on the group: egress given on the group is what makes CloudFormation leave out AWS's
     * allow-all egress (the rule apply revokes), and the chain's egress runs one way (lb to app, app to
     * db), so those references make no cycle. An ingress from a group inline would close one (app admits
     * lb, lb sends to app), hence a resource of its own.
     * CloudFormation cannot express the db group's lack of any egress: a group made without egress rules
     * gets AWS's allow-all egress, which only the operator's apply revokes.
     * Every rule carries its Description, as the operator sends it (checkov CKV_AWS_23).
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        List<CfnResource> groupIngress = new ArrayList<>();
        for (Group g : desired.byRole().values()) {
            List<Map<String, Object>> ingress = new ArrayList<>();
            List<Map<String, Object>> egress = new ArrayList<>();
            for (Rule rule : g.rules()) {
                if (rule.ingress() && rule.peerRole() != null) {
                    Map<String, Object> standalone = new LinkedHashMap<>();
                    standalone.put("GroupId", groupIdReference(g.role()));
                    standalone.putAll(cfnRule(rule));
                    groupIngress.add(CfnResource.of(CfnResource.logicalId(NAME, g.role(), "from", rule.peerRole(), String.valueOf(rule.port())),
                            "AWS::EC2::SecurityGroupIngress", standalone));
                } else {
                    (rule.ingress() ? ingress : egress).add(cfnRule(rule));
                }
            }
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("GroupName", g.name());
            group.put("GroupDescription", g.description());
            group.put("VpcId", desired.vpcId());
            if (!ingress.isEmpty()) {
                group.put("SecurityGroupIngress", ingress);
            }
            if (!egress.isEmpty()) {
                group.put("SecurityGroupEgress", egress);
            }
            group.put("Tags", cfnTags(g.tags()));
            resources.add(CfnResource.of(logicalId(g.role()), "AWS::EC2::SecurityGroup", group));
        }
        resources.addAll(groupIngress);
        return resources;
    }

    /** A TCP rule in CloudFormation's words; its peer a CIDR (v4 or v6), a prefix list or a group, as SecurityGroupRule sends it. */
    private static Map<String, Object> cfnRule(Rule rule) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("IpProtocol", "tcp");
        r.put("FromPort", rule.port());
        r.put("ToPort", rule.port());
        String direction = rule.ingress() ? "Source" : "Destination";
        if (rule.peerRole() != null) {
            r.put(direction + "SecurityGroupId", groupIdReference(rule.peerRole()));
        } else if (rule.cidr().contains(":")) {
            r.put("CidrIpv6", rule.cidr());
        } else if (rule.cidr().startsWith("pl-")) {
            r.put(direction + "PrefixListId", rule.cidr());
        } else {
            r.put("CidrIp", rule.cidr());
        }
        r.put("Description", rule.description());
        return r;
    }

    /** The tags CreateSecurityGroup sends, as CloudFormation's Tags. */
    private static List<Map<String, Object>> cfnTags(TagSpecification spec) {
        Map<String, String> tags = new LinkedHashMap<>();
        spec.tags().forEach(t -> tags.put(t.key(), t.value()));
        return CfnResource.tags(tags);
    }

    static String logicalId(String role) {
        return CfnResource.logicalId(NAME, role);
    }

    /** The group's id as a reference: Fn::GetAtt GroupId, which the reference documents as the sg- id. */
    private static String groupIdReference(String role) {
        return CfnResource.attribute(logicalId(role), "GroupId");
    }

    /** The three groups holding exactly their rules, as apply leaves them; their ids and peers' ids are references. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, String> ids = new LinkedHashMap<>();
        desired.byRole().keySet().forEach(role -> ids.put(role, groupIdReference(role)));
        Map<String, SecurityGroup> byRole = new LinkedHashMap<>();
        for (Group g : desired.byRole().values()) {
            SecurityGroup group = SecurityGroup.builder().groupId(ids.get(g.role())).groupName(g.name()).description(g.description())
                    .vpcId(desired.vpcId()).tags(g.tags().tags()).build();
            byRole.put(g.role(), SecurityGroupRule.holding(group, g.resolved(ids)));
        }
        return observed(new State(byRole));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        Ec2Client ec2 = scope.ec2();
        // Groups that refer to each other cannot be deleted until those references go.
        for (SecurityGroup group : current.detail().byRole.values()) {
            Map<SecurityGroupRule, String> held = SecurityGroupRule.described(group);
            List<SecurityGroupRule> references = held.keySet().stream().filter(r -> r.groupId() != null).toList();
            DeleteFailures.call("security group " + group.groupId(), () -> revoke(ec2, group.groupId(), references, held));
        }
        for (SecurityGroup group : current.detail().byRole.values()) {
            DeleteFailures.call("security group " + group.groupId(), () -> ec2.deleteSecurityGroup(r -> r.groupId(group.groupId())),
                    () -> MadeOutside.inSecurityGroup(scope, group.groupId()));
        }
        return true;
    }

    /**
     * Revokes rules, the ingress ones in one call and the egress ones in another, each as it was listed,
     * its description included: EC2 matches a rule without its description, the emulator only with it.
     */
    static void revoke(Ec2Client ec2, String groupId, List<SecurityGroupRule> rules, Map<SecurityGroupRule, String> held) {
        List<SecurityGroupRule> in = rules.stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> out = rules.stream().filter(r -> !r.ingress()).toList();
        if (!in.isEmpty()) {
            ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(in, held)));
        }
        if (!out.isEmpty()) {
            ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(out, held)));
        }
    }

    /** Authorizes rules with their descriptions, the ingress ones in one call and the egress ones in another. */
    static void authorize(Ec2Client ec2, String groupId, List<SecurityGroupRule> rules, Map<SecurityGroupRule, String> descriptions) {
        List<SecurityGroupRule> in = rules.stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> out = rules.stream().filter(r -> !r.ingress()).toList();
        if (!in.isEmpty()) {
            ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(in, descriptions)));
        }
        if (!out.isEmpty()) {
            ec2.authorizeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(out, descriptions)));
        }
    }

    /**
     * Sets the descriptions of rules the group holds, in place (UpdateSecurityGroupRuleDescriptionsIngress and
     * ...Egress find each rule by its protocol, ports and peer), ingress and egress in a call each. Not
     * ModifySecurityGroupRules: that one names rules by their sgr- ids, which DescribeSecurityGroups does not give.
     */
    static void describe(Ec2Client ec2, String groupId, List<SecurityGroupRule> rules, Map<SecurityGroupRule, String> descriptions) {
        List<SecurityGroupRule> in = rules.stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> out = rules.stream().filter(r -> !r.ingress()).toList();
        if (!in.isEmpty()) {
            ec2.updateSecurityGroupRuleDescriptionsIngress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(in, descriptions)));
        }
        if (!out.isEmpty()) {
            ec2.updateSecurityGroupRuleDescriptionsEgress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(out, descriptions)));
        }
    }

    /** baseName-role where EC2 accepts it (at most 255 characters, not starting sg-). */
    static String groupName(PlatformScope scope, String role) {
        return scope.name("", "-" + role, AwsNameRules.EC2_SECURITY_GROUP, "[^a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]");
    }

    private static String createGroupId(Ec2Client ec2, String vpcId, Group group) {
        return ec2.createSecurityGroup(r -> r.groupName(group.name()).vpcId(vpcId)
                .description(group.description())
                .tagSpecifications(group.tags())).groupId();
    }

    /** Recreating one missing group mid-repair: its rules (AWS's default egress) are needed to compare. */
    private static SecurityGroup createAndRead(Ec2Client ec2, String vpcId, Group group) {
        String id = createGroupId(ec2, vpcId, group);
        return ec2.describeSecurityGroups(r -> r.groupIds(id)).securityGroups().get(0);
    }

    private static String description(String role) {
        return switch (role) {
            case "lb" -> "WebPlatform load balancer: listener ports from the allowed CIDRs";
            case "app" -> "WebPlatform app instances: app port from the load balancer only";
            case "db" -> "WebPlatform database: PostgreSQL from the app instances only";
            default -> role;
        };
    }

    /** What this pass observed (after its repairs); null when no group exists. */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }

    public static String groupId(PlatformScope scope, String role) {
        return of(scope).byRole.get(role).groupId();
    }
}
