package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** NetworkAcls' and DefaultNetworkAcl's pure diffs: rule by number and direction, AWS's "*" rules never touched. */
class NetworkAclsDiffTest {
    final WebPlatformSpec spec = new WebPlatformSpec();
    final NetworkPlan plan = NetworkPlan.of(spec.network, List.of("a", "b"));

    NetworkAcls.Desired desired() {
        Map<String, NetworkAcls.AclSpec> byRole = new LinkedHashMap<>();
        for (String role : NetworkAcls.roles()) {
            Map<String, String> subnets = new LinkedHashMap<>();
            NetworkAcls.subnetRoles(role).forEach(s -> subnets.put(s, "subnet-" + s));
            byRole.put(role, new NetworkAcls.AclSpec(role, NetworkAcls.rules(spec, plan, role), subnets, TagSpecification.builder().build()));
        }
        return new NetworkAcls.Desired("vpc-1", byRole);
    }

    /** The NACL as AWS shows it holding these rules, its "*" rules and these subnets. */
    static NetworkAcl acl(String id, List<NetworkAcls.Rule> rules, List<String> subnets) {
        List<NetworkAclEntry> entries = new ArrayList<>(rules.stream().map(NetworkAcls.Rule::entry).toList());
        entries.add(NetworkAclEntry.builder().ruleNumber(32767).egress(false).protocol("-1").ruleAction("deny").cidrBlock("0.0.0.0/0").build());
        entries.add(NetworkAclEntry.builder().ruleNumber(32767).egress(true).protocol("-1").ruleAction("deny").cidrBlock("0.0.0.0/0").build());
        return NetworkAcl.builder().networkAclId(id).vpcId("vpc-1").entries(entries)
                .associations(subnets.stream().map(s -> NetworkAclAssociation.builder().subnetId(s).networkAclAssociationId("aclassoc-" + s).build()).toList())
                .build();
    }

    NetworkAcls.State asWanted() {
        Map<String, NetworkAcl> byRole = new LinkedHashMap<>();
        for (var wanted : desired().byRole().values()) {
            byRole.put(wanted.role(), acl("acl-" + wanted.role(), wanted.rules(), List.copyOf(wanted.subnets().values())));
        }
        return new NetworkAcls.State(byRole);
    }

    @Test
    void whatAwsHoldsAsWantedIsNoChange() {
        assertThat(new NetworkAcls().diff(asWanted(), desired())).isEmpty();
    }

    @Test
    void aRuleAddedChangedOrRemovedByHandAndASubnetMovedAreEachOneChange() {
        NetworkAcls.State state = asWanted();
        NetworkAcl priv = state.byRole.get("private");
        List<NetworkAcls.Rule> rules = new ArrayList<>(NetworkAcls.held(priv));
        NetworkAcls.Rule first = rules.remove(0);
        rules.add(new NetworkAcls.Rule(false, 50, "6", true, "0.0.0.0/0", 3389, 3389));
        rules.add(new NetworkAcls.Rule(first.egress(), first.number(), "-1", true, "0.0.0.0/0", -1, -1));
        Map<String, NetworkAcl> byRole = new LinkedHashMap<>(state.byRole);
        byRole.put("private", acl(priv.networkAclId(), rules, List.of("subnet-private-0")));
        List<Change> changes = new NetworkAcls().diff(new NetworkAcls.State(byRole), desired());
        assertThat(changes).extracting(Change::summary).containsExactlyInAnyOrder(
                "network ACL private: removed in 50 allow tcp:3389 from 0.0.0.0/0",
                "network ACL private: in 100 allow all:all from 0.0.0.0/0 replaced by " + first,
                "subnet private-1 associated with network ACL private");
    }

    @Test
    void aMissingAclIsRecreatedWithItsRulesAndSubnets() {
        Map<String, NetworkAcl> byRole = new LinkedHashMap<>(asWanted().byRole);
        byRole.remove("public");
        List<Change> changes = new NetworkAcls().diff(new NetworkAcls.State(byRole), desired());
        assertThat(changes.get(0).field()).isEqualTo("public");
        assertThat(changes).hasSize(1 + NetworkAcls.rules(spec, plan, "public").size() + 2);
    }

    @Test
    void theDefaultAclLosesRule100BothWaysAndKeepsItsStarRules() {
        NetworkAcl made = acl("acl-default", List.of(new NetworkAcls.Rule(false, 100, "-1", true, "0.0.0.0/0", -1, -1),
                new NetworkAcls.Rule(true, 100, "-1", true, "0.0.0.0/0", -1, -1)), List.of());
        List<Change> changes = new DefaultNetworkAcl().diff(new DefaultNetworkAcl.State(made), new DefaultNetworkAcl.Desired("vpc-1", Set.of()));
        assertThat(changes).extracting(Change::field).containsExactlyInAnyOrder("in 100", "out 100");
        NetworkAcl emptied = acl("acl-default", List.of(), List.of());
        assertThat(new DefaultNetworkAcl().diff(new DefaultNetworkAcl.State(emptied), new DefaultNetworkAcl.Desired("vpc-1", Set.of()))).isEmpty();
    }
}
