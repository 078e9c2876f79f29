package io.webplatform.operator.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.ExpiringCache;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.s3.model.Tag;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every bucket of a SecureBucket has: versioning, default encryption, all four public-access-block
 * settings, owner-enforced object ownership (no ACLs), a TLS-only policy and the ownership tags.
 * Each drifted setting is put back on its own, so a repair touches only what changed.
 */
public abstract class ProtectedBucket extends RepairingComponent<BucketScope> {

    /** Pages of 1000 versions emptied per pass, so one reconcile never runs for long. */
    private static final int EMPTY_PAGES_PER_PASS = 10;
    private static final Duration USABLE_CACHED_FOR = Duration.ofHours(1);

    /** Bucket names judged usable, by region/name/owner: a resync's preflight asks nothing. */
    private final ExpiringCache<Boolean> usable = new ExpiringCache<>(Clock.systemUTC());

    /** The bucket as S3 reports it. */
    public static final class State {
        public Map<String, String> tags = new LinkedHashMap<>();
        public String versioning;
        public ServerSideEncryptionRule encryption;
        public PublicAccessBlockConfiguration publicAccessBlock;
        public ObjectOwnership ownership;
        public String policy;
        public boolean adopted;
    }

    protected abstract String bucketName(BucketScope scope);

    /** The bucket policy this bucket must carry. */
    protected abstract JsonNode policy(BucketScope scope);

    /** SSE-KMS with this key, or SSE-S3 when null. */
    protected abstract String kmsKeyArn(BucketScope scope);

    /**
     * Bucket names are global: one taken by another account, or by another resource of this operator,
     * stops everything before the key or any other bucket is made. A name judged usable is not asked
     * about again for an hour (observe still checks it at every pass).
     */
    @Override
    public void preflight(BucketScope scope) {
        String bucket = bucketName(scope);
        usable.get(scope.region() + "/" + bucket + "/" + scope.ownerUid(), USABLE_CACHED_FOR, () -> {
            tagsIfOurs(scope, bucket);
            return true;
        });
    }

    /**
     * The bucket's tags, null when it does not exist; UserError when it belongs to another account
     * (S3 answers 403 to anyone else) or carries another resource's ownership tag.
     */
    private static Map<String, String> tagsIfOurs(BucketScope scope, String bucket) {
        Map<String, String> tags = new LinkedHashMap<>();
        try {
            scope.s3().getBucketTagging(r -> r.bucket(bucket)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
        } catch (RuntimeException e) {
            String code = AwsErrors.errorCode(e);
            if ("NoSuchBucket".equals(code)) {
                return null;
            }
            if ("AccessDenied".equals(code) || "AllAccessDisabled".equals(code)) {
                throw new UserError("BucketNameTaken", "bucket " + bucket + " exists and belongs to another AWS account; choose another name");
            }
            if (!"NoSuchTagSet".equals(code)) {
                throw e;
            }
        }
        String owner = tags.get(Ownership.OWNER_UID);
        if (owner != null && !owner.equals(scope.ownerUid())) {
            throw new UserError("BucketOwnedElsewhere", "bucket " + bucket + " is managed by another resource ("
                    + tags.get(Ownership.OWNER) + "); choose another name");
        }
        return tags;
    }

    @Override
    public Observed<Object> observe(BucketScope scope) {
        S3Client s3 = scope.s3();
        String bucket = bucketName(scope);
        State state = new State();
        Map<String, String> tags = tagsIfOurs(scope, bucket);
        if (tags == null) {
            return null;
        }
        state.tags = tags;
        String owner = state.tags.get(Ownership.OWNER_UID);
        state.versioning = s3.getBucketVersioning(r -> r.bucket(bucket)).statusAsString();
        state.adopted = "true".equals(state.tags.get(ADOPTED))
                || owner == null && !bucket.contains(hashOf(scope)) && !pristine(s3, bucket, state);
        state.encryption = orNull(() -> s3.getBucketEncryption(r -> r.bucket(bucket))
                .serverSideEncryptionConfiguration().rules().stream().findFirst().orElse(null));
        state.publicAccessBlock = orNull(() -> s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration());
        state.ownership = orNull(() -> s3.getBucketOwnershipControls(r -> r.bucket(bucket))
                .ownershipControls().rules().stream().findFirst().map(rule -> rule.objectOwnership()).orElse(null));
        state.policy = orNull(() -> s3.getBucketPolicy(r -> r.bucket(bucket)).policy());
        return Observed.ready(scope.partition().bucketArn(bucket), state);
    }

    /**
     * Marks a bucket that existed, untagged and holding data or settings, before this resource asked
     * for its (user-given) name: the operator manages it but never deletes it, whatever the policy.
     */
    public static final String ADOPTED = "webplatform.io/adopted";

    /**
     * An untagged bucket exactly as CreateBucket leaves it (versioning never set, no object): what a
     * crash between CreateBucket and PutBucketTagging leaves behind. Owning it risks no one's data.
     */
    private static boolean pristine(S3Client s3, String bucket, State state) {
        if (state.versioning != null) {
            return false;
        }
        ListObjectVersionsResponse any = s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(1));
        return any.versions().isEmpty() && any.deleteMarkers().isEmpty();
    }

