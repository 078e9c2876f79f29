package io.webplatform.operator.plan;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.CloudFormationTemplate;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.platform.ElasticIps;
import io.webplatform.operator.platform.InternetGateway;
import io.webplatform.operator.platform.NatGateways;
import io.webplatform.operator.platform.NetworkPlan;
import io.webplatform.operator.platform.PlatformScope;
import io.webplatform.operator.platform.RouteTables;
import io.webplatform.operator.platform.Subnets;
import io.webplatform.operator.platform.Vpc;
import io.webplatform.operator.platform.WebPlatformGraph;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The network components of samples/webplatform.yaml as CloudFormation, computed without any client:
 * each component's desired value, its resources, and its planned observation, which the next ones read.
 */
class NetworkPlanResourcesTest {
    private static final Set<String> NETWORK = Set.of(Vpc.NAME, Subnets.NAME, InternetGateway.NAME, ElasticIps.NAME, NatGateways.NAME,
            RouteTables.NAME);

    private final CloudFormationTemplate template = new CloudFormationTemplate("network");
    private PlatformScope scope;

    private static WebPlatform sample(WebPlatformSpec.NatGateways nat) throws IOException {
        WebPlatform platform = Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
        platform.getMetadata().setUid(Plan.PLACEHOLDER_UID);
        platform.getSpec().network.natGateways = nat;
        return platform;
    }

    private void scopeFor(WebPlatformSpec.NatGateways nat) throws IOException {
        WebPlatform platform = sample(nat);
        NetworkPlan network = NetworkPlan.of(platform.getSpec().network, List.of("eu-west-3a", "eu-west-3b"));
        scope = PlatformScope.forPlan(platform, Identity.ofUid(platform), network, "eu-west-3", Plan.ACCOUNT, CfnResource.ref("FlowLogBucketArn"), Plan.appImage(platform));
    }

    /** Plans one component as ComponentGraph.plan does; its planned observation must satisfy its own diff. */
    private <D, A> List<CfnResource> plan(Component<PlatformScope, D, A> component) {
        D desired = component.desired(scope);
        List<CfnResource> resources = component.cloudFormation(desired);
        Observed<A> planned = component.planned(scope, desired);
        assertThat(planned.ready()).isTrue();
        assertThat(component.diff(planned.detail(), desired)).as(component.name() + ": what is planned is what it wants").isEmpty();
        scope.record(component.name(), planned);
        resources.forEach(template::add);
        return resources;
    }

    private void planNetwork() {
        plan(new Vpc());
        plan(new Subnets());
        plan(new InternetGateway());
        plan(new ElasticIps());
        plan(new NatGateways());
        plan(new RouteTables());
    }

    private Map<String, Object> properties(String logicalId) {
        assertThat(template.resources()).containsKey(logicalId);
        return template.resources().get(logicalId).properties();
    }

    private String type(String logicalId) {
        return template.resources().get(logicalId).type();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> tags(Map<String, Object> properties) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        ((List<Map<String, Object>>) properties.get("Tags")).forEach(t -> tags.put((String) t.get("Key"), (String) t.get("Value")));
        return tags;
    }

