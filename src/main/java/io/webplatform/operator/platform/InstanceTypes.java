package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.UserError;
import io.webplatform.operator.engine.ExpiringCache;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceTypeOffering;
import software.amazon.awssdk.services.ec2.model.LocationType;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What EC2 says of an instance type in a region, judged before anything is made: the architectures
 * it runs (DescribeInstanceTypes) and the zones that offer it (DescribeInstanceTypeOfferings, location
 * type availability-zone). A type not offered in a chosen zone fails only at RunInstances, after the
 * network, NAT gateways and database are made. Answers are kept for an hour: a resync asks nothing.
 */
public class InstanceTypes {
    private static final Duration CACHED_FOR = Duration.ofHours(1);

    /** The architectures the type runs (x86_64, arm64, i386...) and the zones of the region offering it. */
    public record Facts(String type, List<String> architectures, List<String> zones) {

        /** The architecture to boot Amazon Linux on: x86_64 where the type runs it, else its own (arm64 for Graviton). */
        public String bootArchitecture() {
            return architectures.contains("x86_64") || architectures.isEmpty() ? "x86_64" : architectures.get(0);
        }

        /** UserError unless every zone offers the type. */
        void requireOfferedIn(List<String> wanted, String region) {
            List<String> missing = wanted.stream().filter(z -> !zones.contains(z)).distinct().toList();
            if (!missing.isEmpty()) {
                throw new UserError("InstanceTypeNotOffered", "instance type " + type + " is not offered in " + String.join(" and ", missing)
                        + (zones.isEmpty() ? " (no zone of " + region + " offers it)" : " (offered in " + String.join(", ", zones) + ")")
                        + "; choose another spec.app.instanceType or spec.network.availabilityZones");
            }
        }
    }

    private final ExpiringCache<Facts> facts;

    public InstanceTypes() {
        this(Clock.systemUTC());
    }

    InstanceTypes(Clock clock) {
        this.facts = new ExpiringCache<>(clock);
    }

    /** The facts of the spec's instance type; UserError when the region does not know it. */
    public Facts of(PlatformScope scope) {
        String type = scope.spec().app.instanceType;
        return facts.get(scope.region() + "/" + type, CACHED_FOR, () -> ask(scope, type));
    }

    private static Facts ask(PlatformScope scope, String type) {
        List<String> architectures;
        try {
            architectures = scope.ec2().describeInstanceTypes(r -> r.instanceTypesWithStrings(type)).instanceTypes().stream()
                    .flatMap(t -> t.processorInfo().supportedArchitecturesAsStrings().stream()).distinct().toList();
        } catch (RuntimeException e) {
            if ("InvalidInstanceType".equals(AwsErrors.errorCode(e))) {
                throw notKnown(type, scope.region());
            }
            throw e;
        }
        if (architectures.isEmpty()) {
            throw notKnown(type, scope.region());
        }
        List<String> zones = scope.ec2().describeInstanceTypeOfferingsPaginator(r -> r.locationType(LocationType.AVAILABILITY_ZONE)
                        .filters(Filter.builder().name("instance-type").values(type).build()))
                .instanceTypeOfferings().stream().map(InstanceTypeOffering::location).distinct().sorted().toList();
        return new Facts(type, architectures, zones);
    }

    /** UserError unless the type exists in the region and both of the plan's zones offer it. */
    public void requireOffered(PlatformScope scope) {
        of(scope).requireOfferedIn(scope.plan().zones(), scope.region());
    }

    private static UserError notKnown(String type, String region) {
        return new UserError("InstanceTypeNotOffered", "instance type " + type + " does not exist in " + region
                + "; choose another spec.app.instanceType");
    }
}
