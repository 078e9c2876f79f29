package io.webplatform.operator.platform;

import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.aws.Propagation;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.engine.Change;
import io.webplatform.operator.engine.Component;
import io.webplatform.operator.engine.Observed;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataEndpointState;
import software.amazon.awssdk.services.ec2.model.InstanceMetadataOptionsResponse;
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
import java.util.Optional;
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
public class AppInstances implements Component<PlatformScope, AppInstances.Desired, AppInstances.State> {
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

    /** IMDSv2 only, one hop: what every instance is launched with and kept at. */
    public record MetadataOptions(HttpTokensState tokens, int hopLimit, InstanceMetadataEndpointState endpoint) {
        static final MetadataOptions IMDS_V2_ONLY = new MetadataOptions(HttpTokensState.REQUIRED, 1, InstanceMetadataEndpointState.ENABLED);

        /** Looser than wanted: tokens not required, more hops, or the endpoint turned off (an endpoint not reported counts as on). */
        boolean loosenedIn(InstanceMetadataOptionsResponse actual) {
            return actual.httpTokens() != tokens || !Integer.valueOf(hopLimit).equals(actual.httpPutResponseHopLimit())
                    || endpoint == InstanceMetadataEndpointState.ENABLED && actual.httpEndpoint() == InstanceMetadataEndpointState.DISABLED;
        }

        static String describe(InstanceMetadataOptionsResponse actual) {
            return "tokens " + actual.httpTokensAsString() + ", hop limit " + actual.httpPutResponseHopLimit() + ", endpoint "
                    + actual.httpEndpointAsString();
        }

        @Override
        public String toString() {
            return "tokens " + tokens + ", hop limit " + hopLimit + ", endpoint " + endpoint;
        }
    }

    /** The root volume: gp3, encrypted (with the spec's key, or EBS's default one when null), gone with the instance. */
    public record RootVolume(String deviceName, VolumeType type, int sizeGiB, boolean encrypted, String kmsKeyId, boolean deleteOnTermination) {
    }

    /** Where one role's instance goes and what it is tagged with (the instance's tags carry the configuration hash). */
    public record Slot(String role, String subnetId, Map<String, String> instanceTags, Map<String, String> volumeTags) {
    }

    /**
     * What RunInstances sends for each role, the configuration hash instances must carry, and the port
     * they are registered on in the target group.
     */
    public record Desired(String config, String imageId, String instanceType, String securityGroupId, String instanceProfileArn,
                          MetadataOptions metadata, RootVolume rootVolume, boolean detailedMonitoring, String userData, List<Slot> slots,
                          String targetGroupArn, int appPort) {
    }

