package io.webplatform.operator.testing;

import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.CreateTrailRequest;
import software.amazon.awssdk.services.cloudtrail.model.PutEventSelectorsRequest;
import software.amazon.awssdk.services.cloudtrail.model.TrailInfo;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CloudTrail's limits, which the emulator does not enforce, played through the SDK: AWS refuses a sixth trail in
 * a Region (CreateTrail: MaximumNumberOfTrailsExceededException, HTTP 400, "User: ... already has 5 trails in
 * &lt;region&gt;."; CloudTrail quotas: 5 trails per Region, not adjustable), refuses a name that exists
 * (TrailAlreadyExistsException; moto replaces the trail instead), and refuses more than 500 values over all
 * advanced event selectors of a trail (PutEventSelectors: InvalidEventSelectorsException). The trails are counted
 * in the real emulator, those whose HomeRegion is the request's Region, as ListTrails lists them.
 */
public class TrailQuota implements ExecutionInterceptor {
    public static final int TRAILS_PER_REGION = 5;
    public static final int VALUES_PER_TRAIL = 500;
    private final AtomicInteger refusedTrails = new AtomicInteger();
    private final AtomicInteger refusedSelectors = new AtomicInteger();
    private volatile boolean enforcing = true;

    /** How many CreateTrail calls it refused for the Region's 5. */
    public int refusedTrails() {
        return refusedTrails.get();
    }

    public int refusedSelectors() {
        return refusedSelectors.get();
    }

    /** Turns the limits off (a test that makes foreign trails with the same clients) or on again. */
    public void enforcing(boolean on) {
        this.enforcing = on;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!enforcing) {
            return;
        }
        Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
        if (context.request() instanceof CreateTrailRequest create) {
            List<TrailInfo> inRegion = trailsIn(region);
            if (inRegion.stream().anyMatch(t -> t.name().equals(create.name()))) {
                throw error("TrailAlreadyExistsException", "Trail " + create.name() + " already exists for customer: 123456789012");
            }
            if (inRegion.size() >= TRAILS_PER_REGION) {
                refusedTrails.incrementAndGet();
                throw error("MaximumNumberOfTrailsExceededException",
                        "User: arn:aws:iam::123456789012:root already has " + TRAILS_PER_REGION + " trails in " + region.id() + ".");
            }
        }
        if (context.request() instanceof PutEventSelectorsRequest put && put.hasAdvancedEventSelectors()) {
            int values = 0;
            for (AdvancedEventSelector s : put.advancedEventSelectors()) {
                values += s.fieldSelectors().stream().mapToInt(f -> f.equalsValue().size() + f.startsWith().size() + f.endsWith().size()
                        + f.notEquals().size() + f.notStartsWith().size() + f.notEndsWith().size()).sum();
            }
            if (values > VALUES_PER_TRAIL) {
                refusedSelectors.incrementAndGet();
                throw error("InvalidEventSelectorsException",
                        "Specify up to " + VALUES_PER_TRAIL + " values for all conditions in all advanced event selectors for a trail.");
            }
        }
    }

    private static List<TrailInfo> trailsIn(Region region) {
        try (CloudTrailClient ct = CloudTrailClient.builder().region(region).endpointOverride(Emulator.endpoint()).build()) {
            return ct.listTrailsPaginator(r -> { }).trails().stream().filter(t -> region.id().equals(t.homeRegion())).toList();
        }
    }

    private static AwsServiceException error(String code, String message) {
        return (AwsServiceException) AwsServiceException.builder().statusCode(400).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("CloudTrail").build())
                .build();
    }
}
