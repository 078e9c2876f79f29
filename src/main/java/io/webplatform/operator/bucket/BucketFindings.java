package io.webplatform.operator.bucket;

import io.webplatform.operator.api.Finding;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Observed;
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
            Observed<?> o = scope.observed(component);
            if (o != null) {
                bucket(findings, o);
            }
        }
        Observed<?> key = scope.observed(KmsKey.NAME);
        if (key != null && scope.spec().encryption.mode == io.webplatform.operator.api.SecureBucketSpec.EncryptionMode.CreateKey) {
            findings.add(Finding.check("KMS_KEY_ROTATION", KmsKey.rotationEnabled(key), "MEDIUM", key.id(), "key rotation enabled"));
        }
        Observed<?> trail = scope.observed(Trail.NAME);
        if (trail != null) {
            findings.add(Finding.check("CLOUDTRAIL_LOG_VALIDATION", Trail.validationEnabled(trail), "MEDIUM", trail.id(), "log file validation on"));
            findings.add(Finding.check("CLOUDTRAIL_LOGGING", Trail.logging(trail), "HIGH", trail.id(), "trail is logging"));
        }
        return findings;
    }

    private static void bucket(List<Finding> findings, Observed<?> o) {
        ProtectedBucket.State s = o.detail(ProtectedBucket.State.class);
        PublicAccessBlockConfiguration pab = s.publicAccessBlock;
        boolean blocked = pab != null && Boolean.TRUE.equals(pab.blockPublicAcls()) && Boolean.TRUE.equals(pab.ignorePublicAcls())
                && Boolean.TRUE.equals(pab.blockPublicPolicy()) && Boolean.TRUE.equals(pab.restrictPublicBuckets());
        findings.add(Finding.check("S3_PUBLIC_ACCESS_BLOCK", blocked, "HIGH", o.id(), "all four public access block settings on"));
        boolean encrypted = s.encryption != null && s.encryption.applyServerSideEncryptionByDefault() != null;
        findings.add(Finding.check("S3_DEFAULT_ENCRYPTION", encrypted, "HIGH", o.id(), "default encryption "
                + (encrypted ? s.encryption.applyServerSideEncryptionByDefault().sseAlgorithmAsString() : "missing")));
        findings.add(Finding.check("S3_VERSIONING", "Enabled".equals(s.versioning), "MEDIUM", o.id(), "versioning enabled"));
        findings.add(Finding.check("S3_ACLS_DISABLED", s.ownership == ObjectOwnership.BUCKET_OWNER_ENFORCED, "MEDIUM", o.id(),
                "object ownership BucketOwnerEnforced"));
        boolean tlsOnly = s.policy != null && PolicyDocuments.parse(s.policy) != null
                && s.policy.contains(BucketPolicies.DENY_INSECURE_TRANSPORT);
        findings.add(Finding.check("S3_TLS_ONLY", tlsOnly, "MEDIUM", o.id(), "bucket policy denies requests without TLS"));
    }
}
