package io.webplatform.operator.plan;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.CloudFormationTemplate;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import io.webplatform.operator.platform.DbSubnetGroup;
import io.webplatform.operator.platform.DefaultNetworkAcl;
import io.webplatform.operator.platform.DefaultSecurityGroup;
import io.webplatform.operator.platform.NetworkAcls;
import io.webplatform.operator.platform.FlowLog;
import io.webplatform.operator.platform.InstanceProfile;
import io.webplatform.operator.platform.InstanceRole;
import io.webplatform.operator.platform.NetworkPlan;
import io.webplatform.operator.platform.PlatformScope;
import io.webplatform.operator.platform.SecurityGroupRule;
import io.webplatform.operator.platform.SecurityGroups;
import io.webplatform.operator.platform.Subnets;
import io.webplatform.operator.platform.Vpc;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Subnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security groups, the default group, the flow log, the DB subnet group, the instance role and
 * its profile plan themselves from samples/webplatform.yaml, without a client. The VPC and subnets
 * are planned by hand here (their ids as references), as the graph would have them.
 */
@SuppressWarnings("unchecked")
class SecurityPlanResourcesTest {
    private static final String REGION = "eu-west-3";
    /** The names the placeholder UID gives (namespace-name-hash). */
    private static final String GROUP_STEM = "demo-shop-12b937";
    private static final String RDS_NAME = "wp-demo-shop-12b937";
    private static final String ROLE_NAME = "wp-demo-shop-12b937-app";

    private PlatformScope scope;
    private CloudFormationTemplate template;
    /** What each component's own diff finds between what it planned and what it wants: nothing, as after a create. */
    private final Map<String, List<Change>> plannedAgainstDesired = new LinkedHashMap<>();

    @BeforeEach
    void planTheNetworkByHand() throws IOException {
        WebPlatform platform = Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
        platform.getMetadata().setUid(Plan.PLACEHOLDER_UID);
        NetworkPlan network = NetworkPlan.of(platform.getSpec().network, List.of(REGION + "a", REGION + "b"));
        scope = PlatformScope.forPlan(platform, Identity.ofUid(platform), network, REGION, CfnResource.ref("AWS::AccountId"), CfnResource.ref("FlowLogBucketArn"), Plan.appImage(platform));
        template = new CloudFormationTemplate("test").parameter("FlowLogBucketArn", "String", "the flow-log bucket");
        scope.record(Vpc.NAME, Observed.ready("${Vpc}", new Vpc.State("${Vpc}", "10.0.0.0/16", true, true, null)));
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        for (String role : Subnets.roles()) {
            String id = CfnResource.ref(CfnResource.logicalId(Subnets.NAME, role));
            subnets.put(role, Subnet.builder().subnetId(id).vpcId("${Vpc}").build());
        }
        scope.record(Subnets.NAME, Observed.ready(String.join(",", subnets.values().stream().map(Subnet::subnetId).toList()),
                new Subnets.State(subnets)));
        // Stand-ins for the other helper's resources, so the template's references resolve.
        template.add(CfnResource.of("Vpc", "AWS::EC2::VPC", Map.of()));
        subnets.values().forEach(s -> template.add(CfnResource.of(s.subnetId().substring(2, s.subnetId().length() - 1), "AWS::EC2::Subnet", Map.of())));
        // In graph order, each recording what it planned for those after it.
        plan(new SecurityGroups());
        plan(new DefaultSecurityGroup());
        plan(new NetworkAcls());
        plan(new DefaultNetworkAcl());
        plan(new FlowLog());
        plan(new DbSubnetGroup());
        plan(new InstanceRole());
        plan(new InstanceProfile());
    }

    private <D, A> void plan(Component<PlatformScope, D, A> component) {
        D desired = component.desired(scope);
        component.cloudFormation(desired).forEach(template::add);
        Observed<A> planned = component.planned(scope, desired);
        scope.record(component.name(), planned);
        plannedAgainstDesired.put(component.name(), component.diff(planned.detail(), desired));
    }

    private Map<String, Object> properties(String logicalId) {
        assertThat(template.resources()).containsKey(logicalId);
        return template.resources().get(logicalId).properties();
    }

