package io.webplatform.operator.platform;

import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The VPC's default security group, which AWS makes with allow-all rules: emptied, so anything
 * launched without an explicit group can reach nothing (CIS AWS Foundations, "default security group
 * restricts all traffic"). AWS makes it and deletes it with the VPC.
 */
public class DefaultSecurityGroup implements Component<PlatformScope, DefaultSecurityGroup.Desired, DefaultSecurityGroup.State> {
    public static final String NAME = "DefaultSecurityGroup";

    /** The group as AWS reports it (after this pass's repairs, once applied). */
    public record State(SecurityGroup group) {
    }

    /** The VPC's default group holding no rule at all. */
    public record Desired(String vpcId, Set<SecurityGroupRule> rules) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        return new Desired(scope.idOf(Vpc.NAME), Set.of());
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        if (scope.observed(Vpc.NAME) == null) {
            return null; // deleting: the VPC takes it along
        }
        return scope.ec2().describeSecurityGroups(r -> r.filters(
                        f -> f.name("vpc-id").values(scope.idOf(Vpc.NAME)), f -> f.name("group-name").values("default")))
                .securityGroups().stream().findFirst()
                .map(g -> Observed.ready(g.groupId(), new State(g)))
                .orElse(null);
    }

    /** Each rule the group holds and must not (revoked), then each it lacks (none, while the wish is an empty group). */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        String id = actual.group().groupId();
        Set<SecurityGroupRule> held = SecurityGroupRule.of(actual.group());
        List<Change> changes = new ArrayList<>();
        held.stream().filter(r -> !desired.rules().contains(r))
                .forEach(r -> changes.add(Change.unwanted(r.toString(), r, "default group " + id + ": revoked " + r)));
        desired.rules().stream().filter(r -> !held.contains(r))
                .forEach(r -> changes.add(Change.missing(r.toString(), r, "default group " + id + ": authorized " + r)));
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // AWS makes it with the VPC; it may take a moment to show.
        throw new StillWorking("the VPC's default security group is not visible yet");
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        SecurityGroup group = current.detail().group();
        Map<SecurityGroupRule, String> held = SecurityGroupRule.described(group);
        List<String> fields = changes.stream().map(Change::field).toList();
        List<SecurityGroupRule> revoked = held.keySet().stream().filter(r -> fields.contains(r.toString()) && !desired.rules().contains(r)).toList();
        List<SecurityGroupRule> authorized = desired.rules().stream().filter(r -> fields.contains(r.toString()) && !held.containsKey(r)).toList();
        // The wish is an empty group: nothing it authorizes has a description to carry.
        Map<SecurityGroupRule, String> undescribed = new TreeMap<>();
        authorized.forEach(r -> undescribed.put(r, ""));
        SecurityGroups.revoke(scope.ec2(), group.groupId(), revoked, held);
        SecurityGroups.authorize(scope.ec2(), group.groupId(), authorized, undescribed);
        held.keySet().removeAll(revoked);
        held.putAll(undescribed);
        // What the group holds now, so the findings judge the repaired group.
        scope.record(NAME, Observed.ready(current.id(), new State(SecurityGroupRule.holding(group, held))));
    }

    /**
     * Nothing: AWS makes the default group with the VPC, and CloudFormation has no resource that
     * revokes its rules (AWS::EC2::VPC only gives its id, attribute DefaultSecurityGroup). Emptying it
     * is the operator's alone; a stack made from the plan keeps AWS's default rules.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return List.of();
    }

    /** The VPC's default group, its id the VPC's DefaultSecurityGroup attribute, holding the rules apply leaves (none). */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String id = CfnResource.attribute(CfnResource.logicalId(Vpc.NAME), "DefaultSecurityGroup");
        SecurityGroup group = SecurityGroup.builder().groupId(id).groupName("default").vpcId(desired.vpcId()).build();
        return Observed.ready(id, new State(SecurityGroupRule.holding(group, desired.rules())));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        return true;
    }

    /** What this pass observed (after its repairs); null when not observed. */
    public static State of(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : (State) observed.detail();
    }
}