    /**
     * What this pass found: the live instances of each role (newest first), the last one of any state,
     * the target group's targets by instance id, and each role's current instance by zone as observe
     * judged them (for status and alarms).
     */
    public record State(Map<String, List<Instance>> byRole, Map<String, Instance> newestEver, Map<String, TargetHealthDescription> targets,
                        Map<String, String> currentByZone) {

        /**
         * The instance launched with {@code config} and still able to serve, or null. With a null config
         * (while deleting) any serving instance is current.
         */
        public Instance current(String role, String config) {
            return byRole.getOrDefault(role, List.of()).stream()
                    .filter(i -> (config == null || config.equals(PlatformScope.tag(i.tags(), CONFIG_TAG))) && serving(i))
                    .findFirst().orElse(null);
        }

        /** The role is part-way through a replacement: its new instance does not serve yet, or an old one is still there. */
        boolean replacing(String role, String config) {
            Instance current = current(role, config);
            return current != null && (!healthy(current) || !replaced(role, config).isEmpty());
        }

        boolean healthy(Instance instance) {
            TargetHealthDescription t = targets.get(instance.instanceId());
            return t != null && t.targetHealth().state() == TargetHealthStateEnum.HEALTHY;
        }

        /** Instances of the role other than the current one: outdated, stopped, or duplicates. */
        List<Instance> replaced(String role, String config) {
            Instance current = current(role, config);
            return byRole.getOrDefault(role, List.of()).stream().filter(i -> i != current).toList();
        }

        /** The role serves through the load balancer: some instance of it is a healthy target. */
        boolean serves(String role) {
            return byRole.getOrDefault(role, List.of()).stream().anyMatch(this::healthy);
        }

        boolean live(String instanceId) {
            return byRole.values().stream().flatMap(List::stream).anyMatch(i -> i.instanceId().equals(instanceId));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * What RunInstances would refuse only after the network and the database are made: type, zones, image,
     * volume key. The image found here is kept on the scope for {@link #desired}: finding it is a read.
     */
    @Override
    public void preflight(PlatformScope scope) {
        instanceTypes.requireOffered(scope);
        scope.appImage(images.resolve(scope));
        volumeKey.requireUsable(scope);
    }

    @Override
    public Desired desired(PlatformScope scope) {
        Image image = scope.appImage();
        if (image == null) {
            throw new IllegalStateException("the app image is found by AppInstances' preflight, which has not run in this pass");
        }
        var app = scope.spec().app;
        String userData = userData(scope);
        String config = config(scope, userData);
        List<Slot> slots = new ArrayList<>();
        for (int index = 0; index < ROLES.size(); index++) {
            String role = ROLES.get(index);
            Map<String, String> instanceTags = tags(scope.tagSpec(ResourceType.INSTANCE, NAME, role));
            instanceTags.put(CONFIG_TAG, config);
            slots.add(new Slot(role, Subnets.subnetId(scope, "private-" + index), instanceTags, tags(scope.tagSpec(ResourceType.VOLUME, NAME, role))));
        }
        return new Desired(config, image.imageId(), app.instanceType, SecurityGroups.groupId(scope, "app"), scope.idOf(InstanceProfile.NAME),
                MetadataOptions.IMDS_V2_ONLY, new RootVolume(rootDevice(image), VolumeType.GP3, app.rootVolumeGiB, true, app.volumeKmsKeyId, true),
                // One-minute metrics: the CPU alarm judges 2 of 3 one-minute datapoints.
                true, userData, slots, TargetGroup.arn(scope), app.port);
    }

    private static Map<String, String> tags(TagSpecification spec) {
        Map<String, String> tags = new LinkedHashMap<>();
        spec.tags().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    /**
     * One instance per zone, as RunInstances launches it, and the targets it registers, which
     * CloudFormation keeps on the target group. CloudFormation tags an instance's volumes with the
     * instance's own tags only, so the plan does not show the volume tags RunInstances sends.
     */
    @Override
    public List<CfnResource> cloudFormation(Desired desired) {
        List<CfnResource> resources = new ArrayList<>();
        List<Map<String, Object>> targets = new ArrayList<>();
        RootVolume volume = desired.rootVolume();
        for (Slot slot : desired.slots()) {
            String id = CfnResource.logicalId(NAME, slot.role());
            Map<String, Object> ebs = new LinkedHashMap<>();
            ebs.put("VolumeType", volume.type().toString());
            ebs.put("VolumeSize", volume.sizeGiB());
            ebs.put("Encrypted", volume.encrypted());
            ebs.put("DeleteOnTermination", volume.deleteOnTermination());
            if (volume.kmsKeyId() != null) {
                ebs.put("KmsKeyId", volume.kmsKeyId());
            }
            Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("ImageId", desired.imageId());
            instance.put("InstanceType", desired.instanceType());
            instance.put("SubnetId", slot.subnetId());
            instance.put("SecurityGroupIds", List.of(desired.securityGroupId()));
            instance.put("IamInstanceProfile", profileName(desired.instanceProfileArn()));
            instance.put("MetadataOptions", Map.of("HttpTokens", desired.metadata().tokens().toString(),
                    "HttpPutResponseHopLimit", desired.metadata().hopLimit(), "HttpEndpoint", desired.metadata().endpoint().toString()));
            instance.put("BlockDeviceMappings", List.of(Map.of("DeviceName", volume.deviceName(), "Ebs", ebs)));
            instance.put("Monitoring", desired.detailedMonitoring());
            instance.put("UserData", Map.of("Fn::Base64", userDataForPlan(desired.userData())));
            instance.put("Tags", CfnResource.tags(slot.instanceTags()));
            resources.add(CfnResource.of(id, "AWS::EC2::Instance", instance));
            targets.add(Map.of("Id", CfnResource.ref(id), "Port", desired.appPort()));
        }
        resources.add(CfnResource.of(CfnResource.logicalId(TargetGroup.NAME), "AWS::ElasticLoadBalancingV2::TargetGroup", Map.of("Targets", targets)));
        return resources;
    }

    /**
     * The user data as the plan renders it. With the database's endpoint and secret in it (the built-in
     * script) it becomes an Fn::Sub, where a shell's ${VAR} must read ${!VAR} to stay literal; the
     * user's own script has no reference and is written as it is.
     */
    static Object userDataForPlan(String userData) {
        if (!userData.contains("${" + CfnResource.logicalId(Database.NAME) + ".")) {
            return new CfnResource.Literal(userData);
        }
        return java.util.regex.Pattern.compile("\\$\\{(?!" + CfnResource.logicalId(Database.NAME) + "\\.)").matcher(userData)
                .replaceAll("\\$\\{!");
    }

    /** CloudFormation names the profile where RunInstances takes its ARN: Ref of a planned profile, or the ARN's last part. */
    static String profileName(String profileArn) {
        java.util.regex.Matcher planned = java.util.regex.Pattern.compile("^\\$\\{(\\w+)\\.Arn}$").matcher(profileArn);
        return planned.matches() ? CfnResource.ref(planned.group(1)) : profileArn.substring(profileArn.lastIndexOf('/') + 1);
    }

    /** Each zone's instance as a reference (Ref of an instance is its id), running, registered and current. */
    @Override
    public Observed<State> planned(PlatformScope scope, Desired desired) {
        Map<String, List<Instance>> byRole = new LinkedHashMap<>();
        Map<String, Instance> newest = new LinkedHashMap<>();
        Map<String, String> byZone = new LinkedHashMap<>();
        for (int index = 0; index < desired.slots().size(); index++) {
            Slot slot = desired.slots().get(index);
            String zone = scope.plan().zones().get(index);
            Instance instance = Instance.builder().instanceId(CfnResource.ref(CfnResource.logicalId(NAME, slot.role())))
                    .subnetId(slot.subnetId()).placement(p -> p.availabilityZone(zone)).imageId(desired.imageId())
                    .instanceType(desired.instanceType()).state(st -> st.name(InstanceStateName.RUNNING)).build();
            byRole.put(slot.role(), List.of(instance));
            newest.put(slot.role(), instance);
            byZone.put(zone, instance.instanceId());
        }
        return Observed.ready(String.join(",", byZone.values()), new State(byRole, newest, Map.of(), byZone));
    }

    @Override
    public Observed<State> observe(PlatformScope scope) {
        boolean deleting = scope.owner().getMetadata().getDeletionTimestamp() != null;
        // While deleting, any serving instance is current.
        String config = deleting ? null : config(scope, userData(scope));
        List<Filter> filters = new ArrayList<>(scope.ownedBy(NAME));
        List<Instance> all = scope.described(PlatformListings.INSTANCES, Instance.class,
                        () -> scope.ec2().describeInstancesPaginator(r -> r.filters(filters)).reservations().stream()
                                .flatMap(r -> r.instances().stream()).toList()).stream()
                .filter(i -> scope.owns(i.tags(), NAME))
                .sorted(Comparator.comparing(Instance::launchTime, Comparator.nullsLast(Comparator.naturalOrder())).reversed())
                .toList();
        Map<String, List<Instance>> byRole = new LinkedHashMap<>();
        Map<String, Instance> newestEver = new LinkedHashMap<>();
        for (Instance instance : all) {
            String role = PlatformScope.tag(instance.tags(), PlatformScope.ROLE_TAG);
            newestEver.putIfAbsent(role, instance);
            // While deleting, an instance shutting down still holds its network interface in the subnet.
            if (LIVE.contains(instance.state().name()) || deleting && instance.state().name() == InstanceStateName.SHUTTING_DOWN) {
                byRole.computeIfAbsent(role, k -> new ArrayList<>()).add(instance);
            }
        }
        Map<String, TargetHealthDescription> targets = new LinkedHashMap<>();
        if (scope.observed(TargetGroup.NAME) != null) {
            scope.elbv2().describeTargetHealth(r -> r.targetGroupArn(TargetGroup.arn(scope))).targetHealthDescriptions()
                    .forEach(t -> targets.put(t.target().id(), t));
        }
        if (byRole.isEmpty()) {
            return null;
        }
        Map<String, String> currentByZone = new LinkedHashMap<>();
        State state = new State(byRole, newestEver, targets, currentByZone);
        List<String> waiting = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String role : ROLES) {
            Instance current = state.current(role, config);
            if (current == null) {
                waiting.add(role + " being replaced");
                continue;
            }
            ids.add(current.instanceId());
            currentByZone.put(current.placement().availabilityZone(), current.instanceId());
            if (current.state().name() != InstanceStateName.RUNNING) {
                waiting.add(current.instanceId() + " " + current.state().nameAsString());
            } else if (!state.healthy(current)) {
                TargetHealthDescription t = targets.get(current.instanceId());
                waiting.add("target " + current.instanceId() + " " + (t == null ? "not registered" : t.targetHealth().stateAsString()));
            }
            state.replaced(role, config).forEach(old -> waiting.add(old.instanceId() + " to be retired"));
        }
        String id = String.join(",", ids);
        return waiting.isEmpty() ? Observed.ready(id, state) : Observed.pending(id, String.join(", ", waiting), state);
    }

    @Override
    public List<Change> diff(State actual, Desired desired) {
        return steps(actual, desired).stream().map(Step::change).toList();
    }

    @Override
    public void create(PlatformScope scope, Desired desired) {
        String first = "first-" + HOUR.format(Instant.now());
        desired.slots().forEach(slot -> launch(scope, desired, slot, first));
    }

    /** Takes the steps whose changes diff found; the steps are worked out again from the same values, so they are the same. */
    @Override
    public void apply(PlatformScope scope, Observed<State> current, Desired desired, List<Change> changes) {
        for (Step step : steps(current.detail(), desired)) {
            if (changes.contains(step.change())) {
                step.take(scope, desired);
            }
        }
    }

    /** One thing to do to bring the instances and their targets to what is wanted, and the change it makes. */
    sealed interface Step {
        Change change();

        void take(PlatformScope scope, Desired desired);
    }

    /** A role without a current instance gets one, replacing its newest predecessor (null when none is visible). */
    record Launch(Slot slot, String predecessor) implements Step {
        public Change change() {
            return Change.missing(slot.role() + " instance", "instance",
                    slot.role() + ": launched a new instance" + (predecessor == null ? "" : " to replace " + predecessor));
        }

        public void take(PlatformScope scope, Desired desired) {
            // Without a visible predecessor (AWS forgets terminated instances after about an hour) the hour keeps the token fresh.
            launch(scope, desired, slot, predecessor == null ? "first-" + HOUR.format(Instant.now()) : predecessor);
        }
    }

    record RestoreMetadata(String role, Instance instance) implements Step {
        public Change change() {
            return Change.described(role + " " + instance.instanceId() + " metadata options", MetadataOptions.describe(instance.metadataOptions()),
                    MetadataOptions.IMDS_V2_ONLY, instance.instanceId() + ": instance metadata set back to IMDSv2 only (tokens required, hop limit 1)");
        }

        public void take(PlatformScope scope, Desired desired) {
            MetadataOptions wanted = desired.metadata();
            scope.ec2().modifyInstanceMetadataOptions(r -> r.instanceId(instance.instanceId()).httpTokens(wanted.tokens())
                    .httpPutResponseHopLimit(wanted.hopLimit()).httpEndpoint(wanted.endpoint()));
        }
    }

    record RestoreSecurityGroups(String role, String instanceId, List<String> groups, String wanted) implements Step {
        public Change change() {
            return Change.described(role + " " + instanceId + " security groups", groups, List.of(wanted),
                    instanceId + ": security groups " + groups + " set back to [" + wanted + "]");
        }

        public void take(PlatformScope scope, Desired desired) {
            scope.ec2().modifyInstanceAttribute(r -> r.instanceId(instanceId).groups(wanted));
        }
    }

    record Register(String role, String instanceId, Integer registeredPort, int port) implements Step {
        public Change change() {
            return Change.described(role + " " + instanceId + " target", registeredPort == null ? Change.ABSENT : "port " + registeredPort,
                    "port " + port, role + ": " + instanceId + " registered in the target group on port " + port);
        }

        public void take(PlatformScope scope, Desired desired) {
            scope.elbv2().registerTargets(r -> r.targetGroupArn(desired.targetGroupArn())
                    .targets(TargetDescription.builder().id(instanceId).port(port).build()));
        }
    }

    /** An old instance still serving leaves the target group first (connection draining); it is terminated once let go. */
    record Drain(String role, String instanceId, TargetDescription target) implements Step {
        public Change change() {
            return Change.described(role + " " + instanceId + " retirement", "registered", "draining",
                    role + ": " + instanceId + " deregistered, draining before it is terminated");
        }

        public void take(PlatformScope scope, Desired desired) {
            scope.elbv2().deregisterTargets(r -> r.targetGroupArn(desired.targetGroupArn()).targets(target));
        }
    }

    record Terminate(String role, Instance instance, TargetDescription target) implements Step {
        public Change change() {
            return Change.unwanted(role + " " + instance.instanceId() + " retirement", instance.state().nameAsString(),
                    role + ": " + instance.instanceId() + " (" + instance.state().nameAsString() + ")" + (target != null ? " deregistered and" : "")
                            + " terminated");
        }

        public void take(PlatformScope scope, Desired desired) {
            if (target != null) {
                scope.elbv2().deregisterTargets(r -> r.targetGroupArn(desired.targetGroupArn()).targets(target));
            }
            scope.ec2().terminateInstances(r -> r.instanceIds(instance.instanceId()));
        }
    }

    /** A target that is no live instance of this WebPlatform (registered by hand, or terminated). */
    record DeregisterStranger(TargetDescription target) implements Step {
        public Change change() {
            return Change.unwanted("target " + target.id(), "port " + target.port(),
                    "deregistered " + target.id() + ": not a live instance of this WebPlatform");
        }

        public void take(PlatformScope scope, Desired desired) {
            scope.elbv2().deregisterTargets(r -> r.targetGroupArn(desired.targetGroupArn()).targets(target));
        }
    }

    /**
     * What to do, in order: per role, launch a missing instance, repair the current one in place, register
     * it, retire the ones it replaces; then let strangers go. Pure: diff reports these, apply takes them.
     */
    static List<Step> steps(State actual, Desired desired) {
        String config = desired.config();
        List<String> roles = desired.slots().stream().map(Slot::role).toList();
        List<Step> steps = new ArrayList<>();
        // Rolling: a serving instance is only replaced while the other zones serve and no replacement is under way.
        boolean replacementUnderWay = roles.stream().anyMatch(r -> actual.replacing(r, config));
        for (Slot slot : desired.slots()) {
            String role = slot.role();
            Instance instance = actual.current(role, config);
            if (instance == null) {
                boolean servesNow = actual.serves(role);
                boolean othersServe = roles.stream().filter(r -> !r.equals(role)).allMatch(actual::serves);
                if (servesNow && (replacementUnderWay || !othersServe)) {
                    continue;
                }
                replacementUnderWay |= servesNow;
                Instance predecessor = actual.newestEver().get(role);
                steps.add(new Launch(slot, predecessor == null ? null : predecessor.instanceId()));
                continue;
            }
            var metadata = instance.metadataOptions();
            if (metadata != null && desired.metadata().loosenedIn(metadata)) {
                steps.add(new RestoreMetadata(role, instance));
            }
            List<String> groups = instance.securityGroups().stream().map(GroupIdentifier::groupId).toList();
            if (instance.state().name() == InstanceStateName.RUNNING && !groups.equals(List.of(desired.securityGroupId()))) {
                steps.add(new RestoreSecurityGroups(role, instance.instanceId(), groups, desired.securityGroupId()));
            }
            TargetHealthDescription target = actual.targets().get(instance.instanceId());
            Integer registeredPort = target == null ? null : target.target().port();
            if (instance.state().name() == InstanceStateName.RUNNING && !Integer.valueOf(desired.appPort()).equals(registeredPort)) {
                steps.add(new Register(role, instance.instanceId(), registeredPort, desired.appPort()));
            }
            boolean newOneServes = actual.healthy(instance);
            for (Instance old : actual.replaced(role, config)) {
                if (!newOneServes && serving(old)) {
                    continue; // the old one keeps serving until its replacement does
                }
                retirement(role, old, actual.targets().get(old.instanceId())).ifPresent(steps::add);
            }
        }
        for (TargetHealthDescription t : actual.targets().values()) {
            if (!actual.live(t.target().id()) && t.targetHealth().state() != TargetHealthStateEnum.DRAINING) {
                steps.add(new DeregisterStranger(t.target()));
            }
        }
        return steps;
    }

    /** Deregisters first (connection draining), terminates once the target group has let it go; nothing while it drains. */
    private static Optional<Step> retirement(String role, Instance old, TargetHealthDescription target) {
        if (target != null && target.targetHealth().state() == TargetHealthStateEnum.DRAINING) {
            return Optional.empty();
        }
        if (target != null && target.targetHealth().state() != TargetHealthStateEnum.UNUSED && serving(old)) {
            return Optional.of(new Drain(role, old.instanceId(), target.target()));
        }
        return Optional.of(new Terminate(role, old, target == null ? null : target.target()));
    }

    @Override
    public boolean delete(PlatformScope scope, Observed<State> current) {
        List<String> ids = current.detail().byRole().values().stream().flatMap(List::stream)
                .filter(i -> i.state().name() != InstanceStateName.SHUTTING_DOWN).map(Instance::instanceId).toList();
        // Gone once no instance is left, shutting-down ones included: until then they hold the subnets.
        if (!ids.isEmpty()) {
            scope.ec2().terminateInstances(r -> r.instanceIds(ids));
        }
        return false;
    }

    /** Launches the role's instance; the client token names the instance it replaces, so a retry never launches twice. */
    private static void launch(PlatformScope scope, Desired desired, Slot slot, String replaces) {
        RootVolume volume = desired.rootVolume();
        MetadataOptions metadata = desired.metadata();
        String userData = Base64.getEncoder().encodeToString(desired.userData().getBytes(StandardCharsets.UTF_8));
        try {
            scope.ec2().runInstances(r -> r
                    .imageId(desired.imageId())
                    .instanceType(desired.instanceType())
                    .minCount(1)
                    .maxCount(1)
                    .subnetId(slot.subnetId())
                    .securityGroupIds(desired.securityGroupId())
                    .iamInstanceProfile(p -> p.arn(desired.instanceProfileArn()))
                    .metadataOptions(m -> m.httpTokens(metadata.tokens()).httpPutResponseHopLimit(metadata.hopLimit())
                            .httpEndpoint(metadata.endpoint()))
                    .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(volume.deviceName()).ebs(e -> e
                            .volumeType(volume.type()).volumeSize(volume.sizeGiB()).encrypted(volume.encrypted())
                            .deleteOnTermination(volume.deleteOnTermination()).kmsKeyId(volume.kmsKeyId())).build())
                    .monitoring(m -> m.enabled(desired.detailedMonitoring()))
                    .userData(userData)
                    .clientToken(scope.clientToken(NAME, slot.role(), desired.config(), replaces))
                    .tagSpecifications(tagSpec(ResourceType.INSTANCE, slot.instanceTags()), tagSpec(ResourceType.VOLUME, slot.volumeTags())));
        } catch (RuntimeException e) {
            // A new instance profile takes a few seconds to reach EC2.
            throw Propagation.INSTANCE_PROFILE.judge(e, "instance profile " + InstanceRole.roleName(scope), InstanceProfile.madeAt(scope),
                    scope.clock());
        }
    }

    private static String rootDevice(Image image) {
        return image.rootDeviceName() == null ? "/dev/xvda" : image.rootDeviceName();
    }

    private static TagSpecification tagSpec(ResourceType type, Map<String, String> tags) {
        return TagSpecification.builder().resourceType(type)
                .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build();
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
    static String config(PlatformScope scope, String userData) {
        var app = scope.spec().app;
        return ResourceNames.shortHash(String.join("\n", app.amiId == null ? "al2023" : app.amiId, app.instanceType, String.valueOf(app.port),
                String.valueOf(app.rootVolumeGiB), String.valueOf(app.volumeKmsKeyId), userData));
    }

    static boolean serving(Instance instance) {
        return instance.state().name() == InstanceStateName.PENDING || instance.state().name() == InstanceStateName.RUNNING;
    }

    /** The current instance's id by availability zone, for status and alarms; null when none was observed in this pass. */
    public static Map<String, String> idsByZone(PlatformScope scope) {
        var observed = scope.observed(NAME);
        return observed == null ? null : new LinkedHashMap<>(((State) observed.detail()).currentByZone());
    }
}
