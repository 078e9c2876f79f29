package io.webplatform.operator.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic AWS names derived from namespace, name and a short hash of the UID, so the
 * operator finds what it made after a crash, and a recreated custom resource (new UID) never
 * collides with one it retained. Every result satisfies its kind's rule in {@link AwsNameRules} for
 * any valid namespace and name; a name AWS already accepted is never changed (existing resources
 * would be orphaned). Also the Kubernetes names and tag values derived from a resource's name.
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
        String bucket = fit(namespace + "-" + name, "-" + shortHash(uid) + suffix, 63, "[^a-z0-9-]", "-");
        // A namespace such as "sthree" or "amzn-s3-demo" would make a reserved prefix.
        return AwsNameRules.S3_BUCKET.accepts(bucket) ? bucket
                : fit("wp-" + namespace + "-" + name, "-" + shortHash(uid) + suffix, 63, "[^a-z0-9-]", "-");
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

    /**
     * The installation's shared CloudTrail log bucket in one account and region: wp-&lt;installation&gt;-&lt;account&gt;-&lt;region&gt;-trails,
     * the installation cut to fit 63. Bucket names are global: the account and region make it unique without a hash,
     * so a plan (whose account is a reference) names it exactly.
     */
    public static String sharedTrailLogBucket(String installation, String accountId, String region) {
        String suffix = "-" + accountId + "-" + region + "-trails";
        return fit("wp-" + installation, suffix, 63, "[^a-z0-9-]", "-");
    }

    /**
     * The installation's shared target of S3 server access logs in one account and region:
     * wp-&lt;installation&gt;-&lt;account&gt;-&lt;region&gt;-access-logs, named like {@link #sharedTrailLogBucket} (the
     * destination must be in the source's account and Region, so one per both is all a region needs).
     */
    public static String sharedAccessLogBucket(String installation, String accountId, String region) {
        String suffix = "-" + accountId + "-" + region + "-access-logs";
        return fit("wp-" + installation, suffix, 63, "[^a-z0-9-]", "-");
    }

    /**
     * The installation's shared trail of SecureBuckets' object writes into one log bucket: one per installation,
     * region and destination (trail names are unique per account and region). The default destination gives
     * wp-&lt;installation&gt;-bucket-writes; a named one adds a hash of its name. 3-128 of [A-Za-z0-9._-], starting
     * and ending with a letter or digit, no adjacent separators, never an IP address (it holds letters).
     */
    public static String sharedTrail(String installation, String logBucket, boolean namedDestination) {
        String suffix = "-bucket-writes" + (namedDestination ? "-" + shortHash(logBucket) : "");
        return fit("wp-" + installation, suffix, 128, "[^a-zA-Z0-9._-]", "-");
    }

    /**
     * The IAM role a shared trail assumes to deliver to CloudWatch Logs: wp-&lt;installation&gt;-trail-logs-&lt;hash&gt;, at
     * most 64 of [\w+=,.@-]. IAM is global while trails are regional (and share their name across regions): the hash
     * is of the region and the trail.
     */
    public static String trailLogsRole(String installation, String region, String trail) {
        return fit("wp-" + installation, "-trail-logs-" + shortHash(region + "/" + trail), 64, "[^a-z0-9+=,.@_-]", "-");
    }

    /** KMS alias: alias/ followed by at most 250 of [a-zA-Z0-9/_-]. */
    public static String kmsAlias(String namespace, String name, String uid, String suffix) {
        return "alias/webplatform/" + fit(namespace + "-" + name, "-" + shortHash(uid) + suffix, 200, "[^a-zA-Z0-9/_-]", "-");
    }

    /**
     * prefix + namespace-name-hash + suffix, exactly so when {@code kind} accepts it (names made before
     * this rule existed stay the same); otherwise with the characters {@code forbidden} replaced,
     * shortened to fit, and led by "wp-" if it would start with a reserved prefix. The UID's hash
     * always stays, so the name stays unique and deterministic.
     */
    public static String derive(String prefix, String namespace, String name, String uid, String suffix,
                                AwsNameRules kind, String forbidden) {
        String hashed = "-" + shortHash(uid) + suffix;
        String plain = prefix + namespace + "-" + name + hashed;
        if (kind.accepts(plain)) {
            return plain;
        }
        int max = kind.maxLength() - prefix.length();
        String fitted = prefix + fit(namespace + "-" + name, hashed, max, forbidden, "-");
        return kind.accepts(fitted) ? fitted : prefix + fit("wp-" + namespace + "-" + name, hashed, max, forbidden, "-");
    }

    /**
     * A tag value of at most 256 characters (the limit of every service the operator tags): unchanged
     * when it fits, else cut with a hash of the whole value so two long values stay distinct.
     */
    public static String tagValue(String value) {
        int max = AwsNameRules.TAG_VALUE.maxLength();
        return value.length() <= max ? value : value.substring(0, max - 7) + "-" + shortHash(value);
    }

    /**
     * A Kubernetes object name derived from another object's name: name + suffix while that is a valid
     * DNS subdomain name (at most 253), else the name cut with a hash of it, so it stays unique.
     */
    public static String kubernetesName(String name, String suffix) {
        String plain = name + suffix;
        if (AwsNameRules.KUBERNETES_NAME.accepts(plain)) {
            return plain;
        }
        int room = AwsNameRules.KUBERNETES_NAME.maxLength() - suffix.length() - 7;
        return name.substring(0, Math.min(room, name.length())).replaceAll("[.-]+$", "") + "-" + shortHash(name) + suffix;
    }

    /** A label value naming an object: the name when it fits in 63 characters, else cut with a hash of it. */
    public static String labelValue(String name) {
        if (AwsNameRules.KUBERNETES_LABEL_VALUE.accepts(name)) {
            return name;
        }
        int room = AwsNameRules.KUBERNETES_LABEL_VALUE.maxLength() - 7;
        return name.substring(0, Math.min(room, name.length())).replaceAll("[^A-Za-z0-9]+$", "") + "-" + shortHash(name);
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
