package io.webplatform.operator.aws;

import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

import java.util.Optional;

/**
 * The AWS partition a region belongs to, which every ARN, service endpoint and IAM endpoint of that
 * region depends on. Derived from the region through the SDK's partition metadata.
 *
 * <p>Supported: {@code aws} (standard regions) and {@code aws-us-gov} (GovCloud): both have every
 * service this operator calls, and the same service principals ({@code service.amazonaws.com}); only
 * the ARN prefix and the IAM endpoint differ. China ({@code aws-cn}) and the ISO partitions are
 * refused: their service principals and endpoints differ per service, they need separate accounts,
 * and nothing here can test them. The CRDs refuse their regions at the API server too.
 */
public record Partition(String id, String dnsSuffix) {
    public static final String AWS = "aws";
    public static final String AWS_US_GOV = "aws-us-gov";

    /** The partition of a supported region; an IllegalArgumentException saying why for any other. */
    public static Partition of(String region) {
        unsupported(region).ifPresent(message -> {
            throw new IllegalArgumentException(message);
        });
        PartitionMetadata metadata = PartitionMetadata.of(Region.of(region));
        return new Partition(metadata.id(), metadata.dnsSuffix());
    }

    /** True for a region the SDK knows (it carries every public region of every partition). */
    public static boolean exists(String region) {
        return Region.regions().stream().anyMatch(r -> r.id().equals(region));
    }

    /**
     * Why nothing of an object can exist in AWS, so its deletion has nothing to do: a region that does
     * not exist (the region is immutable, so such an object was refused before any write, ever).
     */
    public static Optional<String> nothingCanExistIn(String region) {
        return exists(region) ? Optional.empty()
                : Optional.of("region " + region + " does not exist: nothing was ever made there, so nothing is deleted");
    }

    /** Why a region cannot be used, or empty when it can. */
    public static Optional<String> unsupported(String region) {
        String id = PartitionMetadata.of(Region.of(region)).id();
        if (AWS.equals(id) || AWS_US_GOV.equals(id)) {
            return Optional.empty();
        }
        return Optional.of("region " + region + " is in the " + id + " partition, which this operator does not support"
                + " (only aws and aws-us-gov regions: China and ISO regions have other service principals and endpoints)");
    }

    /** arn:partition:service:region:account:resource; region and account empty for global resources (S3 buckets, IAM). */
    public String arn(String service, String region, String account, String resource) {
        return "arn:" + id + ":" + service + ":" + region + ":" + account + ":" + resource;
    }

    /** An S3 bucket's ARN (buckets are named per partition, without region or account). */
    public String bucketArn(String bucket) {
        return arn("s3", "", "", bucket);
    }

    /** The account itself as a principal: delegates to the account's IAM policies. */
    public String accountRoot(String accountId) {
        return arn("iam", "", accountId, "root");
    }

    /** A policy AWS manages, e.g. AmazonSSMManagedInstanceCore. */
    public String awsManagedPolicy(String name) {
        return arn("iam", "", "aws", "policy/" + name);
    }

    /**
     * A service principal, e.g. ec2.amazonaws.com. The same name in aws and aws-us-gov (not derived
     * from the DNS suffix: in aws-cn some principals end in amazonaws.com.cn and others do not).
     */
    public String servicePrincipal(String service) {
        return service + ".amazonaws.com";
    }

    /** A service's regional endpoint host, as kms:ViaService names it: s3.us-gov-west-1.amazonaws.com. */
    public String serviceEndpoint(String service, String region) {
        return service + "." + region + "." + dnsSuffix;
    }

    /** The pseudo-region whose endpoint serves IAM, a global service, in this partition. */
    public String iamRegion() {
        return AWS_US_GOV.equals(id) ? Region.AWS_US_GOV_GLOBAL.id() : Region.AWS_GLOBAL.id();
    }
}
