package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsNameRules;
import io.webplatform.operator.aws.ResourceNames;

/**
 * ELB names: at most 32 letters, digits and hyphens, no hyphen at either end; unique per region and
 * account. A load balancer's name may not start with "internal-" (a namespace called internal): such
 * a stem is led by "wp-". Target groups have no such rule (AwsNameRules), so theirs stay as they were.
 */
public final class LoadBalancerNames {
    private LoadBalancerNames() {
    }

    /** The load balancer's name. */
    public static String loadBalancer(PlatformScope scope) {
        String name = name(scope, "nlb", "");
        return AwsNameRules.ELB_LOAD_BALANCER.accepts(name) ? name : name(scope, "nlb", "wp-");
    }

    /** The target group's name. */
    public static String targetGroup(PlatformScope scope) {
        return name(scope, "tg", "");
    }

    static String name(PlatformScope scope, String kind, String lead) {
        var m = scope.owner().getMetadata();
        String suffix = "-" + ResourceNames.shortHash(scope.ownerKey()) + "-" + kind;
        String stem = (lead + m.getNamespace() + "-" + m.getName()).toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
        if (stem.length() > 32 - suffix.length()) {
            stem = stem.substring(0, 32 - suffix.length());
        }
        stem = stem.replaceAll("^-+|-+$", "");
        return (stem.isEmpty() ? "wp" : stem) + suffix;
    }
}
