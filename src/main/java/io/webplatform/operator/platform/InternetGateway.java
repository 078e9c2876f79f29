package io.webplatform.operator.platform;

import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.ResourceType;

import java.util.List;

/** The Internet gateway, attached to the VPC; detached before it is deleted. */
public class InternetGateway extends RepairingComponent<PlatformScope> {
    public static final String NAME = "InternetGateway";

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public Observed<Object> observe(PlatformScope scope) {
        return scope.ec2().describeInternetGateways(r -> r.filters(scope.ownedBy(NAME))).internetGateways().stream()
                .filter(g -> scope.owns(g.tags(), NAME))
                .findFirst()
                .map(g -> Observed.<Object>ready(g.internetGatewayId(), g))
                .orElse(null);
    }

    @Override
    public void create(PlatformScope scope) {
        scope.ec2().createInternetGateway(r -> r.tagSpecifications(scope.tagSpec(ResourceType.INTERNET_GATEWAY, NAME, null)));
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        var gateway = current.detail(software.amazon.awssdk.services.ec2.model.InternetGateway.class);
        String vpcId = scope.idOf(Vpc.NAME);
        boolean attached = gateway.attachments().stream().anyMatch(a -> vpcId.equals(a.vpcId()));
        if (attached) {
            return List.of();
        }
        scope.ec2().attachInternetGateway(r -> r.internetGatewayId(current.id()).vpcId(vpcId));
        return List.of("attached to " + vpcId);
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        var gateway = current.detail(software.amazon.awssdk.services.ec2.model.InternetGateway.class);
        for (var attachment : gateway.attachments()) {
            Ec2Deletion.delete("Internet gateway " + current.id(), () -> scope.ec2().detachInternetGateway(r -> r
                    .internetGatewayId(current.id()).vpcId(attachment.vpcId())));
        }
        Ec2Deletion.delete("Internet gateway " + current.id(), () -> scope.ec2().deleteInternetGateway(r -> r.internetGatewayId(current.id())));
        return true;
    }
}
