package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.webplatform.operator.api.Drift;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.testing.TestResources.RecordedEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The walk's ordering and error rules, with components that keep their state in a map. */
class ComponentGraphTest {

    static final class MapScope extends Scope {
        final Map<String, String> world = new HashMap<>();
        final List<String> log = new ArrayList<>();

        MapScope() {
            super(new ConfigMap() {{
                setMetadata(new ObjectMetaBuilder().withName("x").withNamespace("ns").withUid("u").build());
            }}, "eu-west-3");
        }
    }

    /** A component whose AWS is the scope's map: absent, "pending", "ready", or "drifted" (repaired to "ready"). */
    static class Node implements Component<MapScope, String, String> {
        final String name;
        final List<String> deps;
        final List<String> reads = new ArrayList<>();
        boolean pendingAfterCreate;
        RuntimeException failOnObserve;
        RuntimeException failOnDelete;
        boolean vanishOnDelete;
        boolean retain;

        Node(String name, String... deps) {
            this.name = name;
            this.deps = List.of(deps);
        }

        public String name() { return name; }

        public String desired(MapScope s) { return "ready"; }

        public Observed<String> observe(MapScope s) {
            if (failOnObserve != null) {
                throw failOnObserve;
            }
            reads.forEach(s::observed);
            String v = s.world.get(name);
            if (v == null) {
                return null;
            }
            return "pending".equals(v) ? Observed.pending(name, "AWS is busy", v) : Observed.ready(name, v);
        }

        public List<Change> diff(String actual, String desired) {
            return "drifted".equals(actual) ? List.of(Change.of("state", actual, desired)) : List.of();
        }

        public void create(MapScope s, String desired) {
            s.log.add("create " + name);
            s.world.put(name, pendingAfterCreate ? "pending" : desired);
        }

        public void apply(MapScope s, Observed<String> current, String desired, List<Change> changes) {
            s.log.add("apply " + name + " " + changes);
            s.world.put(name, desired);
        }

        public boolean delete(MapScope s, Observed<String> current) {
            s.log.add("delete " + name);
            if (failOnDelete != null) {
                if (vanishOnDelete) {
                    s.world.remove(name); // someone deleted it between the read and the delete
                }
                throw failOnDelete;
            }
            s.world.remove(name);
            return true;
        }

        public boolean retainedOnDelete(MapScope s) { return retain; }

        /** One AWS::Test::Thing per node, naming the first dependency's id (a reference in a plan). */
        public List<CfnResource> cloudFormation(String desired) {
            return List.of(CfnResource.of(CfnResource.logicalId(name), "AWS::Test::Thing", Map.of("State", desired)));
        }

        public Observed<String> planned(MapScope s, String desired) {
            return Observed.ready(CfnResource.ref(CfnResource.logicalId(name)), desired);
        }
    }

    static ComponentGraph<MapScope> graph(Node... nodes) {
        ComponentGraph.Builder<MapScope> builder = ComponentGraph.builder();
        for (Node n : nodes) {
            builder.add(n, ComponentGraph.after(n.deps.toArray(String[]::new)));
        }
        return builder.build();
    }

