package io.webplatform.operator.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.cloudtrail.model.GetInsightSelectorsRequest;
import software.amazon.awssdk.services.cloudtrail.model.GetInsightSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailResponse;
import software.amazon.awssdk.services.cloudtrail.model.InsightSelector;
import software.amazon.awssdk.services.cloudtrail.model.PutInsightSelectorsRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CloudTrail's Insights selectors as AWS keeps them, played through the SDK where the emulator differs: moto adds each
 * PutInsightSelectors list to the trail's (AWS replaces them: "You also use PutInsightSelectors to turn off Insights
 * event logging, by passing an empty list"), answers GetTrail with HasInsightSelectors false always, and answers
 * GetInsightSelectors of a trail without selectors with an empty list (AWS: InsightNotEnabledException). The
 * selectors each trail was last given, through these clients, are the truth (the calls still reach the emulator).
 */
public class InsightSelectorsAsAws implements ExecutionInterceptor {
    private final Map<String, List<InsightSelector>> byTrail = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutInsightSelectorsRequest put) {
            byTrail.put(put.trailName(), put.insightSelectors());
        }
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (context.response() instanceof GetTrailResponse response && response.trail() != null) {
            boolean has = !byTrail.getOrDefault(response.trail().name(), List.of()).isEmpty();
            return response.toBuilder().trail(response.trail().toBuilder().hasInsightSelectors(has).build()).build();
        }
        if (context.response() instanceof GetInsightSelectorsResponse response
                && context.request() instanceof GetInsightSelectorsRequest request) {
            List<InsightSelector> selectors = byTrail.getOrDefault(request.trailName(), List.of());
            if (selectors.isEmpty()) {
                throw AwsServiceException.builder().statusCode(400).message("Trail " + request.trailName() + " does not have Insights enabled.")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InsightNotEnabledException")
                                .errorMessage("Trail " + request.trailName() + " does not have Insights enabled.").serviceName("CloudTrail").build())
                        .build();
            }
            return response.toBuilder().insightSelectors(selectors).build();
        }
        return context.response();
    }
}