    private static String hashOf(BucketScope scope) {
        return io.webplatform.operator.aws.ResourceNames.shortHash(scope.ownerUid());
    }

    @Override
    public void create(BucketScope scope) {
        String bucket = bucketName(scope);
        scope.s3().createBucket(r -> {
            r.bucket(bucket).objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED);
            if (!"us-east-1".equals(scope.region())) {
                r.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(scope.region())));
            }
        });
        // S3 cannot tag at creation: a crash before this call leaves an untagged bucket whose
        // deterministic name lets observe() adopt it.
        putTags(scope, bucket, new LinkedHashMap<>());
    }

    @Override
    public List<String> repair(BucketScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        S3Client s3 = scope.s3();
        String bucket = bucketName(scope);
        List<String> changes = new ArrayList<>();
        Map<String, String> desiredTags = desiredTags(scope, state);
        if (!state.tags.equals(desiredTags)) {
            putTags(scope, bucket, state.tags);
            state.tags = desiredTags;
            changes.add("restored tags");
        }
        if (!BucketVersioningStatus.ENABLED.toString().equals(state.versioning)) {
            s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            changes.add("versioning " + (state.versioning == null ? "never enabled" : state.versioning) + " -> Enabled");
            state.versioning = BucketVersioningStatus.ENABLED.toString();
        }
        ServerSideEncryptionRule rule = desiredEncryption(scope);
        if (!sameEncryption(state.encryption, rule)) {
            s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule)));
            changes.add("default encryption set to " + describe(rule));
            state.encryption = rule;
        }
        PublicAccessBlockConfiguration block = PublicAccessBlockConfiguration.builder()
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true).build();
        if (!block.equals(state.publicAccessBlock)) {
            s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(block));
            changes.add("public access block restored (all four settings on)");
            state.publicAccessBlock = block;
        }
        if (state.ownership != ObjectOwnership.BUCKET_OWNER_ENFORCED) {
            s3.putBucketOwnershipControls(r -> r.bucket(bucket)
                    .ownershipControls(o -> o.rules(x -> x.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED))));
            changes.add("object ownership set to BucketOwnerEnforced (ACLs disabled)");
            state.ownership = ObjectOwnership.BUCKET_OWNER_ENFORCED;
        }
        JsonNode policy = policy(scope);
        if (!PolicyDocuments.equivalent(state.policy, policy)) {
            String json = PolicyDocuments.toJson(policy);
            s3.putBucketPolicy(r -> r.bucket(bucket).policy(json));
            changes.add(state.policy == null ? "bucket policy restored" : "bucket policy reset to the TLS-only policy");
            state.policy = json;
        }
        return changes;
    }

    @Override
    public boolean delete(BucketScope scope, Observed<Object> current) {
        S3Client s3 = scope.s3();
        String bucket = bucketName(scope);
        ListObjectVersionsResponse first = s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(1));
        boolean empty = first.versions().isEmpty() && first.deleteMarkers().isEmpty();
        if (!empty) {
            if (!scope.spec().emptyOnDelete) {
                throw new UserError("BucketNotEmpty", "bucket " + bucket + " still holds objects; set spec.emptyOnDelete: true"
                        + " to let the operator delete every version, or empty it yourself");
            }
            // The TLS-only deny would also stop an endpoint reached over plain HTTP; the bucket is going away.
            if (current.detail(State.class).policy != null) {
                s3.deleteBucketPolicy(r -> r.bucket(bucket));
            }
            for (int page = 0; page < EMPTY_PAGES_PER_PASS; page++) {
                ListObjectVersionsResponse versions = s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(1000));
                List<ObjectIdentifier> ids = new ArrayList<>();
                versions.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
                versions.deleteMarkers().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
                if (ids.isEmpty()) {
                    break;
                }
                s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(ids).quiet(true)));
                if (!versions.isTruncated()) {
                    break;
                }
            }
            ListObjectVersionsResponse left = s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(1));
            if (!left.versions().isEmpty() || !left.deleteMarkers().isEmpty()) {
                return false;
            }
        }
        s3.deleteBucket(r -> r.bucket(bucket));
        return true;
    }

    @Override
    public boolean retainedOnDelete(BucketScope scope) {
        Observed<?> o = scope.observed(name());
        boolean adopted = o != null && o.detail(State.class).adopted;
        return adopted || scope.retainOnDelete();
    }

    private Map<String, String> desiredTags(BucketScope scope, State state) {
        Map<String, String> tags = new LinkedHashMap<>(state.tags);
        tags.putAll(scope.tags(name(), bucketName(scope)));
        if (state.adopted) {
            tags.put(ADOPTED, "true");
        }
        return tags;
    }

    private void putTags(BucketScope scope, String bucket, Map<String, String> existing) {
        Map<String, String> tags = new LinkedHashMap<>(existing);
        tags.putAll(scope.tags(name(), bucket));
        if (existing.isEmpty() && scope.observed(name()) != null && scope.observed(name()).detail(State.class).adopted) {
            tags.put(ADOPTED, "true");
        }
        List<Tag> s3Tags = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        scope.s3().putBucketTagging(r -> r.bucket(bucket).tagging(t -> t.tagSet(s3Tags)));
    }

    private ServerSideEncryptionRule desiredEncryption(BucketScope scope) {
        String key = kmsKeyArn(scope);
        return ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d -> {
                    if (key == null) {
                        d.sseAlgorithm(ServerSideEncryption.AES256);
                    } else {
                        d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(key);
                    }
                })
                .bucketKeyEnabled(key != null)
                .build();
    }

    static boolean sameEncryption(ServerSideEncryptionRule actual, ServerSideEncryptionRule desired) {
        if (actual == null || actual.applyServerSideEncryptionByDefault() == null) {
            return false;
        }
        var a = actual.applyServerSideEncryptionByDefault();
        var d = desired.applyServerSideEncryptionByDefault();
        return a.sseAlgorithm() == d.sseAlgorithm()
                && java.util.Objects.equals(a.kmsMasterKeyID(), d.kmsMasterKeyID())
                && Boolean.TRUE.equals(actual.bucketKeyEnabled()) == Boolean.TRUE.equals(desired.bucketKeyEnabled());
    }

    private static String describe(ServerSideEncryptionRule rule) {
        var d = rule.applyServerSideEncryptionByDefault();
        return d.sseAlgorithmAsString() + (d.kmsMasterKeyID() == null ? "" : " with " + d.kmsMasterKeyID());
    }

    private static <T> T orNull(Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            if (AwsErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }
}
