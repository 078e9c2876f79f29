package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.engine.Anchor;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;
import software.amazon.awssdk.services.ec2.model.VpcState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The VPC, with DNS support and DNS hostnames on (RDS endpoints and SSM need both). */
public class Vpc implements Component<PlatformScope, Vpc.Desired, Vpc.State>, Anchor<PlatformScope, Vpc.State> {
    public static final String NAME = "Vpc";
    static final String DNS_SUPPORT = "enableDnsSupport";
    static final String DNS_HOSTNAMES = "enableDnsHostnames";

    /**
     * The VPC as the operator wants it. The CIDR is set at creation only: AWS cannot change a VPC's
     * primary CIDR, and the spec refuses a change of vpcCidr.
     */
    public record Desired(String cidrBlock, boolean dnsSupport, boolean dnsHostnames, TagSpecification tags) {
    }

    /**
     * The VPC as AWS reports it, with its two DNS attributes (each a read of its own) and its claim: the
     * VPC is the platform's anchor, whose claim says which object holds the stack.
     */
    public record State(String vpcId, String cidrBlock, boolean dnsSupport, boolean dnsHostnames, String claim) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        return new Desired(scope.plan().vpcCidr(), true, true, scope.tagSpec(ResourceType.VPC, NAME, null));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        Ec2Client ec2 = scope.ec2();
        var vpc = scope.described(PlatformListings.VPCS, software.amazon.awssdk.services.ec2.model.Vpc.class,
                        () -> ec2.describeVpcs(r -> r.filters(scope.ownedBy(NAME))).vpcs()).stream()
                .filter(v -> scope.owns(v.tags(), NAME))
                .min(Comparator.comparing(software.amazon.awssdk.services.ec2.model.Vpc::vpcId))
                .orElse(null);
        if (vpc == null) {
            return null;
        }
        // DescribeVpcAttribute answers one attribute per call.
        boolean dnsSupport = ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_SUPPORT))
                .enableDnsSupport().value();
        boolean dnsHostnames = ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES))
                .enableDnsHostnames().value();
        String claim = vpc.tags().stream().filter(t -> Ownership.CLAIMED_BY.equals(t.key())).map(Tag::value).findFirst().orElse(null);
        State state = new State(vpc.vpcId(), vpc.cidrBlock(), dnsSupport, dnsHostnames, claim);
        return vpc.state() == VpcState.AVAILABLE ? Observed.ready(vpc.vpcId(), state)
                : Observed.pending(vpc.vpcId(), "VPC " + vpc.vpcId() + " is " + vpc.stateAsString(), state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        // Support before hostnames: AWS enables DNS hostnames only in a VPC with DNS support.
        if (actual.dnsSupport() != desired.dnsSupport()) {
            changes.add(Change.described(DNS_SUPPORT, actual.dnsSupport(), desired.dnsSupport(),
                    "DNS support " + (desired.dnsSupport() ? "enabled" : "disabled")));
        }
        if (actual.dnsHostnames() != desired.dnsHostnames()) {
            changes.add(Change.described(DNS_HOSTNAMES, actual.dnsHostnames(), desired.dnsHostnames(),
                    "DNS hostnames " + (desired.dnsHostnames() ? "enabled" : "disabled")));
        }
        return changes;
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // CreateVpc takes no DNS settings: a fresh VPC has support on and hostnames off, which apply then fixes.
        scope.ec2().createVpc(r -> r.cidrBlock(desired.cidrBlock()).tagSpecifications(desired.tags()));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        String vpcId = current.id();
        for (Change change : changes) {
            // One attribute per call: the API takes no more.
            switch (change.field()) {
                case DNS_SUPPORT -> scope.ec2().modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsSupport(a -> a.value(desired.dnsSupport())));
                case DNS_HOSTNAMES -> scope.ec2().modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsHostnames(a -> a.value(desired.dnsHostnames())));
                default -> throw new IllegalArgumentException(NAME + " cannot apply " + change);
            }
        }
    }

    /**
     * The VPC with its two DNS attributes: CloudFormation takes on the VPC what apply sets with
     * ModifyVpcAttribute after CreateVpc.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        Map<String, Object> vpc = new LinkedHashMap<>();
        vpc.put("CidrBlock", desired.cidrBlock());
        vpc.put("EnableDnsSupport", desired.dnsSupport());
        vpc.put("EnableDnsHostnames", desired.dnsHostnames());
        vpc.put("Tags", CfnTags.of(desired.tags()));
        return List.of(CfnResource.of(CfnResource.logicalId(NAME), "AWS::EC2::VPC", vpc));
    }

    /** Ref of an AWS::EC2::VPC is the VPC id. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String vpcId = CfnResource.ref(CfnResource.logicalId(NAME));
        return Observed.ready(vpcId, new State(vpcId, desired.cidrBlock(), desired.dnsSupport(), desired.dnsHostnames(), null));
    }

    @Override
    public String claimOf(State actual) {
        return actual.claim();
    }

    /** CreateTags overwrites the tag's value: the only change an adoption makes. */
    @Override
    public void claim(PlatformScope scope, Observed<State> current, String claim) {
        scope.ec2().createTags(r -> r.resources(current.id()).tags(Tag.builder().key(Ownership.CLAIMED_BY).value(claim).build()));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        // ENIs of a deleted load balancer or NAT gateway linger for a while: that is pending, not failed;
        // what someone else made in the VPC blocks it until they remove it.
        DeleteFailures.call("VPC " + current.id(), () -> scope.ec2().deleteVpc(r -> r.vpcId(current.id())),
                () -> MadeOutside.inVpc(scope, current.id()));
        return true;
    }
}
