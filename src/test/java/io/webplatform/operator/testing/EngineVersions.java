package io.webplatform.operator.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.rds.model.DescribeOrderableDbInstanceOptionsRequest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An SDK seam that answers DescribeOrderableDBInstanceOptions, which the emulator answers with an
 * empty list for PostgreSQL, with AWS's wire format: the PostgreSQL versions a test chooses, orderable
 * with gp3 storage and Multi-AZ, for every DB instance class or only for chosen ones. Idle (the
 * emulator's answer passes) until offered.
 */
public class EngineVersions implements ExecutionInterceptor {
    private record Offer(List<String> versions, Set<String> classes) {
    }

    private volatile Offer offer;

    /** The PostgreSQL versions AWS offers from now on, with every class; null to let the emulator answer again. */
    public void offer(List<String> versions) {
        this.offer = versions == null ? null : new Offer(versions, null);
    }

    /** The PostgreSQL versions AWS offers from now on, only with these classes. */
    public void offer(List<String> versions, Set<String> classes) {
        this.offer = new Offer(versions, classes);
    }

    private boolean answers(ExecutionAttributes attributes) {
        return offer != null && "DescribeOrderableDBInstanceOptions".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
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
        Offer current = offer;
        String asked = ((DescribeOrderableDbInstanceOptionsRequest) context.request()).dbInstanceClass();
        List<String> classes = asked != null ? List.of(asked)
                : current.classes() == null ? List.of("db.t4g.micro") : List.copyOf(current.classes());
        String options = classes.stream().filter(c -> current.classes() == null || current.classes().contains(c))
                .flatMap(c -> current.versions().stream().map(v -> "<OrderableDBInstanceOption><Engine>postgres</Engine><EngineVersion>" + v
                        + "</EngineVersion><DBInstanceClass>" + c + "</DBInstanceClass><StorageType>gp3</StorageType>"
                        + "<MultiAZCapable>true</MultiAZCapable><Vpc>true</Vpc></OrderableDBInstanceOption>"))
                .collect(Collectors.joining());
        String xml = "<DescribeOrderableDBInstanceOptionsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                + "<DescribeOrderableDBInstanceOptionsResult><OrderableDBInstanceOptions>" + options + "</OrderableDBInstanceOptions>"
                + "</DescribeOrderableDBInstanceOptionsResult><ResponseMetadata><RequestId>orderable-seam</RequestId></ResponseMetadata>"
                + "</DescribeOrderableDBInstanceOptionsResponse>";
        return Optional.of(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
