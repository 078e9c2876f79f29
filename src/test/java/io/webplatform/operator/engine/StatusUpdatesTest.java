package io.webplatform.operator.engine;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.api.WebPlatformStatus;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What a pass compares its status with: the status as the API server gives it back. */
class StatusUpdatesTest {

    @Test
    void aStatusReadBackFromTheApiServerIsTheStatusThePassWrote() {
        WebPlatformStatus written = new WebPlatformStatus();
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("lb", "sg-1");
        groups.put("app", "sg-2");
        groups.put("db", "sg-3");
        written.getOutputs().securityGroupIds = groups;
        written.setLastDriftCheck("2026-12-04T14:00:00Z");

        // The API server keeps a custom resource as JSON objects whose keys it writes in order.
        WebPlatformStatus readBack = Serialization.unmarshal(Serialization.asJson(written), WebPlatformStatus.class);
        readBack.getOutputs().securityGroupIds = new TreeMap<>(readBack.getOutputs().securityGroupIds);
        assertThat(Serialization.asJson(readBack)).as("the maps' order differs").isNotEqualTo(Serialization.asJson(written));

        assertThat(StatusUpdates.snapshot(readBack)).isEqualTo(StatusUpdates.snapshot(written));
        assertThat(StatusUpdates.patchIfChanged(new io.webplatform.operator.api.WebPlatform(), written, StatusUpdates.snapshot(readBack),
                java.time.Duration.ofMinutes(5)).isPatchStatus()).as("nothing changed: no status patch").isFalse();
        readBack.setLastDriftCheck("2026-12-04T14:05:00Z");
        assertThat(StatusUpdates.snapshot(readBack)).isNotEqualTo(StatusUpdates.snapshot(written));
    }
}
