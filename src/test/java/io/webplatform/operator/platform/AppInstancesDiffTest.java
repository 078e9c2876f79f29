package io.webplatform.operator.platform;

import io.webplatform.operator.engine.Change;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.VolumeType;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app instances' diff, on values built by hand: in-place repairs, registration, replacement of a
 * lost or outdated instance one zone at a time, retirement after draining, and strangers in the target group.
 */
class AppInstancesDiffTest {
    static final String CONFIG = "cfg-new";
    static final String OLD_CONFIG = "cfg-old";
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final AppInstances instances = new AppInstances(null, null, null);

    static AppInstances.Desired desired() {
        return new AppInstances.Desired(CONFIG, "ami-1", "t3.micro", "sg-app", "arn:aws:iam::123456789012:instance-profile/app",
                AppInstances.MetadataOptions.IMDS_V2_ONLY, new AppInstances.RootVolume("/dev/xvda", VolumeType.GP3, 8, true, null, true), true,
                "#!/bin/bash", List.of(new AppInstances.Slot("app-0", "subnet-0", Map.of(), Map.of()),
                new AppInstances.Slot("app-1", "subnet-1", Map.of(), Map.of())), "arn:tg", 80);
    }

    static Instance instance(String id, String role, String config, InstanceStateName state, int minutesAgo) {
        return Instance.builder().instanceId(id).state(s -> s.name(state)).launchTime(NOW.minusSeconds(60L * minutesAgo))
                .placement(p -> p.availabilityZone(role.equals("app-0") ? "eu-west-3a" : "eu-west-3b"))
                .securityGroups(g -> g.groupId("sg-app"))
                .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED).httpPutResponseHopLimit(1).httpEndpoint(InstanceMetadataEndpointState.ENABLED))
                .tags(Tag.builder().key(PlatformScope.ROLE_TAG).value(role).build(), Tag.builder().key(AppInstances.CONFIG_TAG).value(config).build())
                .build();
    }

    static Instance running(String id, String role) {
        return instance(id, role, CONFIG, InstanceStateName.RUNNING, 10);
    }

    static TargetHealthDescription target(String id, int port, TargetHealthStateEnum health) {
        return TargetHealthDescription.builder().target(t -> t.id(id).port(port)).targetHealth(h -> h.state(health)).build();
    }

    static TargetHealthDescription healthy(String id) {
        return target(id, 80, TargetHealthStateEnum.HEALTHY);
    }

    /** What observe would find: live instances by role (newest first), the newest of any state, targets by id. */
    static AppInstances.State state(List<Instance> found, List<TargetHealthDescription> targets) {
        Set<InstanceStateName> live = Set.of(InstanceStateName.PENDING, InstanceStateName.RUNNING, InstanceStateName.STOPPING, InstanceStateName.STOPPED);
        Map<String, List<Instance>> byRole = new LinkedHashMap<>();
        Map<String, Instance> newestEver = new LinkedHashMap<>();
        found.stream().sorted(Comparator.comparing(Instance::launchTime).reversed()).forEach(i -> {
            String role = PlatformScope.tag(i.tags(), PlatformScope.ROLE_TAG);
            newestEver.putIfAbsent(role, i);
            if (live.contains(i.state().name())) {
                byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(i);
            }
        });
        Map<String, TargetHealthDescription> byId = new LinkedHashMap<>();
        targets.forEach(t -> byId.put(t.target().id(), t));
        return new AppInstances.State(byRole, newestEver, byId, Map.of());
    }

    private List<Change> diff(List<Instance> found, List<TargetHealthDescription> targets) {
        return instances.diff(state(found, targets), desired());
    }

    private List<String> summaries(List<Instance> found, List<TargetHealthDescription> targets) {
        return diff(found, targets).stream().map(Change::summary).toList();
    }

    @Test
    void twoCurrentHealthyInstancesNeedNothing() {
        assertThat(diff(List.of(running("i-a", "app-0"), running("i-b", "app-1")), List.of(healthy("i-a"), healthy("i-b")))).isEmpty();
    }

    @Test
    void loosenedMetadataIsSetBackToImdsV2Only() {
        Instance loosened = running("i-a", "app-0").toBuilder()
                .metadataOptions(m -> m.httpTokens(HttpTokensState.OPTIONAL).httpPutResponseHopLimit(2).httpEndpoint(InstanceMetadataEndpointState.ENABLED))
                .build();
        assertThat(diff(List.of(loosened, running("i-b", "app-1")), List.of(healthy("i-a"), healthy("i-b")))).containsExactly(
                Change.described("app-0 i-a metadata options", "tokens optional, hop limit 2, endpoint enabled",
                        "tokens required, hop limit 1, endpoint enabled",
                        "i-a: instance metadata set back to IMDSv2 only (tokens required, hop limit 1)"));
        Instance endpointOff = running("i-a", "app-0").toBuilder()
                .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED).httpPutResponseHopLimit(1).httpEndpoint(InstanceMetadataEndpointState.DISABLED))
                .build();
        assertThat(diff(List.of(endpointOff, running("i-b", "app-1")), List.of(healthy("i-a"), healthy("i-b")))).hasSize(1);
    }

    @Test
    void anAddedSecurityGroupIsTakenAwayFromARunningInstance() {
        Instance widened = running("i-b", "app-1").toBuilder().securityGroups(g -> g.groupId("sg-app"), g -> g.groupId("sg-open")).build();
        assertThat(diff(List.of(running("i-a", "app-0"), widened), List.of(healthy("i-a"), healthy("i-b")))).containsExactly(
                Change.described("app-1 i-b security groups", List.of("sg-app", "sg-open"), List.of("sg-app"),
                        "i-b: security groups [sg-app, sg-open] set back to [sg-app]"));
        // A pending instance is left alone: its groups may not be reported yet.
        Instance pending = instance("i-b", "app-1", CONFIG, InstanceStateName.PENDING, 1).toBuilder().securityGroups(List.of()).build();
        assertThat(diff(List.of(running("i-a", "app-0"), pending), List.of(healthy("i-a")))).isEmpty();
    }

    @Test
    void aRunningInstanceNotRegisteredOnTheAppPortIsRegistered() {
        assertThat(diff(List.of(running("i-a", "app-0"), running("i-b", "app-1")), List.of(healthy("i-a")))).containsExactly(
                Change.described("app-1 i-b target", Change.ABSENT, "port 80", "app-1: i-b registered in the target group on port 80"));
        assertThat(diff(List.of(running("i-a", "app-0"), running("i-b", "app-1")), List.of(healthy("i-a"), target("i-b", 8080,
                TargetHealthStateEnum.HEALTHY)))).contains(
                Change.described("app-1 i-b target", "port 8080", "port 80", "app-1: i-b registered in the target group on port 80"));
    }

    @Test
    void aLostInstanceIsReplacedInItsRole() {
        Instance lost = instance("i-a", "app-0", CONFIG, InstanceStateName.TERMINATED, 10);
        assertThat(diff(List.of(lost, running("i-b", "app-1")), List.of(healthy("i-b")))).containsExactly(
                Change.missing("app-0 instance", "instance", "app-0: launched a new instance to replace i-a"));
        // AWS forgot it: nothing to name.
        assertThat(summaries(List.of(running("i-b", "app-1")), List.of(healthy("i-b")))).containsExactly("app-0: launched a new instance");
    }

    @Test
    void aNewConfigurationRollsOneZoneAtATime() {
        Instance oldA = instance("i-a", "app-0", OLD_CONFIG, InstanceStateName.RUNNING, 60);
        Instance oldB = instance("i-b", "app-1", OLD_CONFIG, InstanceStateName.RUNNING, 60);
        List<TargetHealthDescription> bothServe = List.of(healthy("i-a"), healthy("i-b"));
        assertThat(summaries(List.of(oldA, oldB), bothServe)).containsExactly("app-0: launched a new instance to replace i-a");

        // app-0's replacement does not serve yet: the old one keeps serving, app-1 waits.
        Instance newA = running("i-c", "app-0");
        assertThat(diff(List.of(oldA, oldB, newA), List.of(healthy("i-a"), healthy("i-b"), target("i-c", 80, TargetHealthStateEnum.INITIAL))))
                .isEmpty();

        // It serves: the old one is deregistered to drain; app-1 still waits for the retirement.
        assertThat(diff(List.of(oldA, oldB, newA), List.of(healthy("i-a"), healthy("i-b"), healthy("i-c")))).containsExactly(
                Change.described("app-0 i-a retirement", "registered", "draining", "app-0: i-a deregistered, draining before it is terminated"));

        // While it drains nothing is done; once let go it is terminated.
        assertThat(diff(List.of(oldA, oldB, newA), List.of(target("i-a", 80, TargetHealthStateEnum.DRAINING), healthy("i-b"), healthy("i-c"))))
                .isEmpty();
        assertThat(diff(List.of(oldA, oldB, newA), List.of(healthy("i-b"), healthy("i-c")))).containsExactly(
                Change.unwanted("app-0 i-a retirement", "running", "app-0: i-a (running) terminated"));

        // app-0 done: app-1's turn.
        assertThat(summaries(List.of(oldB, newA), List.of(healthy("i-b"), healthy("i-c"))))
                .containsExactly("app-1: launched a new instance to replace i-b");
    }

    @Test
    void aStoppedInstanceIsTerminatedAtOnceItNeverServesAgain() {
        Instance stopped = instance("i-a", "app-0", CONFIG, InstanceStateName.STOPPED, 60);
        Instance replacement = instance("i-c", "app-0", CONFIG, InstanceStateName.PENDING, 1);
        assertThat(diff(List.of(stopped, replacement, running("i-b", "app-1")), List.of(target("i-a", 80, TargetHealthStateEnum.UNUSED),
                healthy("i-b")))).containsExactly(
                Change.unwanted("app-0 i-a retirement", "stopped", "app-0: i-a (stopped) deregistered and terminated"));
    }

    @Test
    void aTargetThatIsNoInstanceOfOursIsDeregistered() {
        assertThat(diff(List.of(running("i-a", "app-0"), running("i-b", "app-1")), List.of(healthy("i-a"), healthy("i-b"), healthy("i-stranger"))))
                .containsExactly(Change.unwanted("target i-stranger", "port 80", "deregistered i-stranger: not a live instance of this WebPlatform"));
        assertThat(diff(List.of(running("i-a", "app-0"), running("i-b", "app-1")), List.of(healthy("i-a"), healthy("i-b"),
                target("i-gone", 80, TargetHealthStateEnum.DRAINING)))).isEmpty();
    }
}
