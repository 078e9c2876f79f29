package io.webplatform.operator.platform;

import io.webplatform.operator.aws.ResourceNames;

/** RDS names: 1-63 letters, digits and hyphens, starting with a letter, no double or trailing hyphen. */
public final class DatabaseNames {
    private DatabaseNames() {
    }

    /** The DB instance identifier, known before the instance exists (the instance role's policy names it). */
    public static String instanceId(PlatformScope scope) {
        var m = scope.owner().getMetadata();
        String id = ("wp-" + m.getNamespace() + "-" + m.getName()).toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
        String suffix = "-" + ResourceNames.shortHash(m.getUid());
        if (id.length() > 63 - suffix.length()) {
            id = id.substring(0, 63 - suffix.length());
        }
        return id.replaceAll("-+$", "") + suffix;
    }
}
