package io.webplatform.operator.platform;

import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.engine.RepairingComponent;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.VolumeType;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two app instances, one per private subnet (app-0 in the first zone, app-1 in the second), and
 * their membership of the target group.
 *
 * <p>Each instance carries a tag with a hash of what it was launched with (image choice, type, user
 * data, volume). An instance that is stopped or terminated, or whose hash is not the spec's, is
 * replaced: the new one is launched in the same subnet, registered, and only once the target group
 * reports it healthy is the old one deregistered (connection draining) and then terminated. A
 * healthy instance is only replaced while every other zone serves, so a rolling change replaces one
 * instance at a time and the target group never empties.
 */
public class AppInstances extends RepairingComponent<PlatformScope> {
    public static final String NAME = "AppInstances";
    static final String CONFIG_TAG = "webplatform.io/config";
    static final List<String> ROLES = List.of("app-0", "app-1");
    private static final Set<InstanceStateName> LIVE = Set.of(InstanceStateName.PENDING, InstanceStateName.RUNNING,
            InstanceStateName.STOPPING, InstanceStateName.STOPPED);

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

    private final InstanceTypes instanceTypes;
    private final AppImages images;
    private final VolumeKey volumeKey;

    public AppInstances(InstanceTypes instanceTypes, AppImages images, VolumeKey volumeKey) {
        this.instanceTypes = instanceTypes;
        this.images = images;
        this.volumeKey = volumeKey;
    }

    /** What this pass found: the instances of each role (newest first), the last one of any state, and target health. */
    public static final class State {
        public final Map<String, List<Instance>> byRole = new LinkedHashMap<>();
        final Map<String, Instance> newestEver = new LinkedHashMap<>();
        /** Target health by instance id, for the targets registered in the target group. */
        public final Map<String, TargetHealthDescription> targets = new LinkedHashMap<>();
        /** The configuration hash instances should carry; null while deleting (any serving instance is current then). */
        String config;

        /** The instance launched with the current configuration and still able to serve, or null. */
        public Instance current(String role) {
            return byRole.getOrDefault(role, List.of()).stream()
                    .filter(i -> (config == null || config.equals(PlatformScope.tag(i.tags(), CONFIG_TAG))) && serving(i))
                    .findFirst().orElse(null);
        }

        /** The role is part-way through a replacement: its new instance does not serve yet, or an old one is still there. */
        boolean replacing(String role) {
            Instance current = current(role);
            return current != null && (!healthy(current) || !replaced(role).isEmpty());
        }

        boolean healthy(Instance instance) {
            TargetHealthDescription t = targets.get(instance.instanceId());
            return t != null && t.targetHealth().state() == TargetHealthStateEnum.HEALTHY;
        }

        /** Instances of the role other than the current one: outdated, stopped, or duplicates. */
        List<Instance> replaced(String role) {
            Instance current = current(role);
            return byRole.getOrDefault(role, List.of()).stream().filter(i -> i != current).toList();
        }

        /** The role serves through the load balancer: some instance of it is a healthy target. */
        boolean serves(String role) {
            return byRole.getOrDefault(role, List.of()).stream().anyMatch(this::healthy);
        }
    }

    @Override
    public String name() {
        return NAME;
    }


    /** What RunInstances would refuse only after the network and the database are made: type, zones, image, volume key. */
    @Override
    public void preflight(PlatformScope scope) {
        instanceTypes.requireOffered(scope);
        images.resolve(scope);
        volumeKey.requireUsable(scope);
    }

