package io.webplatform.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The life of a KMS key a resource made for itself: found by its alias, or by its ownership tags when
 * a crash came between CreateKey and CreateAlias; compared with what is wanted (deletion cancelled,
 * enabled, alias, policy, rotation) and brought back; deleted (alias removed, key scheduled for deletion).
 * The components that own such a key turn {@link Difference}s into their changes.
 */
public final class OwnedKeys {
    private OwnedKeys() {
    }

    /** The key as the operator wants it: what CreateKey and CreateAlias send, and yearly rotation. */
    public record Desired(String alias, String description, JsonNode policy, Map<String, String> tags) {
        /** The tags in KMS's shape. */
        public List<Tag> kmsTags() {
            return tags.entrySet().stream().map(e -> Tag.builder().tagKey(e.getKey()).tagValue(e.getValue()).build()).toList();
        }
    }

    /**
     * What is known of an owned key. While its deletion is scheduled, rotation and policy are not read
     * (null): they are judged once the deletion is cancelled.
     */
    public record Key(KeyMetadata metadata, boolean aliasPresent, Boolean rotationEnabled, String policy) {
        public String arn() {
            return metadata.arn();
        }
    }

    /** One way the key differs from what is wanted; {@code field} is what {@link #apply} is given back. */
    public record Difference(String field, String actual, String desired, String summary) {
    }

    /**
     * A key policy whose first statement lets the account administer the key through IAM (AWS's default key policy), so
     * IAM policies can grant its use; the owning component adds what its service needs.
     */
    public static ObjectNode policyAdministeredByAccount(Partition partition, String accountId) {
        ObjectNode doc = PolicyDocuments.document();
        ObjectNode admin = PolicyDocuments.statement(doc, "EnableIamPolicies", "Allow");
        admin.putObject("Principal").put("AWS", partition.accountRoot(accountId));
        admin.put("Action", "kms:*");
        admin.put("Resource", "*");
        return doc;
    }

    public static final String DELETION = "deletion";
    public static final String STATE = "state";
    public static final String ALIAS = "alias";
    public static final String POLICY = "policy";
    public static final String ROTATION = "rotation";

    /**
     * The key behind the alias, or the one tagged with this owner and component; null when there is
     * none (a key this delete already scheduled counts as none).
     */
    public static Key read(KmsClient kms, String alias, String ownerUid, String component, boolean deleting) {
        KeyMetadata metadata;
        boolean aliasPresent = false;
        try {
            metadata = kms.describeKey(r -> r.keyId(alias)).keyMetadata();
            aliasPresent = true;
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            metadata = find(kms, ownerUid, component, deleting);
            if (metadata == null) {
                return null;
            }
        }
        if (metadata.keyState() == KeyState.PENDING_DELETION) {
            // Scheduled by hand: drift to repair. Scheduled by this delete: gone.
            return deleting ? null : new Key(metadata, aliasPresent, null, null);
        }
        String keyId = metadata.keyId();
        boolean rotation = kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled();
        String policy = kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy();
        return new Key(metadata, aliasPresent, rotation, policy);
    }

    /**
     * Makes a key tagged at creation, then its alias. CreateAlias, like every later change, is authorised
     * by the key's ownership tag, which KMS may take minutes to honour: until then the key is found again
     * by its tags and the alias made by {@link #apply}.
     */
    public static void create(KmsClient kms, Desired desired, Clock clock) {
        KeyMetadata key = kms.createKey(r -> r.description(desired.description()).policy(PolicyDocuments.toJson(desired.policy()))
                .tags(desired.kmsTags())).keyMetadata();
        authorisedByTags(key, clock, () -> kms.createAlias(r -> r.aliasName(desired.alias()).targetKeyId(key.keyId())));
    }

    /** What differs from an enabled, aliased key with this policy and yearly rotation, in the order {@link #apply} fixes it. Pure. */
    public static List<Difference> differences(Key actual, Desired desired) {
        List<Difference> differences = new ArrayList<>();
        KeyState state = actual.metadata().keyState();
        if (state == KeyState.PENDING_DELETION) {
            differences.add(new Difference(DELETION, "scheduled", "none", "cancelled a scheduled deletion"));
        }
        if (state == KeyState.DISABLED || state == KeyState.PENDING_DELETION) {
            differences.add(new Difference(STATE, actual.metadata().keyStateAsString(), "Enabled",
                    "enabled the key"));
        }
        if (!actual.aliasPresent()) {
            differences.add(new Difference(ALIAS, "absent", desired.alias(), "created alias " + desired.alias()));
        }
        // Unknown while the deletion was scheduled: judged at the next pass.
        if (actual.policy() != null && !PolicyDocuments.equivalent(actual.policy(), desired.policy())) {
            differences.add(new Difference(POLICY, "another policy", "the operator's policy", "key policy restored"));
        }
        // Unknown while the deletion was scheduled: enabling it is harmless when it was on.
        if (!Boolean.TRUE.equals(actual.rotationEnabled())) {
            differences.add(new Difference(ROTATION, actual.rotationEnabled() == null ? "unknown" : "off", "yearly",
                    "enabled yearly key rotation"));
        }
        return differences;
    }

