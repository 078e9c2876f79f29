package io.webplatform.operator.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The histogram {@code webplatform_reconcile_duration_seconds{kind, action, outcome}}: how long one
 * reconcile or cleanup pass takes, AWS calls included. Buckets (not just a summary) so percentiles
 * can be aggregated across replicas and resources: histogram_quantile(0.95, ...).
 */
@Singleton
public class ReconcileTimer {
    public static final String METRIC = "webplatform.reconcile.duration";

    private final MeterRegistry registry;

    public ReconcileTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Runs one pass of {@code kind} ("WebPlatform") and {@code action} ("reconcile" or "cleanup"), timing it. */
    public <T> T time(String kind, String action, Supplier<T> pass) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "error";
        try {
            T result = pass.get();
            outcome = "success";
            return result;
        } finally {
            sample.stop(Timer.builder(METRIC)
                    .description("Duration of one reconcile or cleanup pass, AWS calls included")
                    .tags("kind", kind, "action", action, "outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(5))
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry));
        }
    }
}
