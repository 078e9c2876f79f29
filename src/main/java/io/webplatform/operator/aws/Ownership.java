package io.webplatform.operator.aws;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tags that mark an AWS resource as made by the operator for one custom resource. */
public final class Ownership {
    /** The owner key ({@link Identity}): the object's UID for stacks made before installations had names. */
    public static final String OWNER_UID = "webplatform.io/owner-uid";
    /**
     * "&lt;cluster id&gt;/&lt;object UID&gt;": the object that made the resource. On a stack's anchor (its VPC, its
     * data bucket) it says who holds the stack now, and moves when another object adopts it.
     */
    public static final String CLAIMED_BY = "webplatform.io/claimed-by";
    public static final String OWNER = "webplatform.io/owner";
    public static final String COMPONENT = "webplatform.io/component";
    public static final String MANAGED_BY = "webplatform.io/managed-by";
    public static final String MANAGED_BY_VALUE = "webplatform-operator";

    private Ownership() {
    }

    /**
     * User tags first, then ownership tags (which win), then Name. The owner and Name values grow with
     * namespace and name, so they are bounded to the 256 characters a tag value may hold.
     */
    public static Map<String, String> tags(HasMetadata owner, Identity identity, Map<String, String> userTags, String component, String name) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (userTags != null) {
            tags.putAll(userTags);
        }
        tags.put(OWNER_UID, identity.key());
        if (identity.claim() != null) {
            tags.put(CLAIMED_BY, identity.claim());
        }
        tags.put(OWNER, ResourceNames.tagValue(owner.getKind() + "/" + owner.getMetadata().getNamespace() + "/" + owner.getMetadata().getName()));
        tags.put(COMPONENT, component);
        tags.put(MANAGED_BY, MANAGED_BY_VALUE);
        tags.put("Name", ResourceNames.tagValue(name));
        return tags;
    }

    /**
     * What AWS would refuse in the user's tags: the schema bounds their length, but IAM and RDS also
     * refuse characters other than letters, digits, spaces and _ . : / = + - @ (AwsNameRules.TAG_KEY,
     * TAG_VALUE), which would fail a create half-way through.
     */
    public static List<String> userTagProblems(Map<String, String> userTags) {
        List<String> problems = new ArrayList<>();
        if (userTags != null) {
            userTags.forEach((key, value) -> {
                if (!AwsNameRules.TAG_KEY.accepts(key) || !AwsNameRules.TAG_VALUE.accepts(value == null ? "" : value)) {
                    problems.add("tag \"" + key + "\": AWS accepts only letters, digits, spaces and _ . : / = + - @ in tag keys"
                            + " (at most 128) and values (at most 256)");
                }
            });
        }
        return problems;
    }

    public static boolean ownedBy(Map<String, String> tags, String ownerUid) {
        return tags != null && ownerUid.equals(tags.get(OWNER_UID));
    }
}
