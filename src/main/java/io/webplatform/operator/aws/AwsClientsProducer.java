package io.webplatform.operator.aws;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the operator's {@link AwsClients} from configuration; extra interceptor beans (a test's fault seam) join in. */
public class AwsClientsProducer {

    @Produces
    @Singleton
    AwsClients awsClients(@ConfigProperty(name = "webplatform.aws.region") String region,
                          @ConfigProperty(name = "webplatform.aws.endpoint") Optional<String> endpoint,
                          @ConfigProperty(name = "webplatform.quotas.assumed-limits") Optional<String> assumedQuotaLimits,
                          MeterRegistry registry,
                          @Any Instance<ExecutionInterceptor> extra) {
        List<ExecutionInterceptor> interceptors = new ArrayList<>();
        // Extra interceptors first, so a simulated failure is counted like a real one.
        extra.forEach(interceptors::add);
        interceptors.add(new ApiCallMetrics(registry));
        return new AwsClients(region, endpoint.filter(e -> !e.isBlank()).map(URI::create), interceptors, assumedQuotaLimits.orElse(""));
    }

    void close(@Disposes AwsClients clients) {
        clients.close();
    }

    @Produces
    @Singleton
    AccountIds accountIds(AwsClients clients) {
        return new AccountIds(clients);
    }
}
