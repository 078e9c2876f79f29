package io.webplatform.operator.platform;

import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The VPC's default security group, which AWS makes with allow-all rules: emptied, so anything
 * launched without an explicit group can reach nothing (CIS AWS Foundations, "default security group
 * restricts all traffic"). AWS deletes it with the VPC.
 */
public class DefaultSecurityGroup extends RepairingComponent<PlatformScope> {
    public static final String NAME = "DefaultSecurityGroup";

    /** The group, as it is after this pass's repairs. */
    public static final class State {
        public SecurityGroup group;
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        if (scope.observed(Vpc.NAME) == null) {
            return null; // deleting: the VPC takes it along
        }
        return scope.ec2().describeSecurityGroups(r -> r.filters(
                        f -> f.name("vpc-id").values(scope.idOf(Vpc.NAME)), f -> f.name("group-name").values("default")))
                .securityGroups().stream().findFirst()
                .map(g -> {
                    State state = new State();
                    state.group = g;
                    return Observed.<Object>ready(g.groupId(), state);
                })
                .orElse(null);
    }

    @Override
    public void create(PlatformScope scope) {
        // AWS makes it with the VPC; it may take a moment to show.
        throw new StillWorking("the VPC's default security group is not visible yet");
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        SecurityGroup group = state.group;
        Set<SecurityGroupRule> rules = SecurityGroupRule.of(group);
        if (rules.isEmpty()) {
            return List.of();
        }
        List<SecurityGroupRule> in = rules.stream().filter(SecurityGroupRule::ingress).toList();
        List<SecurityGroupRule> out = rules.stream().filter(r -> !r.ingress()).toList();
        if (!in.isEmpty()) {
            scope.ec2().revokeSecurityGroupIngress(r -> r.groupId(group.groupId()).ipPermissions(SecurityGroupRule.permissions(in)));
        }
        if (!out.isEmpty()) {
            scope.ec2().revokeSecurityGroupEgress(r -> r.groupId(group.groupId()).ipPermissions(SecurityGroupRule.permissions(out)));
        }
        state.group = group.toBuilder().ipPermissions(List.of()).ipPermissionsEgress(List.of()).build();
        List<String> changes = new ArrayList<>();
        rules.forEach(r -> changes.add("default group " + group.groupId() + ": revoked " + r));
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        return true;
    }
}
