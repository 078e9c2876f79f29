package io.webplatform.operator.platform;

import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.aws.Quotas;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.ExpiringCache;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.aws.AwsErrors;

import java.time.Clock;
import java.time.Duration;

/**
 * What a WebPlatform consumes of AWS's quotas with small defaults: its VPC and internet gateway, one
 * Elastic IP and one NAT gateway per NAT (in that NAT's zone), its database and its instance role.
 * Judged before the first write of a new platform, and of one whose spec needs more (Single to
 * PerZone); a converged platform whose last walk found all it needs asks nothing.
 */
final class PlatformQuotas implements ComponentGraph.Budget<PlatformScope> {

    static final String WHAT = "this WebPlatform";

    @Override
    public void preflight(PlatformScope scope) {
        if (scope.spec().managementPolicy == ManagementPolicy.Observe) {
            return;
        }
        scope.quotas().check(scope.ownerKey(), WHAT, need(scope), quota -> quota.equals(Quotas.IAM_ROLES) ? count(scope, quota)
                : counts.get(scope.region() + "/" + quota.serviceCode() + "/" + quota.quotaCode(), Duration.ZERO, () -> count(scope, quota)));
    }

    /**
     * Counts in flight, by region and quota: platforms judged at the same time share one count (each is
     * a Describe of every such resource in the region), kept no longer than it takes. Not IAM's: it tells
     * whether the asking platform's own role exists, so it is one platform's.
     */
    private final ExpiringCache<Quotas.Usage> counts = new ExpiringCache<>(Clock.systemUTC());

    @Override
    public void walked(PlatformScope scope, WalkResult walk) {
        if (walk.stalled()) {
            scope.quotas().release(scope.ownerKey());
            return;
        }
        scope.quotas().held(scope.ownerKey(), held(scope));
    }

    /** What the spec asks for, by quota (and zone for NAT gateways). */
    static Quotas.Need need(PlatformScope scope) {
        NetworkPlan plan = scope.plan();
        int nats = plan.natGateways();
        String natWhy = nats + " NAT gateway" + (nats == 1 ? "" : "s") + " (natGateways " + scope.spec().network.natGateways + ")";
        Quotas.Need.Builder need = Quotas.Need.builder(scope.region())
                .add(Quotas.VPCS, null, 1, "its VPC")
                .add(Quotas.INTERNET_GATEWAYS, null, 1, "its VPC's internet gateway")
                .add(Quotas.ELASTIC_IPS, null, nats, "one address per NAT gateway: " + natWhy)
                .add(Quotas.DB_INSTANCES, null, 1, "its database")
                .add(Quotas.IAM_ROLES, null, 1, "its instances' role");
        for (int i = 0; i < nats; i++) {
            need.add(Quotas.NAT_GATEWAYS, plan.zones().get(i), 1, natWhy);
        }
        return need.build();
    }

    /** What this pass observed of the same, with no call. */
    static Quotas.Need held(PlatformScope scope) {
        Quotas.Need.Builder held = Quotas.Need.builder(scope.region())
                .add(Quotas.VPCS, null, scope.observed(Vpc.NAME) != null ? 1 : 0, "")
                .add(Quotas.INTERNET_GATEWAYS, null, scope.observed(InternetGateway.NAME) != null ? 1 : 0, "")
                .add(Quotas.DB_INSTANCES, null, scope.observed(Database.NAME) != null ? 1 : 0, "")
                .add(Quotas.IAM_ROLES, null, scope.observed(InstanceRole.NAME) != null ? 1 : 0, "");
        ElasticIps.State addresses = scope.observed(ElasticIps.NAME) != null ? ElasticIps.of(scope) : null;
        held.add(Quotas.ELASTIC_IPS, null, addresses == null ? 0 : addresses.byRole().size(), "");
        NatGateways.State nats = scope.observed(NatGateways.NAME) != null ? NatGateways.of(scope) : null;
        if (nats != null) {
            nats.byRole.keySet().forEach(role -> {
                int index = Integer.parseInt(role.substring(role.indexOf('-') + 1));
                if (index < scope.plan().zones().size()) {
                    held.add(Quotas.NAT_GATEWAYS, scope.plan().zones().get(index), 1, "");
                }
            });
        }
        return held.build();
    }

    /** The account's usage of one quota, every owner's (reads only). */
    static Quotas.Usage count(PlatformScope scope, Quotas.Quota quota) {
        if (quota.equals(Quotas.ELASTIC_IPS)) {
            return Quotas.elasticIps(scope.ec2());
        } else if (quota.equals(Quotas.VPCS)) {
            return Quotas.vpcs(scope.ec2());
        } else if (quota.equals(Quotas.INTERNET_GATEWAYS)) {
            return Quotas.internetGateways(scope.ec2());
        } else if (quota.equals(Quotas.NAT_GATEWAYS)) {
            return Quotas.natGateways(scope.ec2());
        } else if (quota.equals(Quotas.DB_INSTANCES)) {
            return Quotas.dbInstances(scope.rds());
        } else if (quota.equals(Quotas.IAM_ROLES)) {
            // IAM counts roles without owners: whether this platform's own role exists is read by its name.
            return Quotas.iamRoles(scope.iam(), scope.ownerKey(), ownRoleExists(scope));
        }
        throw new IllegalArgumentException("no count for " + quota.code());
    }

    private static boolean ownRoleExists(PlatformScope scope) {
        try {
            scope.iam().getRole(r -> r.roleName(InstanceRole.roleName(scope)));
            return true;
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }
}
