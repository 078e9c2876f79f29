package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.CfnResource;
import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
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
public abstract class ProtectedBucket implements Component<BucketScope, ProtectedBucket.Desired, ProtectedBucket.State> {

    /** Pages of 1000 versions emptied per pass, so one reconcile never runs for long. */
    private static final int EMPTY_PAGES_PER_PASS = 10;
    private static final Duration USABLE_CACHED_FOR = Duration.ofHours(1);

    static final String TAGS = "tags";
    static final String VERSIONING = "versioning";
    static final String ENCRYPTION = "default encryption";
    static final String PUBLIC_ACCESS_BLOCK = "public access block";
    static final String OWNERSHIP = "object ownership";
    static final String POLICY = "bucket policy";

    /** All four public-access-block settings on. */
    static final PublicAccessBlockConfiguration ALL_PUBLIC_ACCESS_BLOCKED = PublicAccessBlockConfiguration.builder()
            .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true).build();

    /** Bucket names judged usable, by region/name/owner: a resync's preflight asks nothing. */
    private final ExpiringCache<Boolean> usable = new ExpiringCache<>(Clock.systemUTC());

    /**
     * The bucket as S3 reports it; a setting never made is null. {@code adopted}: the bucket held data
     * or settings before this resource asked for its name (see {@link #ADOPTED}).
     */
    public record State(Map<String, String> tags, String versioning, ServerSideEncryptionRule encryption,
                        PublicAccessBlockConfiguration publicAccessBlock, ObjectOwnership ownership, String policy, boolean adopted) {

        State with(String field, Desired desired) {
            return switch (field) {
                case TAGS -> new State(wantedTags(this, desired), versioning, encryption, publicAccessBlock, ownership, policy, adopted);
                case VERSIONING -> new State(tags, desired.versioning().toString(), encryption, publicAccessBlock, ownership, policy, adopted);
                case ENCRYPTION -> new State(tags, versioning, desired.encryption(), publicAccessBlock, ownership, policy, adopted);
                case PUBLIC_ACCESS_BLOCK -> new State(tags, versioning, encryption, desired.publicAccessBlock(), ownership, policy, adopted);
                case OWNERSHIP -> new State(tags, versioning, encryption, publicAccessBlock, desired.ownership(), policy, adopted);
                case POLICY -> new State(tags, versioning, encryption, publicAccessBlock, ownership, PolicyDocuments.toJson(desired.policy()), adopted);
                default -> throw new IllegalArgumentException(field);
            };
        }
    }

    /**
     * The bucket as the operator wants it: what CreateBucket sends (name, region, object ownership),
     * its ownership tags, and each protection.
     */
    public record Desired(String bucket, String region, Map<String, String> tags, BucketVersioningStatus versioning,
                          ServerSideEncryptionRule encryption, PublicAccessBlockConfiguration publicAccessBlock,
                          ObjectOwnership ownership, JsonNode policy) {
    }

    protected abstract String bucketName(BucketScope scope);

    /** The bucket policy this bucket must carry. */
    protected abstract JsonNode policy(BucketScope scope);

    /** SSE-KMS with this key, or SSE-S3 when null. */
    protected abstract String kmsKeyArn(BucketScope scope);

    /** The bucket's region: the SecureBucket's, unless the bucket lives in another (a cross-region backup). */
    protected String region(BucketScope scope) {
        return scope.region();
    }

    /** S3 of the bucket's region: a client of another region is redirected (301) rather than served. */
    protected S3Client s3(BucketScope scope) {
        return scope.s3(region(scope));
    }

    /**
     * Bucket names are global: one taken by another account, or by another resource of this operator,
     * stops everything before the key or any other bucket is made. A name judged usable is not asked
     * about again for an hour (observe still checks it at every pass).
     */
    @Override
    public void preflight(BucketScope scope) {
        String bucket = bucketName(scope);
        usable.get(region(scope) + "/" + bucket + "/" + ownerKey(scope), USABLE_CACHED_FOR, () -> {
            tagsIfOurs(scope, bucket);
            return true;
        });
    }

    /**
     * The bucket's tags, null when it does not exist; UserError when it belongs to another account
     * (S3 answers 403 to anyone else) or carries another resource's ownership tag.
     */
    protected Map<String, String> tagsIfOurs(BucketScope scope, String bucket) {
        Map<String, String> tags = new LinkedHashMap<>();
        try {
            s3(scope).getBucketTagging(r -> r.bucket(bucket)).tagSet().forEach(t -> tags.put(t.key(), t.value()));
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
        if (owner != null && !owner.equals(ownerKey(scope)) && !takesOver(scope, tags)) {
            throw new UserError("BucketOwnedElsewhere", "bucket " + bucket + " is managed by another resource ("
                    + tags.get(Ownership.OWNER) + "); choose another name");
        }
        return tags;
    }

    /** The owner tag this bucket carries: the SecureBucket's owner key, unless the bucket is shared. */
    protected String ownerKey(BucketScope scope) {
        return scope.ownerKey();
    }

    /** A bucket tagged as another's that this component may make its own (what an earlier version made for the same purpose). */
    protected boolean takesOver(BucketScope scope, Map<String, String> tags) {
        return false;
    }

    /** The tags this bucket must carry. */
    protected Map<String, String> tags(BucketScope scope, String bucket) {
        return scope.tags(name(), bucket);
    }

    /** Deleting it deletes every object version in it first. */
    protected boolean emptiesOnDelete(BucketScope scope) {
        return scope.spec().emptyOnDelete;
    }

    @Override
    public Desired desired(BucketScope scope) {
        String bucket = bucketName(scope);
        String key = kmsKeyArn(scope);
        ServerSideEncryptionRule encryption = ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d -> {
                    if (key == null) {
                        d.sseAlgorithm(ServerSideEncryption.AES256);
                    } else {
                        d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(key);
                    }
                })
                .bucketKeyEnabled(key != null)
                .build();
        return new Desired(bucket, region(scope), tags(scope, bucket), BucketVersioningStatus.ENABLED, encryption,
                ALL_PUBLIC_ACCESS_BLOCKED, ObjectOwnership.BUCKET_OWNER_ENFORCED, policy(scope));
    }

    /** The bucket with every protection, and its policy. */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        String id = CfnResource.logicalId(name());
        Map<String, Object> byDefault = new LinkedHashMap<>();
        byDefault.put("SSEAlgorithm", desired.encryption().applyServerSideEncryptionByDefault().sseAlgorithmAsString());
        if (desired.encryption().applyServerSideEncryptionByDefault().kmsMasterKeyID() != null) {
            byDefault.put("KMSMasterKeyID", desired.encryption().applyServerSideEncryptionByDefault().kmsMasterKeyID());
        }
        PublicAccessBlockConfiguration pab = desired.publicAccessBlock();
        Map<String, Object> bucket = new LinkedHashMap<>();
        bucket.put("BucketName", desired.bucket());
        bucket.put("VersioningConfiguration", Map.of("Status", desired.versioning().toString()));
        bucket.put("BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                "ServerSideEncryptionByDefault", byDefault, "BucketKeyEnabled", desired.encryption().bucketKeyEnabled()))));
        bucket.put("PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", pab.blockPublicAcls(), "IgnorePublicAcls", pab.ignorePublicAcls(),
                "BlockPublicPolicy", pab.blockPublicPolicy(), "RestrictPublicBuckets", pab.restrictPublicBuckets()));
        bucket.put("OwnershipControls", Map.of("Rules", List.of(Map.of("ObjectOwnership", desired.ownership().toString()))));
        bucket.put("Tags", CfnResource.tags(desired.tags()));
        return List.of(CfnResource.of(id, "AWS::S3::Bucket", bucket),
                CfnResource.of(id + "Policy", "AWS::S3::BucketPolicy", Map.of("Bucket", CfnResource.ref(id),
                        "PolicyDocument", CfnResource.json(desired.policy()))));
    }

    @Override
    public Observed<State> planned(BucketScope scope, Desired desired) {
        return Observed.ready(scope.partition().bucketArn(desired.bucket()), new State(desired.tags(), desired.versioning().toString(),
                desired.encryption(), desired.publicAccessBlock(), desired.ownership(), desired.policy().toString(), false));
    }

    @Override
    public Observed<State> observe(BucketScope scope) {
        S3Client s3 = s3(scope);
        String bucket = bucketName(scope);
        Map<String, String> tags = tagsIfOurs(scope, bucket);
        if (tags == null) {
            return null;
        }
        String owner = tags.get(Ownership.OWNER_UID);
        String versioning = s3.getBucketVersioning(r -> r.bucket(bucket)).statusAsString();
        boolean adopted = "true".equals(tags.get(ADOPTED))
                || owner == null && !bucket.contains(hashOf(scope)) && !pristine(s3, bucket, versioning);
        ServerSideEncryptionRule encryption = orNull(() -> s3.getBucketEncryption(r -> r.bucket(bucket))
                .serverSideEncryptionConfiguration().rules().stream().findFirst().orElse(null));
        PublicAccessBlockConfiguration publicAccessBlock = orNull(() -> s3.getPublicAccessBlock(r -> r.bucket(bucket))
                .publicAccessBlockConfiguration());
        ObjectOwnership ownership = orNull(() -> s3.getBucketOwnershipControls(r -> r.bucket(bucket))
                .ownershipControls().rules().stream().findFirst().map(rule -> rule.objectOwnership()).orElse(null));
        String policy = orNull(() -> s3.getBucketPolicy(r -> r.bucket(bucket)).policy());
        return Observed.ready(scope.partition().bucketArn(bucket),
                new State(tags, versioning, encryption, publicAccessBlock, ownership, policy, adopted));
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
    private static boolean pristine(S3Client s3, String bucket, String versioning) {
        if (versioning != null) {
            return false;
        }
        ListObjectVersionsResponse any = s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(1));
        return any.versions().isEmpty() && any.deleteMarkers().isEmpty();
    }

    private static String hashOf(BucketScope scope) {
        return io.webplatform.operator.aws.ResourceNames.shortHash(scope.ownerKey());
    }

    /**
     * The bucket's tags with the ownership tags (and the adoption mark) put over them: other tags are
     * kept, and so is the claim a bucket was made with (only the anchor's claim moves, by adoption).
     */
    static Map<String, String> wantedTags(State actual, Desired desired) {
        Map<String, String> tags = new LinkedHashMap<>(actual.tags());
        tags.putAll(desired.tags());
        if (actual.tags().containsKey(Ownership.CLAIMED_BY)) {
            tags.put(Ownership.CLAIMED_BY, actual.tags().get(Ownership.CLAIMED_BY));
        }
        if (actual.adopted()) {
            tags.put(ADOPTED, "true");
        }
        return tags;
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        List<Change> changes = new ArrayList<>();
        Map<String, String> tags = wantedTags(actual, desired);
        if (!actual.tags().equals(tags)) {
            Map<String, String> differing = new LinkedHashMap<>();
            tags.forEach((k, v) -> {
                if (!v.equals(actual.tags().get(k))) {
                    differing.put(k, v);
                }
            });
            Map<String, String> had = new LinkedHashMap<>();
            differing.keySet().forEach(k -> had.put(k, actual.tags().getOrDefault(k, Change.ABSENT)));
            changes.add(Change.described(TAGS, had, differing, "restored tags"));
        }
        if (!desired.versioning().toString().equals(actual.versioning())) {
            changes.add(Change.of(VERSIONING, actual.versioning() == null ? "never enabled" : actual.versioning(), desired.versioning()));
        }
        if (!sameEncryption(actual.encryption(), desired.encryption())) {
            changes.add(Change.described(ENCRYPTION, actual.encryption() == null ? Change.ABSENT : describe(actual.encryption()),
                    describe(desired.encryption()), "default encryption set to " + describe(desired.encryption())));
        }
        if (!desired.publicAccessBlock().equals(actual.publicAccessBlock())) {
            changes.add(Change.described(PUBLIC_ACCESS_BLOCK, describe(actual.publicAccessBlock()), "all four on",
                    "public access block restored (all four settings on)"));
        }
        if (actual.ownership() != desired.ownership()) {
            changes.add(Change.described(OWNERSHIP, actual.ownership() == null ? Change.ABSENT : actual.ownership().toString(),
                    desired.ownership(), "object ownership set to " + desired.ownership() + " (ACLs disabled)"));
        }
        if (!PolicyDocuments.equivalent(actual.policy(), desired.policy())) {
            changes.add(actual.policy() == null ? Change.missing(POLICY, "TLS-only", "bucket policy restored")
                    : Change.described(POLICY, "another policy", "TLS-only", "bucket policy reset to the TLS-only policy"));
        }
        return changes;
    }

    @Override
    public void create(BucketScope scope, Desired desired) {
        s3(scope).createBucket(r -> {
            r.bucket(desired.bucket()).objectOwnership(desired.ownership());
            if (!"us-east-1".equals(desired.region())) {
                r.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(desired.region())));
            }
        });
        // S3 cannot tag at creation: a crash before this call leaves an untagged bucket whose
        // deterministic name lets observe() own it again.
        putTags(scope, desired.bucket(), desired.tags());
    }

    @Override
    public void apply(BucketScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        S3Client s3 = s3(scope);
        String bucket = desired.bucket();
        State after = current.detail();
        try {
            for (Change change : changes) {
                switch (change.field()) {
                    case TAGS -> putTags(scope, bucket, wantedTags(current.detail(), desired));
                    case VERSIONING -> s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(desired.versioning())));
                    case ENCRYPTION -> s3.putBucketEncryption(r -> r.bucket(bucket)
                            .serverSideEncryptionConfiguration(c -> c.rules(desired.encryption())));
                    case PUBLIC_ACCESS_BLOCK -> s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(desired.publicAccessBlock()));
                    case OWNERSHIP -> s3.putBucketOwnershipControls(r -> r.bucket(bucket)
                            .ownershipControls(o -> o.rules(x -> x.objectOwnership(desired.ownership()))));
                    case POLICY -> {
                        String json = PolicyDocuments.toJson(desired.policy());
                        s3.putBucketPolicy(r -> r.bucket(bucket).policy(json));
                    }
                    default -> throw new IllegalArgumentException("no such bucket setting: " + change.field());
                }
                after = after.with(change.field(), desired);
            }
        } finally {
            // The findings, judged after the walk, read the bucket as this pass left it.
            scope.record(name(), current.withDetail(after));
        }
    }

    @Override
    public boolean delete(BucketScope scope, Observed<State> current) {
        S3Client s3 = s3(scope);
        String bucket = bucketName(scope);
        ListObjectVersionsResponse first = s3.listObjectVersions(r -> r.bucket(bucket).maxKeys(1));
        boolean empty = first.versions().isEmpty() && first.deleteMarkers().isEmpty();
        if (!empty) {
            if (!emptiesOnDelete(scope)) {
                throw new UserError("BucketNotEmpty", "bucket " + bucket + " still holds objects; set spec.emptyOnDelete: true"
                        + " to let the operator delete every version, or empty it yourself");
            }
            // The TLS-only deny would also stop an endpoint reached over plain HTTP; the bucket is going away.
            if (current.detail().policy() != null) {
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
        State state = of(scope, name());
        return state != null && state.adopted() || scope.retainOnDelete();
    }

    /** The bucket of this component as the pass found it (and left it); null when absent. */
    public static State of(BucketScope scope, String component) {
        var observed = scope.observed(component);
        return observed == null ? null : (State) observed.detail();
    }

    void putTags(BucketScope scope, String bucket, Map<String, String> tags) {
        List<Tag> s3Tags = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        s3(scope).putBucketTagging(r -> r.bucket(bucket).tagging(t -> t.tagSet(s3Tags)));
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
        if (d == null) {
            return "no default";
        }
        return d.sseAlgorithmAsString() + (d.kmsMasterKeyID() == null ? "" : " with " + d.kmsMasterKeyID());
    }

    private static String describe(PublicAccessBlockConfiguration block) {
        if (block == null) {
            return Change.ABSENT;
        }
        List<String> off = new ArrayList<>();
        if (!Boolean.TRUE.equals(block.blockPublicAcls())) {
            off.add("BlockPublicAcls");
        }
        if (!Boolean.TRUE.equals(block.ignorePublicAcls())) {
            off.add("IgnorePublicAcls");
        }
        if (!Boolean.TRUE.equals(block.blockPublicPolicy())) {
            off.add("BlockPublicPolicy");
        }
        if (!Boolean.TRUE.equals(block.restrictPublicBuckets())) {
            off.add("RestrictPublicBuckets");
        }
        return off.isEmpty() ? "all four on" : String.join(", ", off) + " off";
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
