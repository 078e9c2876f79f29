package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.engine.ExpiringCache;
import io.webplatform.operator.engine.UserError;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

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
        KeyMetadata key;
        try {
            key = scope.kms().describeKey(r -> r.keyId(keyId)).keyMetadata();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e) || AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                throw notUsable(keyId, "cannot be used: " + AwsErrors.message(e));
            }
            throw e;
        }
        if (key.keyState() != KeyState.ENABLED) {
            throw notUsable(keyId, "is " + key.keyStateAsString() + ", not Enabled");
        }
        if (key.keyUsage() != null && key.keyUsage() != KeyUsageType.ENCRYPT_DECRYPT
                || key.keySpec() != null && key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
            throw notUsable(keyId, "is a " + key.keySpecAsString() + " key for " + key.keyUsageAsString()
                    + "; EBS encrypts only with symmetric encryption keys (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)");
        }
        return true;
    }

    private static UserError notUsable(String keyId, String why) {
        return new UserError("KmsKeyNotUsable", "spec.app.volumeKmsKeyId " + keyId + " " + why);
    }
}
