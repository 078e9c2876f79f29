package io.webplatform.operator.platform;

import io.webplatform.operator.aws.ReferencedKeys;
import io.webplatform.operator.engine.ExpiringCache;

import java.time.Clock;
import java.time.Duration;

/**
 * The KMS key the spec names for the app's root volumes (spec.app.volumeKmsKeyId), judged with
 * DescribeKey before anything is made: it must exist, be Enabled and be a symmetric encryption key
 * (EBS takes no other). The operator needs kms:DescribeKey on it anyway: EBS checks it with the
 * caller's permissions at launch. Without the check a bad key fails only at RunInstances, after the
 * network and the database are made. A usable key is remembered for an hour.
 */
public class VolumeKey {
    private static final Duration CACHED_FOR = Duration.ofHours(1);

    private final ExpiringCache<Boolean> usable;

    public VolumeKey() {
        this(Clock.systemUTC());
    }

    VolumeKey(Clock clock) {
        this.usable = new ExpiringCache<>(clock);
    }

    /** UserError unless the spec names no key or a usable one. */
    public void requireUsable(PlatformScope scope) {
        String keyId = scope.spec().app.volumeKmsKeyId;
        if (keyId == null) {
            return;
        }
        usable.get(scope.region() + "/" + keyId, CACHED_FOR, () -> judge(scope, keyId));
    }

    private static boolean judge(PlatformScope scope, String keyId) {
        ReferencedKeys.describeUsable(scope.kms(), keyId, "spec.app.volumeKmsKeyId", "EBS");
        return true;
    }
}
