package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bucket settings diff, on values built by hand: no AWS, no scope. */
class ProtectedBucketDiffTest {
    private static final String BUCKET = "acme-invoices";
    private static final String KEY = "arn:aws:kms:eu-west-3:123456789012:key/k1";
    private static final JsonNode POLICY = BucketPolicies.tlsOnly(Partition.of("eu-west-3"), BUCKET);
    private static final Map<String, String> OWNER_TAGS = Map.of("webplatform.io/owner-uid", "u1", "webplatform.io/component", "Bucket");
    private static final ServerSideEncryptionRule SSE_KMS = ServerSideEncryptionRule.builder()
            .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(KEY))
            .bucketKeyEnabled(true).build();

    private final DataBucket bucket = new DataBucket();

    private static ProtectedBucket.Desired desired() {
        return new ProtectedBucket.Desired(BUCKET, "eu-west-3", OWNER_TAGS, BucketVersioningStatus.ENABLED, SSE_KMS,
                ProtectedBucket.ALL_PUBLIC_ACCESS_BLOCKED, ObjectOwnership.BUCKET_OWNER_ENFORCED, POLICY);
    }

    /** As S3 reports a bucket the operator set up, with a user's own tag besides the ownership tags. */
    private static ProtectedBucket.State converged() {
        Map<String, String> tags = new LinkedHashMap<>(OWNER_TAGS);
        tags.put("team", "billing");
        return new ProtectedBucket.State(tags, "Enabled", SSE_KMS, ProtectedBucket.ALL_PUBLIC_ACCESS_BLOCKED,
                ObjectOwnership.BUCKET_OWNER_ENFORCED, PolicyDocuments.toJson(POLICY), false);
    }

    @Test
    void aConvergedBucketHasNoChangeAndOtherTagsAreKept() {
        assertThat(bucket.diff(converged(), desired())).isEmpty();
    }

    @Test
    void suspendedVersioningIsEnabledAgain() {
        var s = converged();
        var actual = new ProtectedBucket.State(s.tags(), "Suspended", s.encryption(), s.publicAccessBlock(), s.ownership(), s.policy(), false);
        assertThat(bucket.diff(actual, desired())).containsExactly(Change.of("versioning", "Suspended", "Enabled"));
        assertThat(bucket.diff(actual, desired()).get(0).summary()).isEqualTo("versioning Suspended -> Enabled");
    }

    @Test
    void versioningNeverSetSaysSo() {
        var s = converged();
        var actual = new ProtectedBucket.State(s.tags(), null, s.encryption(), s.publicAccessBlock(), s.ownership(), s.policy(), false);
        assertThat(bucket.diff(actual, desired())).extracting(Change::summary).containsExactly("versioning never enabled -> Enabled");
    }

    @Test
    void aMissingOwnershipTagIsRestoredAndTheOthersKept() {
        var s = converged();
        Map<String, String> tags = new LinkedHashMap<>(s.tags());
        tags.remove("webplatform.io/component");
        var actual = new ProtectedBucket.State(tags, s.versioning(), s.encryption(), s.publicAccessBlock(), s.ownership(), s.policy(), false);
        assertThat(bucket.diff(actual, desired())).containsExactly(Change.described("tags", Map.of("webplatform.io/component", "absent"),
                Map.of("webplatform.io/component", "Bucket"), "restored tags"));
        assertThat(ProtectedBucket.wantedTags(actual, desired())).containsEntry("team", "billing").containsAllEntriesOf(OWNER_TAGS);
    }

    @Test
    void anAdoptedBucketIsMarkedSo() {
        var s = converged();
        var adopted = new ProtectedBucket.State(s.tags(), s.versioning(), s.encryption(), s.publicAccessBlock(), s.ownership(), s.policy(), true);
        assertThat(bucket.diff(adopted, desired())).extracting(Change::field, Change::summary).containsExactly(
                org.assertj.core.groups.Tuple.tuple("tags", "restored tags"));
        assertThat(ProtectedBucket.wantedTags(adopted, desired())).containsEntry(ProtectedBucket.ADOPTED, "true").containsEntry("team", "billing");
        Map<String, String> marked = new LinkedHashMap<>(s.tags());
        marked.put(ProtectedBucket.ADOPTED, "true");
        var markedState = new ProtectedBucket.State(marked, s.versioning(), s.encryption(), s.publicAccessBlock(), s.ownership(), s.policy(), true);
        assertThat(bucket.diff(markedState, desired())).isEmpty();
    }

    @Test
    void otherEncryptionIsSetBackToTheKey() {
        var s = converged();
        var sseS3 = ServerSideEncryptionRule.builder().applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)).build();
        var actual = new ProtectedBucket.State(s.tags(), s.versioning(), sseS3, s.publicAccessBlock(), s.ownership(), s.policy(), false);
        assertThat(bucket.diff(actual, desired())).containsExactly(Change.described("default encryption", "AES256", "aws:kms with " + KEY,
                "default encryption set to aws:kms with " + KEY));
        var none = new ProtectedBucket.State(s.tags(), s.versioning(), null, s.publicAccessBlock(), s.ownership(), s.policy(), false);
        assertThat(bucket.diff(none, desired())).extracting(Change::actual).containsExactly("absent");
    }

    @Test
    void aPublicAccessBlockSettingOffIsRestored() {
        var s = converged();
        var open = ProtectedBucket.ALL_PUBLIC_ACCESS_BLOCKED.toBuilder().blockPublicPolicy(false).build();
        var actual = new ProtectedBucket.State(s.tags(), s.versioning(), s.encryption(), open, s.ownership(), s.policy(), false);
        assertThat(bucket.diff(actual, desired())).containsExactly(Change.described("public access block", "BlockPublicPolicy off",
                "all four on", "public access block restored (all four settings on)"));
        var none = new ProtectedBucket.State(s.tags(), s.versioning(), s.encryption(), null, s.ownership(), s.policy(), false);
        assertThat(bucket.diff(none, desired())).extracting(Change::actual).containsExactly("absent");
    }

    @Test
    void objectWriterOwnershipIsSetBackToOwnerEnforced() {
        var s = converged();
        var actual = new ProtectedBucket.State(s.tags(), s.versioning(), s.encryption(), s.publicAccessBlock(), ObjectOwnership.OBJECT_WRITER,
                s.policy(), false);
        assertThat(bucket.diff(actual, desired())).containsExactly(Change.described("object ownership", "ObjectWriter", "BucketOwnerEnforced",
                "object ownership set to BucketOwnerEnforced (ACLs disabled)"));
    }

    @Test
    void aDeletedPolicyIsRestoredAndAnEditedOneReset() {
        var s = converged();
        var deleted = new ProtectedBucket.State(s.tags(), s.versioning(), s.encryption(), s.publicAccessBlock(), s.ownership(), null, false);
        assertThat(bucket.diff(deleted, desired())).containsExactly(Change.missing("bucket policy", "TLS-only", "bucket policy restored"));
        var edited = new ProtectedBucket.State(s.tags(), s.versioning(), s.encryption(), s.publicAccessBlock(), s.ownership(),
                "{\"Version\":\"2012-10-17\",\"Statement\":[]}", false);
        assertThat(bucket.diff(edited, desired())).extracting(Change::summary).containsExactly("bucket policy reset to the TLS-only policy");
    }

    @Test
    void aFreshBucketNeedsEveryProtectionInOrder() {
        var fresh = new ProtectedBucket.State(OWNER_TAGS, null, null, null, null, null, false);
        assertThat(bucket.diff(fresh, desired())).extracting(Change::field)
                .containsExactly("versioning", "default encryption", "public access block", "object ownership", "bucket policy");
    }

    @Test
    void whatApplyLeavesMatches() {
        var fresh = new ProtectedBucket.State(Map.of(), null, null, null, null, null, true);
        var after = fresh;
        for (Change change : bucket.diff(fresh, desired())) {
            after = after.with(change.field(), desired());
        }
        assertThat(bucket.diff(after, desired())).isEmpty();
    }
}
