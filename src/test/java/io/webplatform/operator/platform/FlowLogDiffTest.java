package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.TrafficType;

import static org.assertj.core.api.Assertions.assertThat;

/** The flow log's diff, pure: any differing setting means a replacement, one change per setting. */
class FlowLogDiffTest {
    private static final String BUCKET = "arn:aws:s3:::flowlogs";
    private final io.webplatform.operator.platform.FlowLog component = new io.webplatform.operator.platform.FlowLog();
    private final io.webplatform.operator.platform.FlowLog.Desired desired = new io.webplatform.operator.platform.FlowLog.Desired(
            "vpc-1", TrafficType.REJECT, LogDestinationType.S3, BUCKET, 600, "token", null);

    private static FlowLog.Builder asWanted() {
        return FlowLog.builder().flowLogId("fl-1").resourceId("vpc-1").trafficType(TrafficType.REJECT)
                .logDestinationType(LogDestinationType.S3).logDestination(BUCKET).maxAggregationInterval(600);
    }

    @Test
    void theFlowLogAsWantedMatches() {
        assertThat(component.diff(asWanted().build(), desired)).isEmpty();
    }

    @Test
    void anotherBucketReplacesIt() {
        assertThat(component.diff(asWanted().logDestination("arn:aws:s3:::old").build(), desired)).containsExactly(
                Change.described("logDestination", "arn:aws:s3:::old", BUCKET, "flow log replaced: REJECT traffic to " + BUCKET));
    }

    @Test
    void allTrafficReplacesIt() {
        assertThat(component.diff(asWanted().trafficType(TrafficType.ALL).build(), desired)).containsExactly(
                Change.described("trafficType", "ALL", "REJECT", "flow log replaced: REJECT traffic to " + BUCKET + " (trafficType was ALL)"));
    }

    @Test
    void deliveryToCloudWatchLogsReplacesIt() {
        assertThat(component.diff(asWanted().logDestinationType(LogDestinationType.CLOUD_WATCH_LOGS).build(), desired)).containsExactly(
                Change.described("logDestinationType", "cloud-watch-logs", "s3",
                        "flow log replaced: REJECT traffic to " + BUCKET + " (logDestinationType was cloud-watch-logs)"));
    }

    @Test
    void aFlowLogOfAnotherVpcIsReplaced() {
        assertThat(component.diff(asWanted().resourceId("vpc-2").build(), desired)).containsExactly(
                Change.described("resourceId", "vpc-2", "vpc-1", "flow log replaced: REJECT traffic to " + BUCKET + " (resourceId was vpc-2)"));
    }

    @Test
    void theAggregationIntervalIsNotCompared() {
        assertThat(component.diff(asWanted().maxAggregationInterval(60).build(), desired)).isEmpty();
    }
}
