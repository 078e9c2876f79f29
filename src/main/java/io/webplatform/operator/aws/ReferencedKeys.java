package io.webplatform.operator.aws;

import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * KMS keys a spec references (never made, changed or deleted by the operator), judged before they are
 * used: the key must exist for this account, be Enabled and be a symmetric encryption key, the only
 * kind S3 (SSE-KMS) and EBS encrypt with. A bad key otherwise fails only at PutBucketEncryption or
 * RunInstances, after much else was made.
 */
public final class ReferencedKeys {
    private ReferencedKeys() {
    }

    /**
     * The key's metadata; UserError (KmsKeyNotUsable) naming the spec {@code field} when it is not usable
     * by {@code service}.
     */
    public static KeyMetadata describeUsable(KmsClient kms, String keyId, String field, String service) {
        KeyMetadata key;
        try {
            key = kms.describeKey(r -> r.keyId(keyId)).keyMetadata();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e) || AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                throw notUsable(field, keyId, "cannot be used: " + AwsErrors.message(e));
            }
            throw e;
        }
        if (key.keyState() != KeyState.ENABLED) {
            throw notUsable(field, keyId, "is " + key.keyStateAsString() + ", not Enabled");
        }
        if (key.keyUsage() != null && key.keyUsage() != KeyUsageType.ENCRYPT_DECRYPT
                || key.keySpec() != null && key.keySpec() != KeySpec.SYMMETRIC_DEFAULT) {
            throw notUsable(field, keyId, "is a " + key.keySpecAsString() + " key for " + key.keyUsageAsString() + "; " + service
                    + " encrypts only with symmetric encryption keys (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT)");
        }
        return key;
    }

    private static UserError notUsable(String field, String keyId, String why) {
        return new UserError("KmsKeyNotUsable", field + " " + keyId + " " + why);
    }
}
