package io.webplatform.operator.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.servicequotas.model.GetAwsDefaultServiceQuotaRequest;
import software.amazon.awssdk.services.servicequotas.model.GetServiceQuotaRequest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays Service Quotas where the emulator does not: moto serves GetServiceQuota for vpc quotas only
 * (NoSuchResourceException for the others, as AWS answers for a quota it does not know) and answers
 * GetAWSDefaultServiceQuota with a 500. This seam answers GetServiceQuota with an applied value a test
 * chooses (an account's own value, say 5 Elastic IPs) and GetAWSDefaultServiceQuota with AWS's
 * documented default, as AWS's JSON (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html).
 */
public class ServiceQuotaAnswers implements ExecutionInterceptor {
    private final Map<String, Double> applied = new ConcurrentHashMap<>();
    private final Map<String, Double> defaults = new ConcurrentHashMap<>();

    /** From now on GetServiceQuota answers this applied value for serviceCode/quotaCode. */
    public void applied(String serviceCode, String quotaCode, double value) {
        applied.put(serviceCode + "/" + quotaCode, value);
    }

    /** GetAWSDefaultServiceQuota answers this default for serviceCode/quotaCode. */
    public void awsDefault(String serviceCode, String quotaCode, double value) {
        defaults.put(serviceCode + "/" + quotaCode, value);
    }

    public void clear() {
        applied.clear();
        defaults.clear();
    }

    private String answer(SdkRequest request) {
        String code;
        Double value;
        if (request instanceof GetServiceQuotaRequest r) {
            code = r.serviceCode() + "/" + r.quotaCode();
            value = applied.get(code);
        } else if (request instanceof GetAwsDefaultServiceQuotaRequest r) {
            code = r.serviceCode() + "/" + r.quotaCode();
            value = defaults.get(code);
        } else {
            return null;
        }
        if (value == null) {
            return null;
        }
        String[] parts = code.split("/");
        return "{\"Quota\":{\"ServiceCode\":\"" + parts[0] + "\",\"QuotaCode\":\"" + parts[1] + "\",\"Value\":" + value
                + ",\"Adjustable\":true,\"GlobalQuota\":false}}";
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (answer(context.request()) == null) {
            return context.httpResponse();
        }
        return context.httpResponse().toBuilder().statusCode(200).statusText("OK").build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        String body = answer(context.request());
        if (body == null) {
            return context.responseBody();
        }
        return Optional.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }
}
