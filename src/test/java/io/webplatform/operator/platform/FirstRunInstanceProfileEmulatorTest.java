package io.webplatform.operator.platform;

import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.engine.ComponentGraph;
import io.webplatform.operator.engine.WalkResult;
import io.webplatform.operator.testing.FailCalls;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first run on AWS: EC2 refuses RunInstances with a new instance profile until IAM has propagated it
 * to EC2. Within two minutes of the profile's CreateDate the app instances are Pending (no Stalled, no
 * warning); still refused after that, the WebPlatform is Stalled with EC2's message; once EC2 sees the
 * profile, the app tier converges.
 */
class FirstRunInstanceProfileEmulatorTest extends PlatformFixture {

    private PlatformScope scopeAt(WebPlatform wp, Duration later) {
        PlatformScope scope = scope(wp);
        scope.clock(Clock.offset(Clock.systemUTC(), later));
        return scope;
    }

    @Test
    void aNewInstanceProfileIsStillWorkingForTwoMinutesThenStallsWithEc2sMessage() {
        WebPlatform wp = platform(new WebPlatformSpec());
        String profile = InstanceRole.roleName(scope(wp));
        String invalid = "Value (arn:aws:iam::123456789012:instance-profile/" + profile + ") for parameter iamInstanceProfile.arn is invalid."
                + " Invalid IAM Instance Profile ARN";
        FailCalls.Failure notYetVisibleToEc2 = FAIL.answer("RunInstances", "InvalidParameterValue", 400, invalid)
                .when(r -> r instanceof RunInstancesRequest run && run.iamInstanceProfile() != null
                        && run.iamInstanceProfile().arn().endsWith("/" + profile));
        RecordedEvents events = new RecordedEvents();
        try {
            WalkResult pass = null;
            for (int i = 0; i < 10 && notYetVisibleToEc2.answered() == 0; i++) {
                pass = graph.reconcile(scope(wp), events);
            }
            assertThat(notYetVisibleToEc2.answered()).as("RunInstances reached").isEqualTo(1);
            stillWorking(pass, profile, events);
            stillWorking(graph.reconcile(scopeAt(wp, Duration.ofSeconds(100)), events), profile, events);
            assertThat(inventory(wp)).doesNotContainKey("instance");

            RecordedEvents late = new RecordedEvents();
            WalkResult stalled = graph.reconcile(scopeAt(wp, Duration.ofMinutes(3)), late);
            assertThat(stalled.stalled()).isTrue();
            assertThat(stalled.stalledReason()).isEqualTo("InstanceProfileNotUsable");
            assertThat(stalled.stalledMessage()).contains(AppInstances.NAME + ": InvalidParameterValue: " + invalid)
                    .contains("after instance profile " + profile + " was made, longer than the 120 s").contains("iam:PassRole");
            assertThat(stalled.component(AppInstances.NAME).getState()).isEqualTo(ComponentGraph.FAILED);
            assertThat(late.warnings).hasSize(1);
        } finally {
            notYetVisibleToEc2.release();
        }

        WalkResult converged = converge(wp);
        assertThat(converged.allReady()).as(converged.waitingSummary() + converged.stalledMessage()).isTrue();
        assertThat(converged.stalled()).isFalse();
        assertThat(inventory(wp)).containsEntry("instance", 2);
        assertThat(deleteFully(wp).allGone()).isTrue();
        assertThat(inventory(wp)).isEmpty();
    }

    private static void stillWorking(WalkResult pass, String profile, RecordedEvents events) {
        assertThat(pass.stalled()).as(pass.stalledMessage()).isFalse();
        assertThat(pass.failures()).isEmpty();
        assertThat(pass.component(AppInstances.NAME).getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(pass.component(AppInstances.NAME).getMessage())
                .startsWith("instance profile " + profile + " is new").contains("InvalidParameterValue");
        assertThat(events.warnings).as("no warning while AWS is still propagating").isEmpty();
    }
}
