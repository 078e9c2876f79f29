package io.webplatform.operator.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An SDK seam that answers DescribeDBEngineVersions, which the emulator does not implement, with
 * AWS's wire format and the versions a test chooses. Idle (the emulator's answer passes) until offered.
 */
public class EngineVersions implements ExecutionInterceptor {
    private volatile List<String> offered;

    /** The PostgreSQL versions AWS offers from now on; null to let the emulator answer again. */
    public void offer(List<String> versions) {
        this.offered = versions;
    }

    private boolean answers(ExecutionAttributes attributes) {
        return offered != null && "DescribeDBEngineVersions".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        return answers(attributes) ? context.httpResponse().toBuilder().statusCode(200).statusText("OK").build() : context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (!answers(attributes)) {
            return context.responseBody();
        }
        String versions = offered.stream()
                .map(v -> "<DBEngineVersion><Engine>postgres</Engine><EngineVersion>" + v + "</EngineVersion>"
                        + "<DBParameterGroupFamily>postgres" + v.split("\\.")[0] + "</DBParameterGroupFamily></DBEngineVersion>")
                .collect(Collectors.joining());
        String xml = "<DescribeDBEngineVersionsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeDBEngineVersionsResult>"
                + "<DBEngineVersions>" + versions + "</DBEngineVersions></DescribeDBEngineVersionsResult>"
                + "<ResponseMetadata><RequestId>engine-versions-seam</RequestId></ResponseMetadata></DescribeDBEngineVersionsResponse>";
        return Optional.of(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
