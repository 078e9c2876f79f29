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
        for (String component : List.of(DataBucket.NAME, BackupBucket.NAME, TrailBucket.NAME, AccessLogBucket.NAME, BackupAccessLogBucket.NAME)) {
            ProtectedBucket.State bucket = ProtectedBucket.of(scope, component);
            if (bucket != null) {
                bucket(findings, scope.observed(component).id(), bucket);
            }
        }
        accessLogging(findings, scope);
        KmsKey.State key = KmsKey.of(scope);
        if (key != null && scope.spec().encryption.mode == io.webplatform.operator.api.SecureBucketSpec.EncryptionMode.CreateKey) {
            findings.add(Finding.check("KMS_KEY_ROTATION", key.rotationEnabled(), "MEDIUM", scope.idOf(KmsKey.NAME), "key rotation enabled"));
        }
        var backupKey = scope.observed(BackupKey.NAME);
        if (backupKey != null) {
            findings.add(Finding.check("KMS_KEY_ROTATION", Boolean.TRUE.equals(((io.webplatform.operator.aws.OwnedKeys.Key) backupKey.detail()).rotationEnabled()),
                    "MEDIUM", backupKey.id(), "key rotation enabled"));
        }
        crossRegionReplication(findings, scope);
        Trail.State trail = Trail.of(scope);
        if (trail != null) {
            String id = scope.idOf(Trail.NAME);
            findings.add(Finding.check("CLOUDTRAIL_LOG_VALIDATION", trail.validationEnabled(), "MEDIUM", id, "log file validation on"));
            findings.add(Finding.check("CLOUDTRAIL_LOGGING", trail.logging(), "HIGH", id, "trail is logging"));
            // Security Hub CloudTrail.2: the trail's log files encrypted at rest with a KMS key (the shared trail's own, TrailKey).
            findings.add(Finding.control("CloudTrail.2", "cloudtrail_kms_encryption_enabled", trail.trail().kmsKeyId() != null, "MEDIUM", id,
                    "the trail's log files are encrypted with a KMS key", null));
            // Security Hub CloudTrail.5: the trail also delivers to CloudWatch Logs (TrailLogGroup), unless the installation opted out.
            String group = Trail.blankAsNull(trail.trail().cloudWatchLogsLogGroupArn());
            findings.add(Finding.control("CloudTrail.5", "cloudtrail_cloudwatch_logging_enabled", group != null, "LOW", id,
                    "the trail delivers to CloudWatch Logs" + (group == null ? "" : " group " + group),
                    scope.trailLogs().enabled() ? null : "the chart's trail.cloudWatchLogs.enabled: false"));
            // Options of the installation (the chart's), reported where they are off so an audit of the cluster sees them.
            var insights = scope.observed(TrailInsights.NAME);
            boolean insightsOn = insights != null && TrailInsights.selectors().stream()
                    .allMatch(((List<?>) insights.detail())::contains);
            findings.add(Finding.control("cloudtrail_insights_exist", "cloudtrail_insights_exist", insightsOn, "LOW", id,
                    "CloudTrail Insights watch the trail's object writes", scope.trailInsights() ? null : "the chart's trail.insights.enabled: false"));
        }
        var bucket = scope.observed(TrailBucket.NAME);
        if (bucket != null) {
            // Security Hub S3.15; off in the chart, the bucket is not read for it (a lock set earlier stays unreported).
            boolean locked = scope.trailObjectLock().enabled() && scope.observed(TrailObjectLock.NAME) != null;
            findings.add(Finding.control("S3.15", "s3_bucket_object_lock", locked, "MEDIUM", bucket.id(),
                    "the trail's log files are under S3 Object Lock", scope.trailObjectLock().enabled() ? null : "the chart's trail.objectLock.mode: none"));
        }
        return findings;
    }

    /**
     * Security Hub S3.7 (prowler s3_bucket_cross_region_replication): the data bucket replicates to a bucket of another
     * Region, which survives the loss of the bucket's own. A choice (it doubles storage and adds transfer between
     * Regions): opted out by replicating within the region, or not at all.
     */
    private static void crossRegionReplication(List<Finding> findings, BucketScope scope) {
        var data = scope.observed(DataBucket.NAME);
        if (data == null) {
            return;
        }
        boolean on = scope.replicationEnabled() && scope.crossRegion() && scope.observed(Replication.NAME) != null;
        String optedOut = !scope.replicationEnabled() ? "spec.replication: off"
                : scope.crossRegion() ? null : "spec.replication.region: the bucket's own (" + scope.region() + ")";
        findings.add(Finding.control("S3.7", "s3_bucket_cross_region_replication", on, "LOW", data.id(),
                "objects replicate to " + (scope.replicationEnabled() ? scope.names().backupBucket() + " in " + scope.backupRegion() : "no bucket"),
                optedOut));
    }

    /**
     * Server access logging of the data and backup buckets (Security Hub S3.9) and of the trail's log bucket
     * (CloudTrail.7), as this pass left it; opted out by spec.accessLogs.enabled: false. The trail's log bucket is
     * shared: an opted-out SecureBucket does not judge it. The access-log bucket itself is not judged: AWS says a
     * destination should not log (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
     */
    private static void accessLogging(List<Finding> findings, BucketScope scope) {
        AccessLogging.State logging = AccessLogging.of(scope);
        String optedOut = scope.accessLogsEnabled() ? null : "spec.accessLogs.enabled: false";
        for (String component : List.of(DataBucket.NAME, BackupBucket.NAME, TrailBucket.NAME)) {
            if (ProtectedBucket.of(scope, component) == null || component.equals(TrailBucket.NAME) && optedOut != null) {
                continue;
            }
            String bucket = component.equals(DataBucket.NAME) ? scope.names().bucket()
                    : component.equals(BackupBucket.NAME) ? scope.names().backupBucket() : scope.trailDestination().logBucket();
            AccessLogging.Target target = logging == null ? null : logging.of(bucket);
            String region = component.equals(BackupBucket.NAME) ? scope.backupRegion() : scope.region();
            boolean on = target != null && scope.accessLogBucket(region).equals(target.bucket());
            String what = "server access logging " + (on ? "into " + target : "on");
            findings.add(component.equals(TrailBucket.NAME)
                    ? Finding.control("CloudTrail.7", "cloudtrail_logs_s3_bucket_access_logging_enabled", on, "LOW", scope.observed(component).id(), what, null)
                    : Finding.control("S3.9", "s3_bucket_server_access_logging_enabled", on, "MEDIUM", scope.observed(component).id(), what, optedOut));
        }
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