    @Override
    public Observed<Object> observe(PlatformScope scope) {
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        State state = new State();
        state.config = deleting ? null : config(scope);
        List<Filter> filters = new ArrayList<>(scope.ownedBy(NAME));
        List<Instance> all = scope.ec2().describeInstancesPaginator(r -> r.filters(filters)).reservations().stream()
                .flatMap(r -> r.instances().stream()).filter(i -> scope.owns(i.tags(), NAME))
                .sorted(Comparator.comparing(Instance::launchTime, Comparator.nullsLast(Comparator.naturalOrder())).reversed())
                .toList();
        for (Instance instance : all) {
            String role = PlatformScope.tag(instance.tags(), PlatformScope.ROLE_TAG);
            state.newestEver.putIfAbsent(role, instance);
            // While deleting, an instance shutting down still holds its network interface in the subnet.
            if (LIVE.contains(instance.state().name()) || deleting && instance.state().name() == InstanceStateName.SHUTTING_DOWN) {
                state.byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(instance);
            }
        }
        if (scope.observed(TargetGroup.NAME) != null) {
            scope.elbv2().describeTargetHealth(r -> r.targetGroupArn(TargetGroup.arn(scope))).targetHealthDescriptions()
                    .forEach(t -> state.targets.put(t.target().id(), t));
        }
        if (state.byRole.isEmpty()) {
            return null;
        }
        List<String> waiting = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String role : ROLES) {
            Instance current = state.current(role);
            if (current == null) {
                waiting.add(role + " being replaced");
                continue;
            }
            ids.add(current.instanceId());
            if (current.state().name() != InstanceStateName.RUNNING) {
                waiting.add(current.instanceId() + " " + current.state().nameAsString());
            } else if (!state.healthy(current)) {
                TargetHealthDescription t = state.targets.get(current.instanceId());
                waiting.add("target " + current.instanceId() + " " + (t == null ? "not registered" : t.targetHealth().stateAsString()));
            }
            state.replaced(role).forEach(old -> waiting.add(old.instanceId() + " to be retired"));
        }
        String id = String.join(",", ids);
        return waiting.isEmpty() ? Observed.ready(id, state) : Observed.pending(id, String.join(", ", waiting), state);
    }

    @Override
    public void create(PlatformScope scope) {
        String first = "first-" + HOUR.format(Instant.now());
        for (int i = 0; i < ROLES.size(); i++) {
            launch(scope, i, first);
        }
    }

    @Override
    public List<String> repair(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        List<String> changes = new ArrayList<>();
        int port = scope.spec().app.port;
        // Rolling: a serving instance is only replaced while the other zones serve and no replacement is under way.
        boolean replacementUnderWay = ROLES.stream().anyMatch(state::replacing);
        for (int index = 0; index < ROLES.size(); index++) {
            String role = ROLES.get(index);
            Instance instance = state.current(role);
            if (instance == null) {
                boolean servesNow = state.serves(role);
                boolean othersServe = ROLES.stream().filter(r -> !r.equals(role)).allMatch(state::serves);
                if (servesNow && (replacementUnderWay || !othersServe)) {
                    continue;
                }
                replacementUnderWay |= servesNow;
                Instance predecessor = state.newestEver.get(role);
                // Without a visible predecessor (AWS forgets terminated instances after about an hour) the hour keeps the token fresh.
                String launched = launch(scope, index, predecessor == null ? "first-" + HOUR.format(Instant.now()) : predecessor.instanceId());
                changes.add(role + ": launched " + launched + (predecessor == null ? "" : " to replace " + predecessor.instanceId()));
                continue;
            }
            changes.addAll(repairInstance(scope, instance));
            TargetHealthDescription target = state.targets.get(instance.instanceId());
            boolean registered = target != null && Integer.valueOf(port).equals(target.target().port());
            if (instance.state().name() == InstanceStateName.RUNNING && !registered) {
                scope.elbv2().registerTargets(r -> r.targetGroupArn(TargetGroup.arn(scope))
                        .targets(TargetDescription.builder().id(instance.instanceId()).port(port).build()));
                changes.add(role + ": " + instance.instanceId() + " registered in the target group on port " + port);
            }
            boolean newOneServes = state.healthy(instance);
            for (Instance old : state.replaced(role)) {
                boolean dead = !serving(old);
                if (!newOneServes && !dead) {
                    continue; // the old one keeps serving until its replacement does
                }
                changes.addAll(retire(scope, state, role, old));
            }
        }
        // Targets that are no live instance of this WebPlatform (registered by hand, or terminated).
        for (TargetHealthDescription t : state.targets.values()) {
            boolean ours = state.byRole.values().stream().flatMap(List::stream).anyMatch(i -> i.instanceId().equals(t.target().id()));
            boolean draining = t.targetHealth().state() == TargetHealthStateEnum.DRAINING;
            if (!ours && !draining) {
                deregister(scope, t.target());
                changes.add("deregistered " + t.target().id() + ": not a live instance of this WebPlatform");
            }
        }
        return changes;
    }

    /** Deregisters first (connection draining), terminates once the target group has let it go. */
    private static List<String> retire(PlatformScope scope, State state, String role, Instance old) {
        TargetHealthDescription target = state.targets.get(old.instanceId());
        if (target != null && target.targetHealth().state() == TargetHealthStateEnum.DRAINING) {
            return List.of();
        }
        if (target != null && target.targetHealth().state() != TargetHealthStateEnum.UNUSED && serving(old)) {
            deregister(scope, target.target());
            return List.of(role + ": " + old.instanceId() + " deregistered, draining before it is terminated");
        }
        if (target != null) {
            deregister(scope, target.target());
        }
        scope.ec2().terminateInstances(r -> r.instanceIds(old.instanceId()));
        return List.of(role + ": " + old.instanceId() + " (" + old.state().nameAsString() + ")" + (target != null ? " deregistered and" : "")
                + " terminated");
    }

    private static void deregister(PlatformScope scope, TargetDescription target) {
        scope.elbv2().deregisterTargets(r -> r.targetGroupArn(TargetGroup.arn(scope)).targets(target));
    }

    /** In-place settings: IMDSv2 only, one hop; only the app security group. */
    private static List<String> repairInstance(PlatformScope scope, Instance instance) {
        List<String> changes = new ArrayList<>();
        var metadata = instance.metadataOptions();
        if (metadata != null && (metadata.httpTokens() != HttpTokensState.REQUIRED || !Integer.valueOf(1).equals(metadata.httpPutResponseHopLimit())
                || metadata.httpEndpoint() == InstanceMetadataEndpointState.DISABLED)) {
            scope.ec2().modifyInstanceMetadataOptions(r -> r.instanceId(instance.instanceId()).httpTokens(HttpTokensState.REQUIRED)
                    .httpPutResponseHopLimit(1).httpEndpoint(InstanceMetadataEndpointState.ENABLED));
            changes.add(instance.instanceId() + ": instance metadata set back to IMDSv2 only (tokens required, hop limit 1)");
        }
        String appGroup = SecurityGroups.groupId(scope, "app");
        List<String> groups = instance.securityGroups().stream().map(GroupIdentifier::groupId).toList();
        if (instance.state().name() == InstanceStateName.RUNNING && !groups.equals(List.of(appGroup))) {
            scope.ec2().modifyInstanceAttribute(r -> r.instanceId(instance.instanceId()).groups(appGroup));
            changes.add(instance.instanceId() + ": security groups " + groups + " set back to [" + appGroup + "]");
        }
        return changes;
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<Object> current) {
        State state = current.detail(State.class);
        List<String> ids = state.byRole.values().stream().flatMap(List::stream)
                .filter(i -> i.state().name() != InstanceStateName.SHUTTING_DOWN).map(Instance::instanceId).toList();
        // Gone once no instance is left, shutting-down ones included: until then they hold the subnets.
        if (!ids.isEmpty()) {
            scope.ec2().terminateInstances(r -> r.instanceIds(ids));
        }
        return false;
    }

    /** Launches the role's instance; the client token names the instance it replaces, so a retry never launches twice. */
    private String launch(PlatformScope scope, int index, String replaces) {
        String role = ROLES.get(index);
        String config = config(scope);
        Image image = images.resolve(scope);
        var app = scope.spec().app;
        String userData = Base64.getEncoder().encodeToString(userData(scope).getBytes(StandardCharsets.UTF_8));
        try {
            return scope.ec2().runInstances(r -> r
                    .imageId(image.imageId())
                    .instanceType(app.instanceType)
                    .minCount(1)
                    .maxCount(1)
                    .subnetId(Subnets.subnetId(scope, "private-" + index))
                    .securityGroupIds(SecurityGroups.groupId(scope, "app"))
                    .iamInstanceProfile(p -> p.arn(scope.idOf(InstanceProfile.NAME)))
                    .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED).httpPutResponseHopLimit(1)
                            .httpEndpoint(InstanceMetadataEndpointState.ENABLED))
                    .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(rootDevice(image)).ebs(e -> e
                            .volumeType(VolumeType.GP3).volumeSize(app.rootVolumeGiB).encrypted(true).deleteOnTermination(true)
                            .kmsKeyId(app.volumeKmsKeyId)).build())
                    // One-minute metrics: the CPU alarm judges 2 of 3 one-minute datapoints.
                    .monitoring(m -> m.enabled(true))
                    .userData(userData)
                    .clientToken(scope.clientToken(NAME, role, config, replaces))
                    .tagSpecifications(withConfig(scope.tagSpec(ResourceType.INSTANCE, NAME, role), config),
                            scope.tagSpec(ResourceType.VOLUME, NAME, role))).instances().get(0).instanceId();
        } catch (RuntimeException e) {
            // A new instance profile takes a few seconds to reach EC2.
            throw Propagation.INSTANCE_PROFILE.judge(e, "instance profile " + InstanceRole.roleName(scope), InstanceProfile.madeAt(scope),
                    scope.clock());
        }
    }

    private static String rootDevice(Image image) {
        return image.rootDeviceName() == null ? "/dev/xvda" : image.rootDeviceName();
    }

    private static TagSpecification withConfig(TagSpecification spec, String config) {
        List<Tag> tags = new ArrayList<>(spec.tags());
        tags.add(Tag.builder().key(CONFIG_TAG).value(config).build());
        return spec.toBuilder().tags(tags).build();
    }

    static String userData(PlatformScope scope) {
        var db = Database.of(scope);
        var spec = scope.spec();
        return AppUserData.render(spec.app.userData, spec.app.port, new AppUserData.DbSettings(db.endpoint().address(), db.endpoint().port(),
                spec.database.databaseName, spec.database.masterUsername,
                db.masterUserSecret() == null ? "" : db.masterUserSecret().secretArn(), scope.region()));
    }

    /**
     * What an instance is launched with, hashed: the pinned AMI (or "Amazon Linux 2023", so a newer
     * release does not replace running instances), type, app port, volume and user data. A change rolls
     * the instances; so each instance is registered on exactly one port.
     */
    static String config(PlatformScope scope) {
        var app = scope.spec().app;
        return ResourceNames.shortHash(String.join("\n", app.amiId == null ? "al2023" : app.amiId, app.instanceType, String.valueOf(app.port),
                String.valueOf(app.rootVolumeGiB), String.valueOf(app.volumeKmsKeyId), userData(scope)));
    }

    static boolean serving(Instance instance) {
        return instance.state().name() == InstanceStateName.PENDING || instance.state().name() == InstanceStateName.RUNNING;
    }

    /** Instance id by availability zone, for status. */
    public static Map<String, String> idsByZone(PlatformScope scope) {
        var observed = scope.observed(NAME);
        if (observed == null) {
            return null;
        }
        State state = observed.detail(State.class);
        Map<String, String> byZone = new LinkedHashMap<>();
        for (String role : ROLES) {
            Instance instance = state.current(role);
            if (instance != null) {
                byZone.put(instance.placement().availabilityZone(), instance.instanceId());
            }
        }
        return byZone;
    }
}
