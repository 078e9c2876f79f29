package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The target group's diff, on values built by hand: each health check setting and the deregistration delay. */
class TargetGroupDiffTest {
    private final TargetGroup targetGroup = new TargetGroup();

    static final TargetGroup.Desired DESIRED = new TargetGroup.Desired("demo-shop-abc123-tg", ProtocolEnum.TCP, 80, "vpc-1",
            TargetTypeEnum.INSTANCE, TargetGroup.HealthCheck.APP, "30", Map.of("Name", "demo-shop-abc123-tg"));

    static TargetGroup.State actual(TargetGroup.HealthCheck check, Map<String, String> attributes) {
        return new TargetGroup.State("arn:tg", check, attributes);
    }

    static final Map<String, String> THIRTY_SECONDS = Map.of(TargetGroup.DEREGISTRATION_DELAY, "30", "stickiness.enabled", "false");

    @Test
    void aTargetGroupAsWantedNeedsNothing() {
        assertThat(targetGroup.diff(actual(new TargetGroup.HealthCheck(ProtocolEnum.HTTP, "/", "traffic-port", 10, 3, 3), THIRTY_SECONDS),
                DESIRED)).isEmpty();
    }

    @Test
    void eachHealthCheckSettingIsOneChange() {
        assertThat(targetGroup.diff(actual(new TargetGroup.HealthCheck(ProtocolEnum.TCP, "/", "traffic-port", 10, 3, 3), THIRTY_SECONDS), DESIRED))
                .containsExactly(Change.of("health check protocol", "TCP", "HTTP"));
        assertThat(targetGroup.diff(actual(new TargetGroup.HealthCheck(ProtocolEnum.HTTP, "/health", "8080", 30, 5, 2), THIRTY_SECONDS), DESIRED))
                .containsExactly(Change.of("health check path", "/health", "/"), Change.of("health check port", "8080", "traffic-port"),
                        Change.of("health check interval", 30, 10), Change.of("health check healthy threshold", 5, 3),
                        Change.of("health check unhealthy threshold", 2, 3));
        assertThat(targetGroup.diff(actual(new TargetGroup.HealthCheck(ProtocolEnum.HTTP, null, "traffic-port", 10, 3, 3), THIRTY_SECONDS), DESIRED))
                .containsExactly(Change.of("health check path", null, "/"));
    }

    @Test
    void aLongerDeregistrationDelayIsShortenedAgain() {
        assertThat(targetGroup.diff(actual(TargetGroup.HealthCheck.APP, Map.of(TargetGroup.DEREGISTRATION_DELAY, "300")), DESIRED))
                .containsExactly(Change.described("deregistration delay", "300", "30", "deregistration delay set to 30 s"));
        assertThat(targetGroup.diff(actual(TargetGroup.HealthCheck.APP, Map.of()), DESIRED))
                .containsExactly(Change.described("deregistration delay", null, "30", "deregistration delay set to 30 s"));
    }
}
