package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The strict chain: load balancer (80/443 from the allowed CIDRs) -> app (the app port from the load
 * balancer group only) -> database (5432 from the app group only). No SSH or RDP anywhere.
 *
 * <p>Egress is narrowed too, instead of AWS's allow-all default: the load balancer may only reach the
 * app port of the app group; the app may reach the database group on 5432 and HTTPS anywhere (Systems
 * Manager, Secrets Manager and package repositories, through NAT); the database reaches nothing.
 * Any rule added by hand is revoked on the next resync.
 */
public class SecurityGroups extends RepairingComponent<PlatformScope> {
    public static final String NAME = "SecurityGroups";
    public static final int POSTGRES = 5432;

    public static final class State {
        public final Map<String, SecurityGroup> byRole = new LinkedHashMap<>();
    }

    public static List<String> roles() {
        return List.of("lb", "app", "db");
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        State state = new State();
        state.byRole.putAll(scope.byRole(scope.ec2().describeSecurityGroups(r -> r.filters(scope.ownedBy(NAME))).securityGroups(),
                SecurityGroup::tags, NAME));
        if (state.byRole.isEmpty()) {
            return null;
        }
        return Observed.ready(String.join(",", state.byRole.values().stream().map(SecurityGroup::groupId).toList()), state);
    }

    @Override
    public void create(PlatformScope scope) {
        for (String role : roles()) {
            createGroupId(scope, role);
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        Ec2Client ec2 = scope.ec2();
        List<String> changes = new ArrayList<>();
        for (String role : roles()) {
            if (!state.byRole.containsKey(role)) {
                state.byRole.put(role, createGroup(scope, role));
                changes.add("security group " + role + " recreated");
            }
        }
        Map<String, String> ids = new LinkedHashMap<>();
        state.byRole.forEach((role, g) -> ids.put(role, g.groupId()));
        for (String role : roles()) {
            SecurityGroup group = state.byRole.get(role);
            Set<SecurityGroupRule> desired = desiredRules(scope, role, ids);
            Set<SecurityGroupRule> actual = SecurityGroupRule.of(group);
            List<SecurityGroupRule> extra = actual.stream().filter(r -> !desired.contains(r)).toList();
            List<SecurityGroupRule> missing = desired.stream().filter(r -> !actual.contains(r)).toList();
            revoke(ec2, group.groupId(), extra);
            authorize(ec2, group.groupId(), missing);
            if (!extra.isEmpty() || !missing.isEmpty()) {
                // What the group holds now, so findings judge the repaired state.
                state.byRole.put(role, group.toBuilder()
                        .ipPermissions(SecurityGroupRule.permissions(desired.stream().filter(SecurityGroupRule::ingress).toList()))
                        .ipPermissionsEgress(SecurityGroupRule.permissions(desired.stream().filter(r -> !r.ingress()).toList()))
                        .build());
            }
            extra.forEach(r -> changes.add(role + " group " + group.groupId() + ": revoked " + r));
            missing.forEach(r -> changes.add(role + " group " + group.groupId() + ": authorized " + r));
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        Ec2Client ec2 = scope.ec2();
        // Groups that refer to each other cannot be deleted until those references go.
        for (SecurityGroup group : state.byRole.values()) {
            List<SecurityGroupRule> references = SecurityGroupRule.of(group).stream().filter(r -> r.groupId() != null).toList();
            Ec2Deletion.delete("security group " + group.groupId(), () -> revoke(ec2, group.groupId(), references));
        }
        for (SecurityGroup group : state.byRole.values()) {
            Ec2Deletion.delete("security group " + group.groupId(), () -> ec2.deleteSecurityGroup(r -> r.groupId(group.groupId())));
        }
        return true;
    }

    /** The rules each group must have, given the three group ids. */
    public static Set<SecurityGroupRule> desiredRules(PlatformScope scope, String role, Map<String, String> ids) {
        Set<SecurityGroupRule> rules = new TreeSet<>();
        int appPort = scope.spec().app.port;
        switch (role) {
            case "lb" -> {
                for (int port : scope.spec().loadBalancer.ports) {
                    for (String cidr : scope.spec().loadBalancer.allowedCidrs) {
                        rules.add(SecurityGroupRule.tcpFromCidr(port, cidr));
                    }
                }
                rules.add(SecurityGroupRule.tcpToGroup(appPort, ids.get("app")));
            }
            case "app" -> {
                rules.add(SecurityGroupRule.tcpFromGroup(appPort, ids.get("lb")));
                rules.add(SecurityGroupRule.tcpToGroup(POSTGRES, ids.get("db")));
                rules.add(SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0"));
            }
            case "db" -> rules.add(SecurityGroupRule.tcpFromGroup(POSTGRES, ids.get("app")));
            default -> throw new IllegalArgumentException(role);
        }
        return rules;
    }

    private static void revoke(Ec2Client ec2, String groupId, List<SecurityGroupRule> rules) {
        List<SecurityGroupRule> in = rules.stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> out = rules.stream().filter(r -> !r.ingress()).toList();
        if (!in.isEmpty()) {
            ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(in)));
        }
        if (!out.isEmpty()) {
            ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(out)));
        }
    }

    private static void authorize(Ec2Client ec2, String groupId, List<SecurityGroupRule> rules) {
        List<SecurityGroupRule> in = rules.stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> out = rules.stream().filter(r -> !r.ingress()).toList();
        if (!in.isEmpty()) {
            ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(in)));
        }
        if (!out.isEmpty()) {
            ec2.authorizeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(SecurityGroupRule.permissions(out)));
        }
    }

    /** baseName-role where EC2 accepts it (at most 255 characters, not starting sg-). */
    static String groupName(PlatformScope scope, String role) {
        return scope.name("", "-" + role, AwsNameRules.EC2_SECURITY_GROUP, "[^a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]");
    }

    private static String createGroupId(PlatformScope scope, String role) {
        String name = groupName(scope, role);
        return scope.ec2().createSecurityGroup(r -> r.groupName(name).vpcId(scope.idOf(Vpc.NAME))
                .description(description(role))
                .tagSpecifications(scope.tagSpec(ResourceType.SECURITY_GROUP, NAME, role))).groupId();
    }

    /** Recreating one missing group mid-repair: its rules (AWS's default egress) are needed to compare. */
    private static SecurityGroup createGroup(PlatformScope scope, String role) {
        String id = createGroupId(scope, role);
        return scope.ec2().describeSecurityGroups(r -> r.groupIds(id)).securityGroups().get(0);
    }

    private static String description(String role) {
        return switch (role) {
            case "lb" -> "WebPlatform load balancer: listener ports from the allowed CIDRs";
            case "app" -> "WebPlatform app instances: app port from the load balancer only";
            case "db" -> "WebPlatform database: PostgreSQL from the app instances only";
            default -> role;
        };
    }

    public static String groupId(PlatformScope scope, String role) {
        return scope.observed(NAME).detail(State.class).byRole.get(role).groupId();
    }
}
