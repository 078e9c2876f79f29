package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;
import software.amazon.awssdk.regions.Region;

import java.util.ArrayList;
import java.util.List;

/** What the schema cannot say, judged before any mutating AWS call. */
public final class WebPlatformValidation {
    private WebPlatformValidation() {
    }

    /** Checks that need no AWS at all. */
    public static List<String> validate(WebPlatform resource, String region) {
        List<String> problems = new ArrayList<>();
        if (Region.regions().stream().noneMatch(r -> r.id().equals(region))) {
            problems.add("region " + region + " is not an AWS region this operator knows");
        } else {
            Partition.unsupported(region).ifPresent(problems::add);
        }
        problems.addAll(Ownership.userTagProblems(resource.getSpec().tags));
        return problems;
    }

    /** The two zones to use: the spec's, if the region has them, or the region's first two. */
    public static List<String> zones(WebPlatform resource, List<String> available, List<String> problems) {
        List<String> asked = resource.getSpec().network.availabilityZones;
        if (asked == null) {
            if (available.size() < 2) {
                problems.add("region offers " + available.size() + " available zone(s); a WebPlatform needs two");
                return List.of();
            }
            return available.subList(0, 2);
        }
        for (String zone : asked) {
            if (!available.contains(zone)) {
                problems.add("availability zone " + zone + " does not exist or is not available in this region (available: "
                        + String.join(", ", available) + ")");
            }
        }
        return asked;
    }
}
