package io.webplatform.operator.platform;

import io.webplatform.operator.aws.DeleteFailures;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.InternetGatewayAttachment;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Internet gateway, attached to the VPC; detached before it is deleted. */
public class InternetGateway implements Component<PlatformScope, InternetGateway.Desired, InternetGateway.State> {
    public static final String NAME = "InternetGateway";
    static final String ATTACHMENT = "attachment";

    /** The gateway as the operator wants it: attached to this WebPlatform's VPC. */
    public record Desired(String vpcId, TagSpecification tags) {
    }

    /** The gateway as AWS reports it: the VPCs it is attached to (at most one). */
    public record State(String internetGatewayId, List<String> attachedVpcIds) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Desired desired(PlatformScope scope) {
        return new Desired(scope.idOf(Vpc.NAME), scope.tagSpec(ResourceType.INTERNET_GATEWAY, NAME, null));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        return scope.described(PlatformListings.INTERNET_GATEWAYS, software.amazon.awssdk.services.ec2.model.InternetGateway.class,
                        () -> scope.ec2().describeInternetGateways(r -> r.filters(scope.ownedBy(NAME))).internetGateways()).stream()
                .filter(g -> scope.owns(g.tags(), NAME))
                .findFirst()
                .map(g -> Observed.ready(g.internetGatewayId(), new State(g.internetGatewayId(),
                        g.attachments().stream().map(InternetGatewayAttachment::vpcId).toList())))
                .orElse(null);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        if (actual.attachedVpcIds().contains(desired.vpcId())) {
            return List.of();
        }
        String attached = actual.attachedVpcIds().isEmpty() ? "detached" : String.join(",", actual.attachedVpcIds());
        return List.of(Change.described(ATTACHMENT, attached, desired.vpcId(), "attached to " + desired.vpcId()));
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        // CreateInternetGateway takes no VPC: apply attaches it.
        scope.ec2().createInternetGateway(r -> r.tagSpecifications(desired.tags()));
    }

    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        for (Change change : changes) {
            if (!ATTACHMENT.equals(change.field())) {
                throw new IllegalArgumentException(NAME + " cannot apply " + change);
            }
            scope.ec2().attachInternetGateway(r -> r.internetGatewayId(current.id()).vpcId(desired.vpcId()));
        }
    }

    /** The gateway, and its attachment to the VPC (apply's AttachInternetGateway) as a resource of its own. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        String gateway = CfnResource.logicalId(NAME);
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("VpcId", desired.vpcId());
        attachment.put("InternetGatewayId", CfnResource.ref(gateway));
        return List.of(CfnResource.of(gateway, "AWS::EC2::InternetGateway", Map.of("Tags", CfnTags.of(desired.tags()))),
                CfnResource.of(CfnResource.logicalId(NAME, ATTACHMENT), "AWS::EC2::VPCGatewayAttachment", attachment));
    }

    /** Ref of an AWS::EC2::InternetGateway is the gateway id. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        String gatewayId = CfnResource.ref(CfnResource.logicalId(NAME));
        return Observed.ready(gatewayId, new State(gatewayId, List.of(desired.vpcId())));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        for (String vpcId : current.detail().attachedVpcIds()) {
            DeleteFailures.call("Internet gateway " + current.id(), () -> scope.ec2().detachInternetGateway(r -> r
                    .internetGatewayId(current.id()).vpcId(vpcId)));
        }
        DeleteFailures.call("Internet gateway " + current.id(), () -> scope.ec2().deleteInternetGateway(r -> r.internetGatewayId(current.id())));
        return true;
    }
}
