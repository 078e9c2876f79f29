package io.webplatform.operator.aws;

import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.Tag;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Finds a KMS key by its ownership tags. Keys are found by alias first; this is for the one case
 * where the alias is missing: a crash between CreateKey and CreateAlias. It lists the account's keys,
 * so it only runs when the alias lookup fails.
 */
public final class OwnedKeys {
    private OwnedKeys() {
    }

    /** The key tagged with this owner and component; keys pending deletion count only when not deleting. */
    public static KeyMetadata find(KmsClient kms, String ownerUid, String component, boolean deleting) {
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