    @Test
    void aCreateWhoseRetryWasAnsweredAlreadyExistsIsNeverMadeTwiceWhenAwsDoesNotShowItYet() {
        Node a = new Node("a") {
            @Override
            public void create(MapScope s, String desired) {
                s.log.add("create " + name);
                // Landed (AWS has it, its listing does not show it yet); the SDK's retry was answered "already exists".
                s.world.put("hidden " + name, desired);
                RuntimeException answer = new RuntimeException("EntityAlreadyExists");
                answer.addSuppressed(new io.webplatform.operator.aws.RetriedCalls.LandedEarlier("iam:CreateRole", "EntityAlreadyExists", 2));
                throw answer;
            }
        };
        MapScope scope = new MapScope();
        WalkResult result = graph(a).reconcile(scope, new RecordedEvents());
        assertThat(scope.log).containsExactly("create a");
        assertThat(result.component("a").getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(result.component("a").getMessage()).contains("not visible in AWS yet");
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void appliesTheDiffAndReportsItAsARepair() {
        ComponentGraph<MapScope> graph = graph(new Node("a"));
        MapScope scope = new MapScope();
        scope.world.put("a", "drifted");
        RecordedEvents events = new RecordedEvents();
        WalkResult result = graph.reconcile(scope, events);
        assertThat(result.repairs()).containsExactly("a: state drifted -> ready");
        assertThat(scope.log).containsExactly("apply a [state drifted -> ready]");
        assertThat(events.normal).anyMatch(e -> e.contains("a: state drifted -> ready"));
        scope.log.clear();
        assertThat(graph.reconcile(scope, new RecordedEvents()).repairs()).isEmpty();
        assertThat(scope.log).isEmpty();
    }

    @Test
    void everyWriteIsAnnouncedBeforeItHappensAndAConvergedPassAnnouncesNone() {
        ComponentGraph<MapScope> graph = graph(new Node("a"), new Node("b", "a"));
        MapScope scope = new MapScope();
        scope.beforeWriting(() -> scope.log.add("writing"));
        graph.reconcile(scope, new RecordedEvents());
        assertThat(scope.log).containsExactly("writing", "create a", "writing", "create b");
        scope.log.clear();
        graph.reconcile(scope, new RecordedEvents());
        assertThat(scope.log).isEmpty();
        scope.world.put("a", "drifted");
        graph.reconcile(scope, new RecordedEvents());
        assertThat(scope.log).containsExactly("writing", "apply a [state drifted -> ready]");
    }

    @Test
    void aReadEdgeOrdersWithoutWaitingAndAnUndeclaredReadFails() {
        Node watched = new Node("watched");
        watched.pendingAfterCreate = true;
        Node watcher = new Node("watcher");
        watcher.reads.add("watched");
        ComponentGraph<MapScope> graph = ComponentGraph.<MapScope>builder()
                .add(watcher, ComponentGraph.reads("watched"))
                .add(watched)
                .build();
        assertThat(graph.names()).containsExactly("watched", "watcher");
        MapScope scope = new MapScope();
        assertThat(graph.reconcile(scope, new RecordedEvents()).isReady("watcher")).isTrue();

        Node sneaky = new Node("sneaky");
        sneaky.reads.add("watched");
        // A programming error, not an AWS failure: it escapes the walk (tests run with assertions on).
        assertThatThrownBy(() -> graph(new Node("watched"), sneaky).reconcile(new MapScope(), new RecordedEvents()))
                .isInstanceOf(AssertionError.class)
                .hasMessage("sneaky reads what watched observed, but its graph declares no edge to it");
    }

    @Test
    void observeOnlyReportsWhatIsMissingDriftedOrUnwantedAndWritesNothing() {
        Node missing = new Node("missing");
        Node drifted = new Node("drifted");
        Node unwanted = new Node("unwanted") {
            @Override
            public boolean wanted(MapScope s) { return false; }
        };
        ComponentGraph<MapScope> graph = graph(missing, drifted, unwanted, new Node("fine"));
        MapScope scope = new MapScope();
        scope.world.put("drifted", "drifted");
        scope.world.put("unwanted", "ready");
        scope.world.put("fine", "ready");
        RecordedEvents events = new RecordedEvents();

        WalkResult observed = graph.reconcile(scope, events, ManagementPolicy.Observe);

        assertThat(scope.log).as("no create, apply or delete").isEmpty();
        assertThat(observed.drift()).containsExactly(
                new Drift("missing", "exists", "yes", "absent"),
                new Drift("drifted", "state", "ready", "drifted"),
                new Drift("unwanted", "exists", "absent", "unwanted"));
        assertThat(observed.component("missing").getState()).isEqualTo(ComponentGraph.MISSING);
        assertThat(observed.isReady("drifted")).isTrue();
        assertThat(observed.repairs()).isEmpty();
        assertThat(observed.allReady()).isFalse();

        // Back to Manage: the same walk repairs it all.
        WalkResult managed = graph.reconcile(scope, events);
        assertThat(scope.log).containsExactly("create missing", "apply drifted [state drifted -> ready]", "delete unwanted");
        assertThat(managed.drift()).isEmpty();
        assertThat(managed.allReady()).isTrue();
        assertThat(graph.reconcile(scope, events, ManagementPolicy.Observe).drift()).isEmpty();
    }

    @Test
    void plansEveryWantedComponentWithReferencesAndDependsOnWithoutAnyCall() {
        Node network = new Node("network") {
            @Override
            public String desired(MapScope s) { return "cidr 10.0.0.0/16"; }
        };
        Node subnet = new Node("subnet") {
            @Override
            public String desired(MapScope s) { return s.idOf("network"); }
        };
        Node server = new Node("server") {
            @Override
            public String desired(MapScope s) { return "in " + s.idOf("subnet"); }
        };
        Node unwanted = new Node("unwanted") {
            @Override
            public boolean wanted(MapScope s) { return false; }
        };
        ComponentGraph<MapScope> graph = ComponentGraph.<MapScope>builder()
                .add(network)
                .add(subnet, ComponentGraph.after("network"))
                .add(server, ComponentGraph.after("network", "subnet"))
                .add(unwanted)
                .build();
        MapScope scope = new MapScope();
        CloudFormationTemplate template = new CloudFormationTemplate("test");
        graph.plan(scope, template);

        assertThat(scope.log).isEmpty();
        assertThat(template.resources()).containsOnlyKeys("Network", "Subnet", "Server");
        // Referenced: no DependsOn needed; only ordered: DependsOn.
        assertThat(template.resources().get("Subnet").dependsOn()).isEmpty();
        assertThat(template.resources().get("Server").dependsOn()).containsExactly("Network");
        assertThat(template.toYaml()).isEqualTo("""
                AWSTemplateFormatVersion: "2010-09-09"
                Description: "test"
                Resources:
                  Network:
                    Type: "AWS::Test::Thing"
                    Properties:
                      State: "cidr 10.0.0.0/16"
                  Subnet:
                    Type: "AWS::Test::Thing"
                    Properties:
                      State:
                        Ref: "Network"
                  Server:
                    Type: "AWS::Test::Thing"
                    DependsOn:
                    - "Network"
                    Properties:
                      State:
                        Fn::Sub: "in ${Subnet}"
                """);
    }

    @Test
    void aPlanThatRefersToWhatItDoesNotMakeIsRefused() {
        CloudFormationTemplate template = new CloudFormationTemplate("test");
        template.add(CfnResource.of("Thing", "AWS::Test::Thing", Map.of("Arn", "arn:aws:s3:::${Elsewhere}", "Account", "${AWS::AccountId}")));
        assertThat(template.unresolvedReferences()).containsExactly("Thing -> Elsewhere");
        assertThatThrownBy(template::toYaml).hasMessageContaining("Thing -> Elsewhere");
        template.parameter("Elsewhere", "String", "made elsewhere");
        assertThat(template.toYaml()).contains("Fn::Sub: \"arn:aws:s3:::${Elsewhere}\"", "Ref: \"AWS::AccountId\"");
    }

    @Test
    void underObserveSyncedIsTrueOnlyWhenEverythingWasCompared() {
        Node network = new Node("network");
        ComponentGraph<MapScope> graph = graph(network, new Node("server", "network"));
        MapScope scope = new MapScope();
        scope.world.put("network", "pending");
        scope.world.put("server", "ready");
        io.webplatform.operator.api.ManagedStatus status = new io.webplatform.operator.api.ManagedStatus();

        StatusConditions.fromWalk(status, 1, graph.reconcile(scope, new RecordedEvents(), ManagementPolicy.Observe), null, null);
        assertThat(status.condition("Synced").getStatus()).isEqualTo("False");
        assertThat(status.condition("Synced").getReason()).isEqualTo("NotObserved");
        assertThat(status.condition("Synced").getMessage()).contains("server (waiting for network)");
        assertThat(status.condition("Reconciling").getStatus()).isEqualTo("False");

        scope.world.put("network", "ready");
        StatusConditions.fromWalk(status, 1, graph.reconcile(scope, new RecordedEvents(), ManagementPolicy.Observe), null, null);
        assertThat(status.condition("Synced").getStatus()).isEqualTo("True");
        assertThat(status.condition("Ready").getReason()).isEqualTo("Observed");
        assertThat(status.getDrift()).isNull();
    }

    @Test
    void drawsTheGraphAsMermaid() {
        ComponentGraph<MapScope> graph = ComponentGraph.<MapScope>builder()
                .add(new Node("a"))
                .add(new Node("b"), ComponentGraph.after("a"))
                .add(new Node("c"), ComponentGraph.after("b"), ComponentGraph.reads("a"))
                .add(new Node("lonely"))
                .build();
        assertThat(graph.mermaid()).isEqualTo("""
                flowchart LR
                  a --> b
                  b --> c
                  a -. reads .-> c
                  lonely
                """);
    }

    @Test
    void createsInDependencyOrderAndDeletesInReverse() {
        ComponentGraph<MapScope> graph = graph(new Node("c", "b"), new Node("b", "a"), new Node("a"));
        MapScope scope = new MapScope();
        assertThat(graph.reconcile(scope, new RecordedEvents()).allReady()).isTrue();
        assertThat(scope.log).containsExactly("create a", "create b", "create c");
        scope.log.clear();
        assertThat(graph.delete(scope, new RecordedEvents()).allGone()).isTrue();
        assertThat(scope.log).containsExactly("delete c", "delete b", "delete a");
    }

    @Test
    void dependentsWaitWhileADependencyIsPending() {
        Node a = new Node("a");
        a.pendingAfterCreate = true;
        ComponentGraph<MapScope> graph = graph(a, new Node("b", "a"));
        MapScope scope = new MapScope();
        WalkResult result = graph.reconcile(scope, new RecordedEvents());
        assertThat(result.allReady()).isFalse();
        assertThat(result.component("a").getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(result.component("b").getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(result.waitingSummary()).contains("a (AWS is busy)").contains("b (waiting for a)");
        assertThat(scope.log).containsExactly("create a");
    }

    @Test
    void aThrottledComponentDoesNotStopIndependentOnesAndIsNotAFailure() {
        Node a = new Node("a");
        a.failOnObserve = AwsServiceException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").build()).build();
        ComponentGraph<MapScope> graph = graph(a, new Node("b"), new Node("c", "a"));
        MapScope scope = new MapScope();
        RecordedEvents events = new RecordedEvents();
        WalkResult result = graph.reconcile(scope, events);
        assertThat(result.component("b").isReady()).isTrue();
        assertThat(result.component("a").getState()).isEqualTo(ComponentGraph.PENDING);
        assertThat(result.component("c").getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(result.stalled()).isFalse();
        assertThat(result.failures()).isEmpty();
        assertThat(events.warnings).isEmpty();
    }

    @Test
    void aUserErrorStallsWithAwsMessage() {
        Node a = new Node("a");
        a.failOnObserve = AwsServiceException.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("not allowed").build()).build();
        WalkResult result = graph(a).reconcile(new MapScope(), new RecordedEvents());
        assertThat(result.stalled()).isTrue();
        assertThat(result.stalledMessage()).contains("AccessDenied: not allowed");
    }

    @Test
    void retainedComponentsAreKeptAndReported() {
        Node a = new Node("a");
        a.retain = true;
        ComponentGraph<MapScope> graph = graph(a, new Node("b", "a"));
        MapScope scope = new MapScope();
        graph.reconcile(scope, new RecordedEvents());
        WalkResult result = graph.delete(scope, new RecordedEvents());
        assertThat(result.allGone()).isTrue();
        assertThat(result.retained()).containsExactly("a a");
        assertThat(scope.world).containsOnlyKeys("a");
    }

    @Test
    void whatARetainedComponentNeedsIsRetainedToo() {
        Node network = new Node("network");
        Node database = new Node("database", "network");
        database.retain = true;
        Node cache = new Node("cache", "network");
        Node dns = new Node("dns");
        ComponentGraph<MapScope> graph = graph(network, database, cache, dns);
        MapScope scope = new MapScope();
        graph.reconcile(scope, new RecordedEvents());
        WalkResult result = graph.delete(scope, new RecordedEvents());
        assertThat(result.allGone()).isTrue();
        assertThat(result.component("network").getState()).isEqualTo(ComponentGraph.RETAINED);
        assertThat(result.component("network").getMessage()).isEqualTo("kept because database is kept and needs it");
        assertThat(result.component("cache").getState()).isEqualTo(ComponentGraph.DELETED);
        assertThat(result.retainedIds()).containsExactlyInAnyOrder("network", "database");
        assertThat(scope.world).containsOnlyKeys("network", "database");
    }

    static AwsServiceException awsError(String code, int status, String message) {
        return (AwsServiceException) AwsServiceException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void aDeleteAnsweredNotFoundCountsAsDeletedOnceAReadConfirmsIt() {
        Node a = new Node("a");
        Node b = new Node("b", "a");
        ComponentGraph<MapScope> graph = graph(a, b);
        MapScope scope = new MapScope();
        graph.reconcile(scope, new RecordedEvents());
        scope.log.clear();
        b.failOnDelete = awsError("NatGatewayNotFound", 400, "The NAT gateway nat-1 was not found");
        b.vanishOnDelete = true;
        WalkResult result = graph.delete(scope, new RecordedEvents());
        assertThat(result.allGone()).isTrue();
        assertThat(result.component("b").getState()).isEqualTo(ComponentGraph.DELETED);
        assertThat(result.component("b").getMessage()).isEqualTo("GONE NatGatewayNotFound: the NAT gateway is already deleted");
        assertThat(scope.log).containsExactly("delete b", "delete a");

        // Not gone after all (one of its several resources): deleting, and the next pass deletes the rest.
        graph.reconcile(scope, new RecordedEvents());
        b.vanishOnDelete = false;
        WalkResult partly = graph.delete(scope, new RecordedEvents());
        assertThat(partly.component("b").getState()).isEqualTo(ComponentGraph.DELETING);
        assertThat(partly.component("b").getMessage()).endsWith("the rest at the next pass");
        assertThat(partly.component("a").getState()).isEqualTo(ComponentGraph.WAITING);
        assertThat(partly.stalled()).isFalse();
    }

    @Test
    void aTransientDeleteFailureIsRetriedAndABlockedOneStallsWithWhatToDo() {
        Node a = new Node("a");
        ComponentGraph<MapScope> graph = graph(a);
        MapScope scope = new MapScope();
        graph.reconcile(scope, new RecordedEvents());
        a.failOnDelete = awsError("Throttling", 400, "Rate exceeded");
        WalkResult throttled = graph.delete(scope, new RecordedEvents());
        assertThat(throttled.stalled()).isFalse();
        assertThat(throttled.allGone()).isFalse();
        assertThat(throttled.transientErrors()).isEqualTo(1);
        assertThat(throttled.component("a").getState()).isEqualTo(ComponentGraph.DELETING);
        assertThat(throttled.component("a").getMessage()).startsWith("TRANSIENT Throttling: AWS asked to slow down");
        assertThat(throttled.component("a").getLastError()).isEqualTo("Throttling: Rate exceeded");

        a.failOnDelete = awsError("AccessDenied", 403, "User: x is not authorized to perform: s3:DeleteBucket");
        RecordedEvents events = new RecordedEvents();
        WalkResult blocked = graph.delete(scope, events);
        assertThat(blocked.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(blocked.stalledMessage()).startsWith("a a: ").contains("refused (AccessDenied: User: x is not authorized")
                .contains("the deletion resumes by itself");
        assertThat(blocked.component("a").getState()).isEqualTo(ComponentGraph.FAILED);
        assertThat(blocked.component("a").getMessage()).startsWith("BLOCKED AccessDenied");
        assertThat(events.warnings).as("the reconciler warns, once per distinct message").isEmpty();

        a.failOnDelete = null;
        assertThat(graph.delete(scope, new RecordedEvents()).allGone()).isTrue();
    }

    @Test
    void aBlockedDeleteOfWhatTheSpecNoLongerAsksForStallsTheWalkWithDeleteBlocked() {
        Node unwanted = new Node("unwanted") {
            @Override
            public boolean wanted(MapScope s) { return false; }
        };
        unwanted.failOnDelete = new io.webplatform.operator.aws.UserError("BucketNotEmpty", "bucket b still holds objects");
        ComponentGraph<MapScope> graph = graph(unwanted, new Node("fine"));
        MapScope scope = new MapScope();
        scope.world.put("unwanted", "ready");
        WalkResult result = graph.reconcile(scope, new RecordedEvents());
        assertThat(result.stalledReason()).isEqualTo("DeleteBlocked");
        assertThat(result.stalledMessage()).isEqualTo("unwanted unwanted: s3:DeleteBucket refused (BucketNotEmpty). bucket b still holds objects;"
                + " the deletion resumes by itself once that is done");
        assertThat(result.component("fine").isReady()).as("independent components go on").isTrue();
        unwanted.failOnDelete = awsError("NoSuchBucket", 404, "The specified bucket does not exist");
        unwanted.vanishOnDelete = true;
        WalkResult gone = graph.reconcile(scope, new RecordedEvents());
        assertThat(gone.stalled()).isFalse();
        assertThat(gone.component("unwanted").getState()).isEqualTo(ComponentGraph.DISABLED);
    }

    @Test
    void rejectsCyclesAndUnknownDependencies() {
        assertThatThrownBy(() -> graph(new Node("a", "b"), new Node("b", "a")))
                .hasMessageContaining("cycle");
        assertThatThrownBy(() -> graph(new Node("a", "zzz"))).hasMessageContaining("unknown component zzz");
    }
}
