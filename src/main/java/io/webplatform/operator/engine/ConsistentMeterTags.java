package io.webplatform.operator.engine;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's event counter sometimes carries an "action" tag and sometimes not; Prometheus refuses a
 * meter name with two sets of tag keys, and the refusal surfaces in the reconciler threads. Giving
 * every such meter the tag (with "none") keeps one shape. See java-operator-sdk issue #3038.
 */
public class ConsistentMeterTags {

    @Produces
    @Singleton
    MeterFilter actionTagOnEvents() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("events.received") && id.getTag("action") == null) {
                    return id.withTag(Tag.of("action", "none"));
                }
                return id;
            }
        };
    }
}
