package io.webplatform.operator.bucket;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The trail's diff, on values built by hand. */
class TrailDiffTest {
    private static final EventSelector SELECTOR = EventSelector.builder().readWriteType(ReadWriteType.WRITE_ONLY).includeManagementEvents(false)
            .dataResources(DataResource.builder().type("AWS::S3::Object").values("arn:aws:s3:::logs/").build()).build();
    private static final Trail.Desired DESIRED = new Trail.Desired("logs-trail", "logs-trail-bucket", true, false, false,
            Map.of("webplatform.io/owner-uid", "u1"), "logs", SELECTOR, true);

    private final Trail trail = new Trail();

    private static software.amazon.awssdk.services.cloudtrail.model.Trail trail(String bucket, boolean validation) {
        return software.amazon.awssdk.services.cloudtrail.model.Trail.builder().name("logs-trail").s3BucketName(bucket)
                .logFileValidationEnabled(validation).build();
    }

    @Test
    void aLoggingValidatedTrailOfTheBucketsWritesHasNoChange() {
        assertThat(trail.diff(new Trail.State(trail("logs-trail-bucket", true), true, List.of(SELECTOR)), DESIRED)).isEmpty();
    }

    @Test
    void stoppedLoggingIsStarted() {
        assertThat(trail.diff(new Trail.State(trail("logs-trail-bucket", true), false, List.of(SELECTOR)), DESIRED))
                .containsExactly(Change.described("logging", "stopped", "started", "logging started"));
    }

    @Test
    void validationOffAndAnotherDestinationAreRestored() {
        assertThat(trail.diff(new Trail.State(trail("elsewhere", false), true, List.of(SELECTOR)), DESIRED)).containsExactly(
                Change.described("log file validation", "off", "on", "log file validation turned on"),
                Change.of("destination", "elsewhere", "logs-trail-bucket"));
    }

    @Test
    void anotherSelectorIsReplaced() {
        // What CreateTrail leaves: every management event, no data event.
        EventSelector defaults = EventSelector.builder().readWriteType(ReadWriteType.ALL).includeManagementEvents(true).build();
        List<Change> changes = trail.diff(new Trail.State(trail("logs-trail-bucket", true), true, List.of(defaults)), DESIRED);
        assertThat(changes).containsExactly(Change.described("event selector", "All management events",
                "WriteOnly AWS::S3::Object [arn:aws:s3:::logs/]", "event selector set to WriteOnly S3 data events of logs"));
        assertThat(trail.diff(new Trail.State(trail("logs-trail-bucket", true), true, List.of(SELECTOR, SELECTOR)), DESIRED))
                .extracting(Change::field).containsExactly("event selector");
        assertThat(trail.diff(new Trail.State(trail("logs-trail-bucket", true), true, List.of()), DESIRED))
                .extracting(Change::actual).containsExactly("none");
    }
}
