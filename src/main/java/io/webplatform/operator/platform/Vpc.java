package io.webplatform.operator.platform;

import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;
import software.amazon.awssdk.services.ec2.model.VpcState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The VPC, with DNS support and DNS hostnames on (RDS endpoints and SSM need both). */
public class Vpc extends RepairingComponent<PlatformScope> {
    public static final String NAME = "Vpc";

    static final class State {
        software.amazon.awssdk.services.ec2.model.Vpc vpc;
        boolean dnsSupport;
        boolean dnsHostnames;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        Ec2Client ec2 = scope.ec2();
        var vpc = ec2.describeVpcs(r -> r.filters(scope.ownedBy(NAME))).vpcs().stream()
                .filter(v -> scope.owns(v.tags(), NAME))
                .min(Comparator.comparing(software.amazon.awssdk.services.ec2.model.Vpc::vpcId))
                .orElse(null);
        if (vpc == null) {
            return null;
        }
        State state = new State();
        state.vpc = vpc;
        state.dnsSupport = ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_SUPPORT))
                .enableDnsSupport().value();
        state.dnsHostnames = ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES))
                .enableDnsHostnames().value();
        return vpc.state() == VpcState.AVAILABLE ? Observed.ready(vpc.vpcId(), state)
                : Observed.pending(vpc.vpcId(), "VPC " + vpc.vpcId() + " is " + vpc.stateAsString(), state);
    }

    @Override
    public void create(PlatformScope scope) {
        scope.ec2().createVpc(r -> r.cidrBlock(scope.plan().vpcCidr())
                .tagSpecifications(scope.tagSpec(ResourceType.VPC, NAME, null)));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        List<String> changes = new ArrayList<>();
        // One attribute per call: the API takes no more.
        if (!state.dnsSupport) {
            scope.ec2().modifyVpcAttribute(r -> r.vpcId(current.id()).enableDnsSupport(a -> a.value(true)));
            state.dnsSupport = true;
            changes.add("DNS support enabled");
        }
        if (!state.dnsHostnames) {
            scope.ec2().modifyVpcAttribute(r -> r.vpcId(current.id()).enableDnsHostnames(a -> a.value(true)));
            state.dnsHostnames = true;
            changes.add("DNS hostnames enabled");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        // ENIs of a deleted load balancer or NAT gateway linger for a while: that is pending, not failed.
        Ec2Deletion.delete("VPC " + current.id(), () -> scope.ec2().deleteVpc(r -> r.vpcId(current.id())));
        return true;
    }
}
