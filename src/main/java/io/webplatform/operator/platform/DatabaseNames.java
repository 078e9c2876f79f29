package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.ResourceNames;

/** RDS names: 1-63 letters, digits and hyphens, starting with a letter, no double or trailing hyphen. */
public final class DatabaseNames {
    /** Room kept at the end of the base name for a restore's suffix, "-r" and six hex digits. */
    private static final int RESTORE_SUFFIX = 8;

    private DatabaseNames() {
    }

    /** The stem of every database name of this WebPlatform, and the DB subnet group's name. Known before anything exists. */
    public static String baseId(PlatformScope scope) {
        var m = scope.owner().getMetadata();
        String id = ("wp-" + m.getNamespace() + "-" + m.getName()).toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("-{2,}", "-");
        String suffix = "-" + ResourceNames.shortHash(scope.ownerKey());
        int max = 63 - RESTORE_SUFFIX - suffix.length();
        if (id.length() > max) {
            id = id.substring(0, max);
        }
        return id.replaceAll("-+$", "") + suffix;
    }

    /**
     * The current DB instance: the base name, or, when the spec restores from a snapshot or a point in
     * time, the base name with a suffix naming that restore, so each restore makes its own instance.
     */
    public static String instanceId(PlatformScope scope) {
        WebPlatformSpec.Restore restore = scope.spec().database.restore;
        if (restore == null) {
            return baseId(scope);
        }
        return baseId(scope) + "-r" + ResourceNames.shortHash(restore.fromSnapshot + "|" + restore.fromInstance + "|" + restore.toTime);
    }
}
