package io.webplatform.operator.platform;

import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The VPC's default network ACL, which AWS makes with rule 100 allowing everything in and out: its
 * allow rules removed, so a subnet that ever falls back to it (one made outside the operator, or one of
 * the platform's between its creation and its association) admits nothing. Its "*" rules deny everything
 * and cannot be removed. AWS makes it and deletes it with the VPC.
 */
public class DefaultNetworkAcl implements Component<PlatformScope, DefaultNetworkAcl.Desired, DefaultNetworkAcl.State> {
    public static final String NAME = "DefaultNetworkAcl";

    /** The default NACL as AWS reports it (after this pass's repairs, once applied). */
    public record State(NetworkAcl acl) {
    }

    /** The rules it may hold besides AWS's "*" ones: none. */
    public record Desired(String vpcId, Set<NetworkAcls.Rule> rules) {
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
        return scope.ec2().describeNetworkAcls(r -> r.filters(
                        f -> f.name("vpc-id").values(scope.idOf(Vpc.NAME)), f -> f.name("default").values("true")))
                .networkAcls().stream().findFirst()
                .map(acl -> Observed.ready(acl.networkAclId(), new State(acl)))
                .orElse(null);
    }

    /** Each rule it holds and must not (removed), then each it lacks (none, while the wish is no rule). */
    @Override
    public List<Change> diff(State actual, Desired desired) {
        String id = actual.acl().networkAclId();
        List<Change> changes = new ArrayList<>();
        List<NetworkAcls.Rule> held = NetworkAcls.held(actual.acl());
        held.stream().filter(r -> !desired.rules().contains(r))
                .forEach(r -> changes.add(Change.unwanted(r.key(), r, "default network ACL " + id + ": removed " + r)));
        desired.rules().stream().filter(r -> !held.contains(r))
                .forEach(r -> changes.add(Change.missing(r.key(), r, "default network ACL " + id + ": added " + r)));
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // AWS makes it with the VPC; it may take a moment to show.
        throw new StillWorking("the VPC's default network ACL is not visible yet");
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        NetworkAcl acl = current.detail().acl();
        List<String> fields = changes.stream().map(Change::field).toList();
        List<NetworkAcls.Rule> removed = NetworkAcls.held(acl).stream()
                .filter(r -> fields.contains(r.key()) && !desired.rules().contains(r)).toList();
        for (NetworkAcls.Rule r : removed) {
            scope.ec2().deleteNetworkAclEntry(d -> d.networkAclId(acl.networkAclId()).egress(r.egress()).ruleNumber(r.number()));
        }
        NetworkAcl now = acl.toBuilder().entries(acl.entries().stream()
                .filter(e -> e.ruleNumber() == null || e.ruleNumber() >= NetworkAcls.LAST_RULE
                        || removed.stream().noneMatch(r -> r.number() == e.ruleNumber() && r.egress() == Boolean.TRUE.equals(e.egress())))
                .toList()).build();
        // What it holds now, so the findings judge the repaired NACL.
        scope.record(NAME, Observed.ready(current.id(), new State(now)));
    }

    /**
     * Nothing: AWS makes the default NACL with the VPC, and CloudFormation has no resource that removes
     * its rules (AWS::EC2::VPC only gives its id, attribute DefaultNetworkAcl). A stack made from the plan
     * keeps AWS's rule 100; the subnets are all associated with the platform's own NACLs.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        return List.of();
    }

    /** The VPC's default NACL, its id the VPC's DefaultNetworkAcl attribute, holding only AWS's "*" rules, as apply leaves it. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String id = CfnResource.attribute(CfnResource.logicalId(Vpc.NAME), "DefaultNetworkAcl");
        NetworkAcl acl = NetworkAcl.builder().networkAclId(id).vpcId(desired.vpcId()).isDefault(true)
                .entries(new NetworkAcls.Rule(false, NetworkAcls.LAST_RULE, "-1", false, NetworkAcls.ANYWHERE, -1, -1).entry(),
                        new NetworkAcls.Rule(true, NetworkAcls.LAST_RULE, "-1", false, NetworkAcls.ANYWHERE, -1, -1).entry())
                .build();
        return Observed.ready(id, new State(acl));
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