    @Test
    void perZoneMakesTheVpcFourSubnetsTwoNatGatewaysAndThreeRouteTables() throws IOException {
        scopeFor(WebPlatformSpec.NatGateways.PerZone);
        planNetwork();

        assertThat(template.resources().keySet()).containsExactly("Vpc",
                "SubnetsPublic0", "SubnetsPublic1", "SubnetsPrivate0", "SubnetsPrivate1",
                "InternetGateway", "InternetGatewayAttachment",
                "ElasticIpsNat0", "ElasticIpsNat1",
                "NatGatewaysNat0", "NatGatewaysNat1",
                "RouteTablesPublic", "RouteTablesPublicDefaultRoute", "RouteTablesPublicPublic0Association", "RouteTablesPublicPublic1Association",
                "RouteTablesPrivate0", "RouteTablesPrivate0DefaultRoute", "RouteTablesPrivate0Private0Association",
                "RouteTablesPrivate1", "RouteTablesPrivate1DefaultRoute", "RouteTablesPrivate1Private1Association");
        assertThat(template.unresolvedReferences()).isEmpty();

        assertThat(type("Vpc")).isEqualTo("AWS::EC2::VPC");
        assertThat(properties("Vpc")).containsEntry("CidrBlock", "10.0.0.0/16").containsEntry("EnableDnsSupport", true)
                .containsEntry("EnableDnsHostnames", true);
        // team: web, the four ownership tags and Name.
        assertThat(tags(properties("Vpc"))).hasSize(6).containsEntry("team", "web").containsEntry("webplatform.io/component", "Vpc")
                .containsEntry("webplatform.io/owner-uid", Plan.PLACEHOLDER_UID).containsEntry("Name", scope.baseName() + "-vpc");

        Map<String, String> cidrs = Map.of("SubnetsPublic0", "10.0.0.0/24", "SubnetsPublic1", "10.0.1.0/24",
                "SubnetsPrivate0", "10.0.2.0/24", "SubnetsPrivate1", "10.0.3.0/24");
        cidrs.forEach((id, cidr) -> {
            assertThat(type(id)).isEqualTo("AWS::EC2::Subnet");
            assertThat(properties(id)).containsEntry("VpcId", "${Vpc}").containsEntry("CidrBlock", cidr)
                    .containsEntry("MapPublicIpOnLaunch", false);
            assertThat(tags(properties(id))).hasSize(7);
        });
        assertThat(properties("SubnetsPublic0")).containsEntry("AvailabilityZone", "eu-west-3a");
        assertThat(properties("SubnetsPrivate1")).containsEntry("AvailabilityZone", "eu-west-3b");
        assertThat(tags(properties("SubnetsPrivate1"))).containsEntry("webplatform.io/role", "private-1")
                .containsEntry("Name", scope.baseName() + "-private-1");

        assertThat(type("InternetGateway")).isEqualTo("AWS::EC2::InternetGateway");
        assertThat(properties("InternetGateway")).containsOnlyKeys("Tags");
        assertThat(tags(properties("InternetGateway"))).hasSize(6);
        assertThat(type("InternetGatewayAttachment")).isEqualTo("AWS::EC2::VPCGatewayAttachment");
        assertThat(properties("InternetGatewayAttachment")).isEqualTo(Map.of("VpcId", "${Vpc}", "InternetGatewayId", "${InternetGateway}"));

        assertThat(type("ElasticIpsNat1")).isEqualTo("AWS::EC2::EIP");
        assertThat(properties("ElasticIpsNat1")).containsOnlyKeys("Domain", "Tags").containsEntry("Domain", "vpc");
        assertThat(tags(properties("ElasticIpsNat1"))).hasSize(7).containsEntry("webplatform.io/role", "nat-1");

        assertThat(type("NatGatewaysNat1")).isEqualTo("AWS::EC2::NatGateway");
        assertThat(properties("NatGatewaysNat1")).containsOnlyKeys("SubnetId", "AllocationId", "Tags")
                .containsEntry("SubnetId", "${SubnetsPublic1}").containsEntry("AllocationId", "${ElasticIpsNat1.AllocationId}");

        assertThat(type("RouteTablesPublic")).isEqualTo("AWS::EC2::RouteTable");
        assertThat(properties("RouteTablesPublic")).containsEntry("VpcId", "${Vpc}");
        assertThat(tags(properties("RouteTablesPublic"))).hasSize(7).containsEntry("webplatform.io/role", "public");
        assertThat(type("RouteTablesPublicDefaultRoute")).isEqualTo("AWS::EC2::Route");
        assertThat(properties("RouteTablesPublicDefaultRoute")).isEqualTo(Map.of("RouteTableId", "${RouteTablesPublic}",
                "DestinationCidrBlock", "0.0.0.0/0", "GatewayId", "${InternetGateway}"));
        assertThat(properties("RouteTablesPrivate1DefaultRoute")).isEqualTo(Map.of("RouteTableId", "${RouteTablesPrivate1}",
                "DestinationCidrBlock", "0.0.0.0/0", "NatGatewayId", "${NatGatewaysNat1}"));
        assertThat(type("RouteTablesPublicPublic1Association")).isEqualTo("AWS::EC2::SubnetRouteTableAssociation");
        assertThat(properties("RouteTablesPublicPublic1Association")).isEqualTo(Map.of("SubnetId", "${SubnetsPublic1}",
                "RouteTableId", "${RouteTablesPublic}"));
        assertThat(properties("RouteTablesPrivate0Private0Association")).isEqualTo(Map.of("SubnetId", "${SubnetsPrivate0}",
                "RouteTableId", "${RouteTablesPrivate0}"));
    }