    @Test
    void eachNetworkAclRuleIsAnEntryAndEachSubnetAnAssociation() {
        for (String role : NetworkAcls.roles()) {
            String acl = CfnResource.logicalId(NetworkAcls.NAME, role);
            assertThat(template.resources().get(acl).type()).isEqualTo("AWS::EC2::NetworkAcl");
            assertThat(properties(acl)).containsEntry("VpcId", "${Vpc}");
            List<NetworkAcls.Rule> rules = NetworkAcls.rules(scope.spec(), scope.plan(), role);
            List<CfnResource> entries = template.resources().values().stream().filter(r -> r.type().equals("AWS::EC2::NetworkAclEntry"))
                    .filter(r -> r.properties().get("NetworkAclId").equals("${" + acl + "}")).toList();
            assertThat(entries).hasSameSizeAs(rules);
            for (NetworkAcls.Rule rule : rules) {
                Map<String, Object> entry = properties(acl + (rule.egress() ? "Out" : "In") + rule.number());
                assertThat(entry).containsEntry("RuleNumber", rule.number()).containsEntry("Protocol", 6)
                        .containsEntry("RuleAction", rule.allow() ? "allow" : "deny").containsEntry("Egress", rule.egress())
                        .containsEntry("CidrBlock", rule.cidr()).containsEntry("PortRange", Map.of("From", rule.fromPort(), "To", rule.toPort()));
            }
            for (int zone = 0; zone < 2; zone++) {
                assertThat(properties(acl + (role.equals("public") ? "Public" : "Private") + zone + "Association")).isEqualTo(Map.of(
                        "SubnetId", "${Subnets" + (role.equals("public") ? "Public" : "Private") + zone + "}", "NetworkAclId", "${" + acl + "}"));
            }
        }
        // RDP from anywhere: denied by an entry numbered below the ephemeral allow that would admit it.
        Map<String, Object> rdp = template.resources().values().stream().filter(r -> r.type().equals("AWS::EC2::NetworkAclEntry"))
                .map(CfnResource::properties).filter(p -> "${NetworkAclsPublic}".equals(p.get("NetworkAclId")))
                .filter(p -> Map.of("From", 3389, "To", 3389).equals(p.get("PortRange"))).findFirst().orElseThrow();
        assertThat(rdp).containsEntry("RuleAction", "deny").containsEntry("CidrBlock", "0.0.0.0/0").containsEntry("Egress", false);
        // The default NACL: nothing CloudFormation can say.
        assertThat(template.resources().keySet()).noneMatch(id -> id.startsWith(DefaultNetworkAcl.NAME));
    }

    @Test
    void whatEachPlannedIsWhatItWants() {
        assertThat(plannedAgainstDesired).containsOnlyKeys(SecurityGroups.NAME, DefaultSecurityGroup.NAME, NetworkAcls.NAME,
                DefaultNetworkAcl.NAME, FlowLog.NAME,
                DbSubnetGroup.NAME, InstanceRole.NAME, InstanceProfile.NAME);
        plannedAgainstDesired.forEach((name, changes) -> assertThat(changes).as(name).isEmpty());
    }

    @Test
    void everyComponentPlansItsResourcesAndNothingElse() {
        // The network ACLs' entries and associations are their own test's (eachNetworkAclRuleIsAnEntryAndEachSubnetAnAssociation).
        assertThat(template.resources().keySet().stream().filter(id -> !id.startsWith(NetworkAcls.NAME)).toList())
                .containsExactlyInAnyOrder("Vpc", "SubnetsPublic0", "SubnetsPublic1", "SubnetsPrivate0", "SubnetsPrivate1",
                "SecurityGroupsLb", "SecurityGroupsApp", "SecurityGroupsDb", "SecurityGroupsAppFromLb80", "SecurityGroupsDbFromApp5432",
                "FlowLog", "DbSubnetGroup", "InstanceRole", "InstanceProfile");
        // Two NACLs, 9 + 4 and 6 + 4 entries, two associations each.
        assertThat(template.resources().keySet().stream().filter(id -> id.startsWith(NetworkAcls.NAME))).hasSize(2 + 13 + 10 + 4);
        assertThat(template.resources().get("SecurityGroupsAppFromLb80").type()).isEqualTo("AWS::EC2::SecurityGroupIngress");
        assertThat(template.unresolvedReferences()).isEmpty();
        assertThat(template.toYaml()).contains("AWS::RDS::DBSubnetGroup", "AWS::IAM::InstanceProfile");
    }

