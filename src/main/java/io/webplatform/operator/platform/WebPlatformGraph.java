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
 * </pre>
 * Instances, the load balancer, the database and monitoring join this graph in later versions.
 */
public final class WebPlatformGraph {
    private WebPlatformGraph() {
    }

    public static ComponentGraph<PlatformScope> create() {
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
                new InstanceProfile());
    }
}
