package io.webplatform.operator.platform;

import io.webplatform.operator.engine.ComponentGraph;

import static io.webplatform.operator.engine.ComponentGraph.after;
import static io.webplatform.operator.engine.ComponentGraph.reads;

/**
 * A WebPlatform as a graph, every edge in this one place: {@code after} means the other component
 * must be ready before this one is created and gone before it is deleted; {@code reads} means this
 * one reads what the other observed in the same pass, without waiting for it. The README's diagram
 * is generated from it ({@code ArchitectureDiagramTest}).
 */
public final class WebPlatformGraph {
    private WebPlatformGraph() {
    }

    public static ComponentGraph<PlatformScope> create() {
        InstanceTypes instanceTypes = new InstanceTypes();
        return ComponentGraph.<PlatformScope>builder()
                .add(new Vpc())
                .add(new Subnets(), after(Vpc.NAME))
                .add(new InternetGateway(), after(Vpc.NAME))
                .add(new ElasticIps())
                .add(new NatGateways(), after(Subnets.NAME, ElasticIps.NAME, InternetGateway.NAME))
                .add(new RouteTables(), after(Vpc.NAME, Subnets.NAME, InternetGateway.NAME, NatGateways.NAME))
                .add(new SecurityGroups(), after(Vpc.NAME))
                // Emptied: nothing may use the VPC's default group.
                .add(new DefaultSecurityGroup(), after(Vpc.NAME))
                // Stateless, rule by rule: exactly the platform's flows and their replies; the default NACL allows nothing.
                .add(new NetworkAcls(), after(Vpc.NAME, Subnets.NAME))
                .add(new DefaultNetworkAcl(), after(Vpc.NAME))
                .add(new FlowLog(), after(Vpc.NAME))
                .add(new DbSubnetGroup(), after(Subnets.NAME))
                .add(new InstanceRole())
                .add(new InstanceProfile(), after(InstanceRole.NAME))
                // Its policy lets CloudWatch Logs use it for the database's log groups only; deleted after them (their logs need it).
                .add(new DatabaseLogsKey())
                // Made first: RDS would otherwise make the groups itself, kept forever and never deleted.
                .add(new DatabaseLogGroups(), after(DatabaseLogsKey.NAME))
                // Made first, since RDS checks the role it is given; removed after the database (or once it stops using it).
                .add(new DatabaseMonitoringRole())
                .add(new Database(), after(DbSubnetGroup.NAME, SecurityGroups.NAME, DatabaseLogGroups.NAME, DatabaseMonitoringRole.NAME))
                // Names the secret RDS made with the instance, and the app's role it exempts; removed before either goes.
                .add(new DatabaseSecretPolicy(), after(Database.NAME, InstanceRole.NAME))
                .add(new LoadBalancer(), after(Subnets.NAME, SecurityGroups.NAME, InternetGateway.NAME))
                .add(new TargetGroup(), after(Vpc.NAME))
                .add(new Listeners(), after(LoadBalancer.NAME, TargetGroup.NAME))
                // Route tables: the bootstrap downloads packages through NAT. Database: its endpoint is in the user data.
                .add(new AppInstances(instanceTypes, new AppImages(instanceTypes), new VolumeKey()),
                        after(Subnets.NAME, SecurityGroups.NAME, RouteTables.NAME, InstanceProfile.NAME, Database.NAME, TargetGroup.NAME))
                // What a restore replaced, retired by deletionPolicy once the instances use the new database.
                .add(new RetiredDatabases(), after(DbSubnetGroup.NAME, SecurityGroups.NAME), reads(Database.NAME, AppInstances.NAME))
                // Snapshots asked for with an annotation: a kept snapshot needs nothing, so only a read of the database's id.
                .add(new DatabaseSnapshots(), reads(Database.NAME))
                .add(new AlarmTopicKey())
                .add(new AlarmTopic(), after(AlarmTopicKey.NAME))
                // Alarms follow what they watch in the same pass, even while it is pending; they go first on delete.
                .add(new Alarms(), after(AlarmTopic.NAME), reads(AppInstances.NAME, Database.NAME, TargetGroup.NAME, LoadBalancer.NAME))
                .anchor(Vpc.NAME)
                .budget(new PlatformQuotas())
                .build();
    }
}