    @Test
    void theGroupsKeepRulesToCidrsAndEgressInlineAndAdmitOtherGroupsBySeparateIngress() {
        Map<String, Object> lb = properties("SecurityGroupsLb");
        assertThat(lb.get("GroupName")).isEqualTo(GROUP_STEM + "-lb");
        assertThat(lb.get("GroupDescription")).isEqualTo("WebPlatform load balancer: listener ports from the allowed CIDRs");
        assertThat(lb.get("VpcId")).isEqualTo("${Vpc}");
        // Every rule with its Description, as the operator sends it (checkov CKV_AWS_23).
        assertThat(lb.get("SecurityGroupIngress")).isEqualTo(List.of(Map.of("IpProtocol", "tcp", "FromPort", 80, "ToPort", 80, "CidrIp", "0.0.0.0/0",
                "Description", "clients to listener 80")));
        assertThat(lb.get("SecurityGroupEgress")).isEqualTo(List.of(Map.of("IpProtocol", "tcp", "FromPort", 80, "ToPort", 80,
                "DestinationSecurityGroupId", "${SecurityGroupsApp.GroupId}", "Description", "load balancer to app 80")));
        // User tag team, four ownership tags, Name and the role tag.
        assertThat((List<Object>) lb.get("Tags")).hasSize(7).contains(Map.of("Key", "webplatform.io/role", "Value", "lb"), Map.of("Key", "team", "Value", "web"));

        Map<String, Object> app = properties("SecurityGroupsApp");
        assertThat(app.get("GroupName")).isEqualTo(GROUP_STEM + "-app");
        assertThat(app).doesNotContainKey("SecurityGroupIngress");
        assertThat(app.get("SecurityGroupEgress")).isEqualTo(List.of(
                Map.of("IpProtocol", "tcp", "FromPort", 5432, "ToPort", 5432, "DestinationSecurityGroupId", "${SecurityGroupsDb.GroupId}",
                        "Description", "app to database 5432"),
                Map.of("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443, "CidrIp", "0.0.0.0/0",
                        "Description", "app to HTTPS 443: Systems Manager, Secrets Manager, packages")));

        // Neither ingress nor egress on the db group: CloudFormation cannot say "no egress" (see SecurityGroups.cloudFormation).
        Map<String, Object> db = properties("SecurityGroupsDb");
        assertThat(db.get("GroupName")).isEqualTo(GROUP_STEM + "-db");
        assertThat(db).doesNotContainKeys("SecurityGroupIngress", "SecurityGroupEgress");

        assertThat(properties("SecurityGroupsAppFromLb80")).isEqualTo(Map.of("GroupId", "${SecurityGroupsApp.GroupId}",
                "IpProtocol", "tcp", "FromPort", 80, "ToPort", 80, "SourceSecurityGroupId", "${SecurityGroupsLb.GroupId}",
                "Description", "load balancer to app 80"));
        assertThat(properties("SecurityGroupsDbFromApp5432")).isEqualTo(Map.of("GroupId", "${SecurityGroupsDb.GroupId}",
                "IpProtocol", "tcp", "FromPort", 5432, "ToPort", 5432, "SourceSecurityGroupId", "${SecurityGroupsApp.GroupId}",
                "Description", "app to database 5432"));
        // The inline references run lb -> app -> db only: no cycle for CloudFormation.
        assertThat(CloudFormationTemplate.referencesIn(db)).containsOnly("Vpc");
        assertThat(CloudFormationTemplate.referencesIn(app)).containsOnly("Vpc", "SecurityGroupsDb");
    }

    @Test
    void dependentsReadTheGroupsIdsAndRulesAsReferences() {
        SecurityGroups.State groups = SecurityGroups.of(scope);
        assertThat(SecurityGroups.groupId(scope, "db")).isEqualTo("${SecurityGroupsDb.GroupId}");
        assertThat(SecurityGroups.groupId(scope, "lb")).isEqualTo("${SecurityGroupsLb.GroupId}");
        assertThat(scope.idOf(SecurityGroups.NAME)).isEqualTo("${SecurityGroupsLb.GroupId},${SecurityGroupsApp.GroupId},${SecurityGroupsDb.GroupId}");
        assertThat(SecurityGroupRule.of(groups.byRole.get("app"))).containsExactlyInAnyOrder(
                SecurityGroupRule.tcpFromGroup(80, "${SecurityGroupsLb.GroupId}"),
                SecurityGroupRule.tcpToGroup(5432, "${SecurityGroupsDb.GroupId}"),
                SecurityGroupRule.tcpToCidr(443, "0.0.0.0/0"));
        assertThat(SecurityGroupRule.of(groups.byRole.get("db"))).containsExactly(SecurityGroupRule.tcpFromGroup(5432, "${SecurityGroupsApp.GroupId}"));
        assertThat(groups.byRole.get("lb").vpcId()).isEqualTo("${Vpc}");
    }

