package io.webplatform.operator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The life of a KMS key a resource made for itself: found by its alias, or by its ownership tags when
 * a crash came between CreateKey and CreateAlias; repaired (deletion cancelled, enabled, alias, policy,
 * rotation); deleted (alias removed, key scheduled for deletion).
 */
public final class OwnedKeys {
    private OwnedKeys() {
    }

    /** What is known of an owned key; components keep it as (part of) their observed state. */
    public static class Key {
        public KeyMetadata metadata;
        public boolean aliasPresent;
        public boolean rotationEnabled;
        public String policy;
    }

    /**
     * Fills {@code into} with the key behind the alias, or the one tagged with this owner and component;
     * false when there is none (a key this delete already scheduled counts as none).
     */
    public static boolean read(KmsClient kms, String alias, String ownerUid, String component, boolean deleting, Key into) {
        try {
            into.metadata = kms.describeKey(r -> r.keyId(alias)).keyMetadata();
            into.aliasPresent = true;
        } catch (RuntimeException e) {
            if (!AwsErrors.isNotFound(e)) {
                throw e;
            }
            into.metadata = find(kms, ownerUid, component, deleting);
            if (into.metadata == null) {
                return false;
            }
        }
        if (into.metadata.keyState() == KeyState.PENDING_DELETION) {
            // Scheduled by hand: drift to repair. Scheduled by this delete: gone.
            return !deleting;
        }
        into.rotationEnabled = kms.getKeyRotationStatus(r -> r.keyId(into.metadata.keyId())).keyRotationEnabled();
        into.policy = kms.getKeyPolicy(r -> r.keyId(into.metadata.keyId()).policyName("default")).policy();
        return true;
    }

    /**
     * Makes a key tagged at creation, then its alias. CreateAlias, like every later change, is authorised
     * by the key's ownership tag, which KMS may take minutes to honour: until then the key is found again
     * by its tags and the alias made by repair.
     */
    public static void create(KmsClient kms, String description, JsonNode policy, List<Tag> tags, String alias, Clock clock) {
        KeyMetadata key = kms.createKey(r -> r.description(description).policy(PolicyDocuments.toJson(policy)).tags(tags)).keyMetadata();
        authorisedByTags(key, clock, () -> kms.createAlias(r -> r.aliasName(alias).targetKeyId(key.keyId())));
    }

    /** Brings the key back to enabled, aliased, with this policy and yearly rotation; one line per change. */
    public static List<String> repair(KmsClient kms, Key key, String alias, JsonNode policy, Clock clock) {
        String keyId = key.metadata.keyId();
        List<String> changes = new ArrayList<>();
        if (key.metadata.keyState() == KeyState.PENDING_DELETION) {
            authorisedByTags(key.metadata, clock, () -> kms.cancelKeyDeletion(r -> r.keyId(keyId)));
            changes.add("cancelled a scheduled deletion");
            key.rotationEnabled = kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled();
        }
        if (key.metadata.keyState() == KeyState.DISABLED || key.metadata.keyState() == KeyState.PENDING_DELETION) {
            authorisedByTags(key.metadata, clock, () -> kms.enableKey(r -> r.keyId(keyId)));
            changes.add("enabled the key");
        }
        if (!key.aliasPresent) {
            authorisedByTags(key.metadata, clock, () -> kms.createAlias(r -> r.aliasName(alias).targetKeyId(keyId)));
            key.aliasPresent = true;
            changes.add("created alias " + alias);
        }
        if (key.policy != null && !PolicyDocuments.equivalent(key.policy, policy)) {
            authorisedByTags(key.metadata, clock,
                    () -> kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(PolicyDocuments.toJson(policy))));
            key.policy = PolicyDocuments.toJson(policy);
            changes.add("key policy restored");
        }
        if (!key.rotationEnabled) {
            authorisedByTags(key.metadata, clock, () -> kms.enableKeyRotation(r -> r.keyId(keyId)));
            key.rotationEnabled = true;
            changes.add("enabled yearly key rotation");
        }
        return changes;
    }

    /** Removes the alias and schedules the key's deletion: 7 days, the shortest wait KMS allows; recoverable until then. */
    public static void delete(KmsClient kms, Key key, String alias, Clock clock) {
        if (key.aliasPresent) {
            authorisedByTags(key.metadata, clock, () -> kms.deleteAlias(r -> r.aliasName(alias)));
        }
        authorisedByTags(key.metadata, clock, () -> kms.scheduleKeyDeletion(r -> r.keyId(key.metadata.keyId()).pendingWindowInDays(7)));
    }

    /**
     * A change the operator's IAM policy allows only on keys carrying the ownership tag (aws:ResourceTag):
     * refused for up to five minutes after CreateKey, measured from the key's CreationDate.
     */
    private static void authorisedByTags(KeyMetadata key, Clock clock, Runnable change) {
        Propagation.KMS_KEY_TAGS.run("the ownership tag of KMS key " + key.keyId(), key.creationDate(), clock, change);
    }

    /** The key tagged with this owner and component (listing the account's keys: only when the alias is missing). */
    static KeyMetadata find(KmsClient kms, String ownerUid, String component, boolean deleting) {
        for (var page : kms.listKeysPaginator(r -> r.limit(100))) {
            for (KeyListEntry entry : page.keys()) {
                Map<String, String> tags;
                try {
                    tags = kms.listResourceTags(r -> r.keyId(entry.keyId())).tags().stream()
                            .collect(Collectors.toMap(Tag::tagKey, Tag::tagValue, (a, b) -> a));
                } catch (RuntimeException e) {
                    if (AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                        continue; // keys of other principals we may not read
                    }
                    throw e;
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
