package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.ExpiringCache;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The image the app instances boot: the spec's AMI, checked to exist and to be built for an
 * architecture the instance type runs (EC2's own DescribeInstanceTypes answer), or the newest Amazon
 * Linux 2023 image Amazon publishes for the instance type's architecture, found with DescribeImages
 * (owner amazon, name al2023-ami-2023.*-kernel-*). DescribeImages rather than the SSM public parameter:
 * it needs only EC2 permissions, and it answers the same question for a pinned AMI. Answers are
 * kept for an hour so a resync does not ask again; running instances keep the image they booted
 * (a newer Amazon Linux release does not replace them), only new or replaced instances use it.
 */
public class AppImages {
    static final String AMAZON_LINUX_2023 = "al2023-ami-2023.*-kernel-*-";
    private static final Duration CACHED_FOR = Duration.ofHours(1);

    private final InstanceTypes instanceTypes;
    private final ExpiringCache<Image> images;

    public AppImages(InstanceTypes instanceTypes) {
        this(Clock.systemUTC(), instanceTypes);
    }

    AppImages(Clock clock, InstanceTypes instanceTypes) {
        this.images = new ExpiringCache<>(clock);
        this.instanceTypes = instanceTypes;
    }

    /**
     * The image for this spec; UserError when the pinned AMI does not exist or is built for another
     * architecture than the instance type runs, or when no Amazon Linux 2023 image is found.
     */
    public Image resolve(PlatformScope scope) {
        String pinned = scope.spec().app.amiId;
        InstanceTypes.Facts type = instanceTypes.of(scope);
        String arch = type.bootArchitecture();
        String key = scope.region() + "/" + (pinned != null ? pinned : arch);
        Image image = images.get(key, CACHED_FOR,
                () -> pinned != null ? pinned(scope.ec2(), pinned, scope.region()) : latest(scope.ec2(), arch, scope.region()));
        if (pinned != null) {
            requireArchitecture(image, type);
        }
        return image;
    }

    /** RunInstances refuses an image whose architecture the type does not run, after everything else is made. */
    static void requireArchitecture(Image image, InstanceTypes.Facts type) {
        String built = image.architectureAsString();
        if (built != null && !type.architectures().contains(built)) {
            throw new UserError("AmiArchitectureMismatch", "AMI " + image.imageId() + " is built for " + built + "; instance type "
                    + type.type() + " runs " + String.join(" or ", type.architectures()) + ": choose an " + String.join(" or ", type.architectures())
                    + " image or another spec.app.instanceType");
        }
    }

    private static Image pinned(Ec2Client ec2, String amiId, String region) {
        List<Image> images;
        try {
            images = ec2.describeImages(r -> r.imageIds(amiId)).images();
        } catch (RuntimeException e) {
            if (AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR || AwsErrors.isNotFound(e)) {
                throw new UserError("AmiNotFound", "AMI " + amiId + " does not exist in " + region + " or is not shared with this account");
            }
            throw e;
        }
        Image image = images.stream().findFirst()
                .orElseThrow(() -> new UserError("AmiNotFound", "AMI " + amiId + " does not exist in " + region + " or is not shared with this account"));
        if (image.state() != ImageState.AVAILABLE) {
            throw new UserError("AmiNotFound", "AMI " + amiId + " is " + image.stateAsString() + ", not available");
        }
        return image;
    }

    private static Image latest(Ec2Client ec2, String arch, String region) {
        List<Image> images = ec2.describeImages(r -> r.owners("amazon").filters(
                Filter.builder().name("name").values(AMAZON_LINUX_2023 + arch).build(),
                Filter.builder().name("architecture").values(arch).build(),
                Filter.builder().name("state").values("available").build())).images();
        return newest(images).orElseThrow(() -> new UserError("AmiNotFound",
                "no Amazon Linux 2023 image for " + arch + " found in " + region + "; set spec.app.amiId"));
    }

    /** The most recently created image; names break ties so the choice is stable. */
    static Optional<Image> newest(List<Image> images) {
        return images.stream().filter(i -> i.state() == null || i.state() == ImageState.AVAILABLE)
                .max(Comparator.comparing((Image i) -> i.creationDate() == null ? "" : i.creationDate()).thenComparing(Image::name));
    }
}
