package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.aws.Ownership;
import io.webplatform.operator.aws.Partition;

import java.util.ArrayList;
import java.util.List;

/** What the schema cannot say, judged before any mutating AWS call. */
public final class WebPlatformValidation {
    private WebPlatformValidation() {
    }

    /** Checks that need no AWS at all. */
    public static List<String> validate(WebPlatform resource, String region) {
        List<String> problems = new ArrayList<>();
        if (!Partition.exists(region)) {
            problems.add("region " + region + " is not an AWS region this operator knows");
        } else if (Partition.unsupported(region).isPresent()) {
            problems.add(Partition.unsupported(region).get());
        } else {
            // An ARN of another partition never matches a caller of this one: the person it names would be locked out.
            String prefix = "arn:" + Partition.of(region).id() + ":";
            resource.getSpec().database.secretAccess.principals.stream().filter(p -> !p.startsWith(prefix)).forEach(p -> problems.add(
                    "spec.database.secretAccess.principals: " + p + " is not of the " + Partition.of(region).id() + " partition of region " + region));
        }
        problems.addAll(Ownership.userTagProblems(resource.getSpec().tags));
        return problems;
    }

    /**
     * The four subnets must not overlap. The schema refuses overlaps among the CIDRs a spec lists; this
     * also catches a listed CIDR that falls on one carved from vpcCidr for the list left out, which
     * AWS would refuse only at the second CreateSubnet, after the VPC is made.
     */
    public static List<String> overlappingSubnets(NetworkPlan plan) {
        List<String> names = new ArrayList<>();
        List<String> cidrs = new ArrayList<>();
        for (int i = 0; i < plan.publicSubnets().size(); i++) {
            names.add("public subnet " + plan.publicSubnets().get(i));
            cidrs.add(plan.publicSubnets().get(i));
        }
        for (int i = 0; i < plan.privateSubnets().size(); i++) {
            names.add("private subnet " + plan.privateSubnets().get(i));
            cidrs.add(plan.privateSubnets().get(i));
        }
        List<String> problems = new ArrayList<>();
        for (int a = 0; a < cidrs.size(); a++) {
            for (int b = a + 1; b < cidrs.size(); b++) {
                if (overlap(cidrs.get(a), cidrs.get(b))) {
                    problems.add(names.get(a) + " overlaps " + names.get(b) + " (subnets not listed in the spec are carved"
                            + " from vpcCidr: list all four, or none)");
                }
            }
        }
        return problems;
    }

    static boolean overlap(String a, String b) {
        int prefix = Math.min(prefix(a), prefix(b));
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return (address(a) & mask) == (address(b) & mask);
    }

    private static int prefix(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }

    private static long address(String cidr) {
        return NetworkPlan.ipToLong(cidr.substring(0, cidr.indexOf('/')));
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
