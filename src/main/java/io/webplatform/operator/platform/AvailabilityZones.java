package io.webplatform.operator.platform;

import io.webplatform.operator.aws.AwsClients;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.ec2.model.AvailabilityZoneState;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The available zones of each region, asked once per region: they do not change under a running operator. */
@Singleton
public class AvailabilityZones {
    private final AwsClients clients;
    private final Map<String, List<String>> byRegion = new ConcurrentHashMap<>();

    @Inject
    public AvailabilityZones(AwsClients clients) {
        this.clients = clients;
    }

    public List<String> of(String region) {
        return byRegion.computeIfAbsent(region, r -> clients.ec2(r).describeAvailabilityZones(q -> q.allAvailabilityZones(false))
                .availabilityZones().stream()
                .filter(z -> z.state() == AvailabilityZoneState.AVAILABLE && (z.zoneType() == null || "availability-zone".equals(z.zoneType())))
                .map(z -> z.zoneName()).sorted().toList());
    }
}
