package io.webplatform.operator.bucket;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.aws.PolicyDocuments;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;

import java.util.ArrayList;
import java.util.List;

/**
 * The security checks the original IaC scan ran, judged against what AWS reports after this pass's
 * repairs: PASS, or the severity of what is wrong.
 */
public final class BucketFindings {
    private BucketFindings() {
    }

    public static List<Finding> evaluate(BucketScope scope) {
        List<Finding> findings = new ArrayList<>();
        for (String component : List.of(DataBucket.NAME, BackupBucket.NAME, TrailBucket.NAME)) {
            ProtectedBucket.State bucket = ProtectedBucket.of(scope, component);
            if (bucket != null) {
                bucket(findings, scope.observed(component).id(), bucket);
            }
        }
        KmsKey.State key = KmsKey.of(scope);
        if (key != null && scope.spec().encryption.mode == io.webplatform.operator.api.SecureBucketSpec.EncryptionMode.CreateKey) {
            findings.add(Finding.check("KMS_KEY_ROTATION", key.rotationEnabled(), "MEDIUM", scope.idOf(KmsKey.NAME), "key rotation enabled"));
        }
        Trail.State trail = Trail.of(scope);
        if (trail != null) {
            String id = scope.idOf(Trail.NAME);
            findings.add(Finding.check("CLOUDTRAIL_LOG_VALIDATION", trail.validationEnabled(), "MEDIUM", id, "log file validation on"));
            findings.add(Finding.check("CLOUDTRAIL_LOGGING", trail.logging(), "HIGH", id, "trail is logging"));
            // Security Hub CloudTrail.2: the trail's log files encrypted at rest with a KMS key (the shared trail's own, TrailKey).
            findings.add(Finding.control("CloudTrail.2", "cloudtrail_kms_encryption_enabled", trail.trail().kmsKeyId() != null, "MEDIUM", id,
                    "the trail's log files are encrypted with a KMS key", null));
        }
        return findings;
    }

    private static void bucket(List<Finding> findings, String id, ProtectedBucket.State s) {
        PublicAccessBlockConfiguration pab = s.publicAccessBlock();
        boolean blocked = pab != null && Boolean.TRUE.equals(pab.blockPublicAcls()) && Boolean.TRUE.equals(pab.ignorePublicAcls())
                && Boolean.TRUE.equals(pab.blockPublicPolicy()) && Boolean.TRUE.equals(pab.restrictPublicBuckets());
        findings.add(Finding.check("S3_PUBLIC_ACCESS_BLOCK", blocked, "HIGH", id, "all four public access block settings on"));
        boolean encrypted = s.encryption() != null && s.encryption().applyServerSideEncryptionByDefault() != null;
        findings.add(Finding.check("S3_DEFAULT_ENCRYPTION", encrypted, "HIGH", id, "default encryption "
                + (encrypted ? s.encryption().applyServerSideEncryptionByDefault().sseAlgorithmAsString() : "missing")));
        findings.add(Finding.check("S3_VERSIONING", "Enabled".equals(s.versioning()), "MEDIUM", id, "versioning enabled"));
        findings.add(Finding.check("S3_ACLS_DISABLED", s.ownership() == ObjectOwnership.BUCKET_OWNER_ENFORCED, "MEDIUM", id,
                "object ownership BucketOwnerEnforced"));
        boolean tlsOnly = s.policy() != null && PolicyDocuments.parse(s.policy()) != null
                && s.policy().contains(BucketPolicies.DENY_INSECURE_TRANSPORT);
        findings.add(Finding.check("S3_TLS_ONLY", tlsOnly, "MEDIUM", id, "bucket policy denies requests without TLS"));
    }
}
