package io.webplatform.operator.platform;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.engine.Observed;

import java.util.ArrayList;
import java.util.List;

/** The network checks of the original IaC scan, judged against what AWS reports after this pass's repairs. */
public final class NetworkFindings {
    private NetworkFindings() {
    }

    public static List<Finding> evaluate(PlatformScope scope) {
        List<Finding> findings = new ArrayList<>();
        Subnets.State subnets = Subnets.of(scope);
        if (subnets != null) {
            subnets.byRole.forEach((role, s) -> findings.add(Finding.check("SUBNET_NO_PUBLIC_IP_ON_LAUNCH",
                    !Boolean.TRUE.equals(s.mapPublicIpOnLaunch()), "MEDIUM", s.subnetId(), role + " subnet does not map public IPs on launch")));
        }
        SecurityGroups.State groups = SecurityGroups.of(scope);
        if (groups != null) {
            groups.byRole.forEach((role, g) -> {
                var rules = SecurityGroupRule.of(g);
                findings.add(Finding.check("SG_NO_ADMIN_PORTS_FROM_INTERNET", rules.stream().noneMatch(SecurityGroupRule::opensAdminPortToTheWorld),
                        "CRITICAL", g.groupId(), role + " group opens no SSH/RDP/all-ports to 0.0.0.0/0"));
                findings.add(Finding.check("SG_EGRESS_RESTRICTED", rules.stream().noneMatch(r -> !r.ingress() && "-1".equals(r.protocol())),
                        "MEDIUM", g.groupId(), role + " group has no allow-all egress"));
            });
        }
        DefaultSecurityGroup.State defaultGroup = DefaultSecurityGroup.of(scope);
        if (defaultGroup != null) {
            var group = defaultGroup.group();
            findings.add(Finding.check("SG_DEFAULT_RESTRICTS_ALL", SecurityGroupRule.of(group).isEmpty(), "MEDIUM", group.groupId(),
                    "the VPC's default security group allows no traffic"));
        }
        Observed<?> flowLog = scope.observed(FlowLog.NAME);
        findings.add(Finding.check("VPC_FLOW_LOGS", flowLog != null, "MEDIUM", flowLog == null ? "vpc" : flowLog.id(),
                "VPC flow logs of rejected traffic are on"));
        return findings;
    }
}