    @Test
    void theDefaultGroupHasNoResourceAndIsTheVpcsAttribute() {
        assertThat(new DefaultSecurityGroup().cloudFormation(new DefaultSecurityGroup().desired(scope))).isEmpty();
        assertThat(scope.idOf(DefaultSecurityGroup.NAME)).isEqualTo("${Vpc.DefaultSecurityGroup}");
        assertThat(SecurityGroupRule.of(DefaultSecurityGroup.of(scope).group())).isEmpty();
    }

    @Test
    void theFlowLogRecordsRejectedTrafficOfTheVpcIntoTheBucket() {
        Map<String, Object> flowLog = properties("FlowLog");
        assertThat(template.resources().get("FlowLog").type()).isEqualTo("AWS::EC2::FlowLog");
        assertThat(flowLog).containsEntry("ResourceId", "${Vpc}").containsEntry("ResourceType", "VPC")
                .containsEntry("TrafficType", "REJECT").containsEntry("LogDestinationType", "s3")
                .containsEntry("LogDestination", "${FlowLogBucketArn}").containsEntry("MaxAggregationInterval", 600)
                .doesNotContainKey("ClientToken");
        assertThat((List<Object>) flowLog.get("Tags")).hasSize(6).contains(Map.of("Key", "webplatform.io/component", "Value", "FlowLog"));
        assertThat(scope.idOf(FlowLog.NAME)).isEqualTo("${FlowLog}");
    }

    @Test
    void theDbSubnetGroupSpansThePrivateSubnetsAndIsNamedByReference() {
        Map<String, Object> group = properties("DbSubnetGroup");
        assertThat(template.resources().get("DbSubnetGroup").type()).isEqualTo("AWS::RDS::DBSubnetGroup");
        assertThat(group.get("DBSubnetGroupName")).isEqualTo(RDS_NAME);
        assertThat(group.get("DBSubnetGroupDescription")).isEqualTo("WebPlatform demo/shop: the private subnets");
        assertThat(group.get("SubnetIds")).isEqualTo(List.of("${SubnetsPrivate0}", "${SubnetsPrivate1}"));
        assertThat((List<?>) group.get("Tags")).hasSize(6);
        // The database's DBSubnetGroupName is this reference (Ref is the group's name).
        assertThat(scope.idOf(DbSubnetGroup.NAME)).isEqualTo("${DbSubnetGroup}");
    }

    @Test
    void theRoleHoldsTheSsmPolicyAndTheSecretPolicyOnly() {
        Map<String, Object> role = properties("InstanceRole");
        assertThat(template.resources().get("InstanceRole").type()).isEqualTo("AWS::IAM::Role");
        assertThat(role.get("RoleName")).isEqualTo(ROLE_NAME);
        assertThat(role.get("Description")).isEqualTo("WebPlatform demo/shop: app instances (Systems Manager, database secret)");
        assertThat(role.get("ManagedPolicyArns")).isEqualTo(List.of("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"));
        assertThat(role.get("AssumeRolePolicyDocument").toString()).contains("ec2.amazonaws.com", "sts:AssumeRole");
        List<?> policies = (List<?>) role.get("Policies");
        assertThat(policies).hasSize(1);
        Map<?, ?> policy = (Map<?, ?>) policies.get(0);
        assertThat(policy.get("PolicyName")).isEqualTo("read-database-secret");
        // The account is CloudFormation's pseudo parameter: the ARN becomes an Fn::Sub.
        assertThat(policy.get("PolicyDocument").toString()).contains("arn:aws:secretsmanager:eu-west-3:${AWS::AccountId}:secret:rds!db-*",
                "secretsmanager:GetSecretValue", "arn:aws:rds:eu-west-3:${AWS::AccountId}:db:" + RDS_NAME + "-r*");
        assertThat((List<?>) role.get("Tags")).hasSize(6);
        assertThat(scope.idOf(InstanceRole.NAME)).isEqualTo("${InstanceRole.Arn}");
        assertThat(template.toYaml().replaceAll("\\s+", " ")).contains("Fn::Sub: \"arn:aws:secretsmanager:eu-west-3:${AWS::AccountId}:secret:rds!db-*\"");
    }

    @Test
    void theProfileHoldsTheRoleAndTheInstancesNameItByArn() {
        Map<String, Object> profile = properties("InstanceProfile");
        // No Tags: AWS::IAM::InstanceProfile has none (see InstanceProfile.cloudFormation).
        assertThat(profile).isEqualTo(Map.of("InstanceProfileName", ROLE_NAME, "Roles", List.of(ROLE_NAME)));
        assertThat(scope.idOf(InstanceProfile.NAME)).isEqualTo("${InstanceProfile.Arn}");
        assertThat(InstanceProfile.of(scope).roles()).extracting(r -> r.roleName()).containsExactly(ROLE_NAME);
    }
}
