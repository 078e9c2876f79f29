package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** InternetGateway's diff, pure: attached to the VPC or not. */
class InternetGatewayDiffTest {
    private final InternetGateway gateway = new InternetGateway();
    private final InternetGateway.Desired desired = new InternetGateway.Desired("vpc-1", null);

    @Test
    void attachedToTheVpcMatches() {
        assertThat(gateway.diff(new InternetGateway.State("igw-1", List.of("vpc-1")), desired)).isEmpty();
    }

    @Test
    void aDetachedGatewayIsAttached() {
        assertThat(gateway.diff(new InternetGateway.State("igw-1", List.of()), desired))
                .containsExactly(new Change(InternetGateway.ATTACHMENT, "detached", "vpc-1", "attached to vpc-1"));
    }

    @Test
    void aGatewayAttachedElsewhereSaysWhere() {
        assertThat(gateway.diff(new InternetGateway.State("igw-1", List.of("vpc-other")), desired))
                .containsExactly(new Change(InternetGateway.ATTACHMENT, "vpc-other", "vpc-1", "attached to vpc-1"));
    }
}
