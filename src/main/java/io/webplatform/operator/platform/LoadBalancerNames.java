package io.webplatform.operator.platform;

import io.webplatform.operator.aws.ResourceNames;

/** ELB names: at most 32 letters, digits and hyphens, no hyphen at either end; unique per region and account. */
public final class LoadBalancerNames {
    private LoadBalancerNames() {
    }

    /** The load balancer's name. */
    public static String loadBalancer(PlatformScope scope) {
        return name(scope, "nlb");
    }

    /** The target group's name. */
    public static String targetGroup(PlatformScope scope) {
        return name(scope, "tg");
    }

    static String name(PlatformScope scope, String kind) {
        var m = scope.owner().getMetadata();
        String suffix = "-" + ResourceNames.shortHash(m.getUid()) + "-" + kind;
        String stem = (m.getNamespace() + "-" + m.getName()).toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
        if (stem.length() > 32 - suffix.length()) {
            stem = stem.substring(0, 32 - suffix.length());
        }
        stem = stem.replaceAll("^-+|-+$", "");
        return (stem.isEmpty() ? "wp" : stem) + suffix;
    }
}
