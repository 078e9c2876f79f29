package io.webplatform.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.engine.EventSink;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Custom resources as the API server would hand them to the reconciler, for tests below the API server. */
public final class TestResources {
    private TestResources() {
    }

    public static SecureBucket secureBucket(String name, SecureBucketSpec spec) {
        SecureBucket sb = new SecureBucket();
        sb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("emulator")
                .withUid(UUID.randomUUID().toString()).withGeneration(1L).build());
        sb.setSpec(spec);
        return sb;
    }

    public static io.webplatform.operator.api.WebPlatform webPlatform(String name, io.webplatform.operator.api.WebPlatformSpec spec) {
        var wp = new io.webplatform.operator.api.WebPlatform();
        wp.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("emulator")
                .withUid(UUID.randomUUID().toString()).withGeneration(1L).build());
        wp.setSpec(spec);
        return wp;
    }

    public static SecureBucketSpec fullSpec() {
        SecureBucketSpec spec = new SecureBucketSpec();
        spec.region = Emulator.REGION;
        spec.replication = new SecureBucketSpec.Replication();
        spec.trail = new SecureBucketSpec.Trail();
        spec.tags.put("team", "web");
        return spec;
    }

    /** Collects events instead of sending them to an API server. */
    public static final class RecordedEvents implements EventSink {
        public final List<String> normal = new ArrayList<>();
        public final List<String> warnings = new ArrayList<>();

        @Override
        public void normal(String reason, String message) {
            normal.add(reason + ": " + message);
        }

        @Override
        public void warning(String reason, String message) {
            warnings.add(reason + ": " + message);
        }
    }
}
