package io.webplatform.operator.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic AWS names derived from namespace, name and a short hash of the UID, so the
 * operator finds what it made after a crash, and a recreated custom resource (new UID) never
 * collides with one it retained.
 */
public final class ResourceNames {

    private ResourceNames() {
    }

    /** First 6 hex characters of SHA-256 of the UID. */
    public static String shortHash(String uid) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * S3 bucket: 3-63 chars of [a-z0-9-], starting and ending alphanumeric. Dots are replaced by
     * hyphens (dotted names break virtual-hosted TLS).
     */
    public static String bucket(String namespace, String name, String uid, String suffix) {
        return fit(namespace + "-" + name, "-" + shortHash(uid) + suffix, 63, "[^a-z0-9-]", "-");
    }

    /** A name derived from a user-given bucket name: keeps it readable, stays unique and within 63. */
    public static String derivedBucket(String base, String suffix) {
        if (base.length() + suffix.length() <= 63) {
            return base + suffix;
        }
        return fit(base, "-" + shortHash(base) + suffix, 63, "[^a-z0-9.-]", "-");
    }

    /** IAM role: at most 64 chars of [\w+=,.@-]. */
    public static String iamRole(String namespace, String name, String uid, String suffix) {
        return fit("wp-" + namespace + "-" + name, "-" + shortHash(uid) + suffix, 64, "[^a-zA-Z0-9+=,.@_-]", "-");
    }

    /** CloudTrail trail: 3-128 of [A-Za-z0-9._-], alphanumeric at both ends, no adjacent separators. */
    public static String trail(String namespace, String name, String uid, String suffix) {
        return fit(namespace + "-" + name, "-" + shortHash(uid) + suffix, 128, "[^a-zA-Z0-9._-]", "-");
    }

    /** KMS alias: alias/ followed by at most 250 of [a-zA-Z0-9/_-]. */
    public static String kmsAlias(String namespace, String name, String uid, String suffix) {
        return "alias/webplatform/" + fit(namespace + "-" + name, "-" + shortHash(uid) + suffix, 200, "[^a-zA-Z0-9/_-]", "-");
    }

    /**
     * Sanitises {@code base}, truncates it so that base + suffix fits in {@code max}, and collapses
     * runs of separators so no service rejects ".." or "-.".
     */
    static String fit(String base, String suffix, int max, String forbidden, String replacement) {
        String clean = base.toLowerCase(Locale.ROOT).replaceAll(forbidden, replacement)
                .replaceAll("[-._]{2,}", "-");
        int room = max - suffix.length();
        if (clean.length() > room) {
            clean = clean.substring(0, room);
        }
        clean = clean.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
        String result = clean.isEmpty() ? suffix.replaceAll("^[^a-z0-9]+", "") : clean + suffix;
        return result.replaceAll("[-._]{2,}", "-");
    }
}