    /**
     * Makes the differences named by {@code fields} (from {@link #differences}), in that order: a key
     * must be enabled before its rotation can be. Returns the key as it is after them.
     */
    public static Key apply(KmsClient kms, Key key, Desired desired, Collection<String> fields, Clock clock) {
        KeyMetadata metadata = key.metadata();
        String keyId = metadata.keyId();
        boolean aliasPresent = key.aliasPresent();
        Boolean rotation = key.rotationEnabled();
        String policy = key.policy();
        for (String field : List.of(DELETION, STATE, ALIAS, POLICY, ROTATION)) {
            if (!fields.contains(field)) {
                continue;
            }
            switch (field) {
                case DELETION -> {
                    authorisedByTags(metadata, clock, () -> kms.cancelKeyDeletion(r -> r.keyId(keyId)));
                    metadata = metadata.toBuilder().keyState(KeyState.DISABLED).build();
                }
                case STATE -> {
                    authorisedByTags(metadata, clock, () -> kms.enableKey(r -> r.keyId(keyId)));
                    metadata = metadata.toBuilder().keyState(KeyState.ENABLED).build();
                }
                case ALIAS -> {
                    authorisedByTags(metadata, clock, () -> kms.createAlias(r -> r.aliasName(desired.alias()).targetKeyId(keyId)));
                    aliasPresent = true;
                }
                case POLICY -> {
                    String json = PolicyDocuments.toJson(desired.policy());
                    authorisedByTags(metadata, clock, () -> kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(json)));
                    policy = json;
                }
                default -> {
                    authorisedByTags(metadata, clock, () -> kms.enableKeyRotation(r -> r.keyId(keyId)));
                    rotation = true;
                }
            }
        }
        return new Key(metadata, aliasPresent, rotation, policy);
    }

    /** Removes the alias and schedules the key's deletion: 7 days, the shortest wait KMS allows; recoverable until then. */
    public static void delete(KmsClient kms, Key key, String alias, Clock clock) {
        if (key.aliasPresent()) {
            DeleteFailures.call("alias " + alias, () -> authorisedByTags(key.metadata(), clock, () -> kms.deleteAlias(r -> r.aliasName(alias))));
        }
        DeleteFailures.call("key " + key.arn(), () -> authorisedByTags(key.metadata(), clock,
                () -> kms.scheduleKeyDeletion(r -> r.keyId(key.metadata().keyId()).pendingWindowInDays(7))));
    }

    /**
     * A change the operator's IAM policy allows only on keys carrying the ownership tag (aws:ResourceTag):
     * refused for up to five minutes after CreateKey, measured from the key's CreationDate.
     */
    private static void authorisedByTags(KeyMetadata key, Clock clock, Runnable change) {
        Propagation.KMS_KEY_TAGS.run("the ownership tag of KMS key " + key.keyId(), key.creationDate(), clock, change);
    }

    /**
     * The operator's keys' ownership tags as this process read them, by key ARN: set at CreateKey and never
     * changed, so a search (every SecureBucket's first pass makes one) reads only the tags of keys it has
     * not read complete. A key read without both tags (another's, or one whose tags KMS does not show
     * yet) is read again at the next search: a key missed would be made a second time.
     */
    private static final Map<String, Map<String, String>> IDENTITIES = new ConcurrentHashMap<>();

    private static Map<String, String> identity(List<Tag> tags) {
        return tags.stream().filter(t -> t.tagKey().equals(Ownership.OWNER_UID) || t.tagKey().equals(Ownership.COMPONENT))
                .collect(Collectors.toUnmodifiableMap(Tag::tagKey, Tag::tagValue, (a, b) -> a));
    }

    /** The key tagged with this owner and component (listing the account's keys: only when the alias is missing). */
    static KeyMetadata find(KmsClient kms, String ownerUid, String component, boolean deleting) {
        for (var page : kms.listKeysPaginator(r -> r.limit(100))) {
            for (KeyListEntry entry : page.keys()) {
                Map<String, String> tags = IDENTITIES.get(entry.keyArn());
                if (tags == null) {
                    try {
                        tags = identity(kms.listResourceTags(r -> r.keyId(entry.keyId())).tags());
                    } catch (RuntimeException e) {
                        if (AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                            continue; // keys of other principals we may not read
                        }
                        throw e;
                    }
                    if (tags.size() == 2) {
                        IDENTITIES.put(entry.keyArn(), tags);
                    }
                }
                if (Ownership.ownedBy(tags, ownerUid) && component.equals(tags.get(Ownership.COMPONENT))) {
                    KeyMetadata key = kms.describeKey(r -> r.keyId(entry.keyId())).keyMetadata();
                    if (key.keyState() != KeyState.PENDING_DELETION || !deleting) {
                        return key;
                    }
                }
            }
        }
        return null;
    }
}
