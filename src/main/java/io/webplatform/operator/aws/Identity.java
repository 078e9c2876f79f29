package io.webplatform.operator.aws;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Whose stack an AWS resource belongs to.
 *
 * @param key        the value of every resource's owner tag and the hash in every name: for stacks made
 *                   before installations had names, the object's UID; since, a UUID derived from the
 *                   installation name, kind, namespace and name, so a rebuilt cluster finds the same stack
 * @param claim      "&lt;cluster id&gt;/&lt;object UID&gt;": which object, in which cluster, holds the stack now.
 *                   Null for a UID key, which no other object can compute.
 * @param toAdopt    null when the installation and the object both allow taking a stack whose holder is
 *                   gone; otherwise what a person must set to allow it
 * @param heldBefore its anchor carried this object's claim once: a claim that moved was taken from it
 */
public record Identity(String key, String claim, String toAdopt, boolean heldBefore) {

    /** The object's own UID as key, no claim: how every stack was identified before installations had names. */
    public static Identity ofUid(HasMetadata object) {
        return new Identity(object.getMetadata().getUid(), null, "nothing can: a stack identified by its object's UID is never adopted", false);
    }

    public boolean mayAdopt() {
        return toAdopt == null;
    }

    /** The key an installation gives an object: the same in every cluster the installation is rebuilt into. */
    public static String keyOf(String installation, String kind, String namespace, String name) {
        String identity = "webplatform.io/" + installation + "/" + kind + "/" + namespace + "/" + name;
        return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static String claimOf(String clusterId, HasMetadata object) {
        return clusterId + "/" + object.getMetadata().getUid();
    }

    /** The cluster part of a claim. */
    public static String clusterOf(String claim) {
        int slash = claim.indexOf('/');
        return slash < 0 ? "" : claim.substring(0, slash);
    }

    /** The object part of a claim. */
    public static String objectOf(String claim) {
        return claim.substring(claim.indexOf('/') + 1);
    }

    /** The claim names this object, whatever the cluster part (a cluster id set after install changes only that). */
    public boolean isOurs(String anchorClaim) {
        return anchorClaim == null || claim != null && objectOf(anchorClaim).equals(objectOf(claim));
    }
}
