package io.webplatform.operator.platform;

import io.webplatform.operator.engine.ComponentGraph;

/**
 * A WebPlatform's network, as a diagram (created top-down, deleted bottom-up):
 * <pre>
 *   Vpc ─┬─► Subnets ──────────────┐
 *        ├─► InternetGateway ──────┼─► NatGateways ─► RouteTables
 *        │   ElasticIps ───────────┘        (and Subnets, InternetGateway)
 *        ├─► SecurityGroups   (lb ─► app ─► db)
 *        ├─► DefaultSecurityGroup (emptied: nothing may use it)
 *        └─► FlowLog          (REJECT traffic to the flow-log SecureBucket)
 *   Subnets ─► DbSubnetGroup          (the private subnets, for the database)
 *   InstanceRole ─► InstanceProfile   (Systems Manager + the database secret, for the app instances)
 *   DbSubnetGroup, SecurityGroups ─► Database            (RDS PostgreSQL)
 *   Subnets, SecurityGroups, InternetGateway ─► LoadBalancer ─┐
 *   Vpc ─► TargetGroup ───────────────────────────────────────┴─► Listeners
 *   RouteTables, InstanceProfile, Database, TargetGroup ─► AppInstances (one per zone, registered as targets)
 *   Database, AppInstances ─► RetiredDatabases   (what a restore replaced, retired by deletionPolicy)
 *   DatabaseSnapshots   (manual snapshots asked for with an annotation; after Database, needing nothing once taken)
 *   AlarmTopicKey ─► AlarmTopic ─► Alarms   (declared last: they watch the instances, database and load balancer)
 * </pre>
 */
public final class WebPlatformGraph {
    private WebPlatformGraph() {
    }

    public static ComponentGraph<PlatformScope> create() {
        InstanceTypes instanceTypes = new InstanceTypes();
        return new ComponentGraph<>(
                new Vpc(),
                new Subnets(),
                new InternetGateway(),
                new ElasticIps(),
                new NatGateways(),
                new RouteTables(),
                new SecurityGroups(),
                new DefaultSecurityGroup(),
                new FlowLog(),
                new DbSubnetGroup(),
                new InstanceRole(),
                new InstanceProfile(),
                new Database(),
                new LoadBalancer(),
                new TargetGroup(),
                new Listeners(),
                new AppInstances(instanceTypes, new AppImages(instanceTypes), new VolumeKey()),
                new RetiredDatabases(),
                new DatabaseSnapshots(),
                // Monitoring last: alarms watch what is above, and go first on delete.
                new AlarmTopicKey(),
                new AlarmTopic(),
                new Alarms());
    }
}