    @Test
    void dependentsReadReferencesFromThePlannedObservations() throws IOException {
        scopeFor(WebPlatformSpec.NatGateways.PerZone);
        planNetwork();
        // What SecurityGroups, FlowLog, TargetGroup, DbSubnetGroup, LoadBalancer and AppInstances read.
        assertThat(scope.idOf(Vpc.NAME)).isEqualTo("${Vpc}");
        assertThat(scope.idOf(InternetGateway.NAME)).isEqualTo("${InternetGateway}");
        assertThat(Subnets.subnetId(scope, "private-0")).isEqualTo("${SubnetsPrivate0}");
        assertThat(Subnets.subnetId(scope, "public-1")).isEqualTo("${SubnetsPublic1}");
        assertThat(Subnets.of(scope).byRole.get("public-1").availabilityZone()).isEqualTo("eu-west-3b");
        assertThat(ElasticIps.allocationId(scope, "nat-0")).isEqualTo("${ElasticIpsNat0.AllocationId}");
        assertThat(ElasticIps.of(scope).byRole().get("nat-0").publicIp()).isEqualTo("${ElasticIpsNat0}");
        assertThat(NatGateways.natGatewayId(scope, 1)).isEqualTo("${NatGatewaysNat1}");
        assertThat(scope.idOf(NatGateways.NAME)).isEqualTo("${NatGatewaysNat0},${NatGatewaysNat1}");
    }

    @Test
    void singleMakesOneAddressAndOneGatewayThatBothPrivateTablesUse() throws IOException {
        scopeFor(WebPlatformSpec.NatGateways.Single);
        planNetwork();
        assertThat(template.resources().keySet()).filteredOn(id -> id.startsWith("ElasticIps") || id.startsWith("NatGateways"))
                .containsExactly("ElasticIpsNat0", "NatGatewaysNat0");
        assertThat(properties("RouteTablesPrivate0DefaultRoute")).containsEntry("NatGatewayId", "${NatGatewaysNat0}");
        assertThat(properties("RouteTablesPrivate1DefaultRoute")).containsEntry("NatGatewayId", "${NatGatewaysNat0}");
        assertThat(template.unresolvedReferences()).isEmpty();
    }

    @Test
    void theTemplateUsesRefAndGetAtt() throws IOException {
        scopeFor(WebPlatformSpec.NatGateways.PerZone);
        planNetwork();
        String yaml = template.toYaml().replaceAll("\\s+", " ");
        assertThat(yaml).contains("Type: \"AWS::EC2::VPC\" Properties: CidrBlock: \"10.0.0.0/16\" EnableDnsHostnames: true EnableDnsSupport: true",
                "AllocationId: Fn::GetAtt: - \"ElasticIpsNat0\" - \"AllocationId\"",
                "NatGatewayId: Ref: \"NatGatewaysNat0\"",
                "GatewayId: Ref: \"InternetGateway\"");
    }

    /**
     * Through the WebPlatform's own graph, cut to the network: its after-edges become DependsOn where no
     * reference orders the resources already, so the NAT gateways and the public default route wait for
     * the Internet gateway's attachment, as CloudFormation needs.
     */
    @Test
    void theGraphsEdgesMakeTheGatewaysAndRoutesWaitForTheAttachment() throws IOException {
        scopeFor(WebPlatformSpec.NatGateways.PerZone);
        ComponentGraph.Builder<PlatformScope> network = ComponentGraph.builder();
        WebPlatformGraph.create().nodes().stream().filter(n -> NETWORK.contains(n.name()))
                .forEach(n -> network.add(n.component(), ComponentGraph.after(n.after().toArray(String[]::new))));
        network.build().plan(scope, template);

        assertThat(template.resources()).hasSize(21);
        assertThat(template.resources().get("NatGatewaysNat0").dependsOn()).contains("InternetGatewayAttachment")
                .doesNotContain("SubnetsPublic0", "ElasticIpsNat0");
        assertThat(template.resources().get("RouteTablesPublicDefaultRoute").dependsOn()).contains("InternetGatewayAttachment")
                .doesNotContain("InternetGateway");
        assertThat(template.toYaml()).contains("DependsOn");
    }
}
