package io.webplatform.operator.engine;

import io.webplatform.operator.api.ComponentStatus;
import io.webplatform.operator.aws.AwsErrors;
import io.webplatform.operator.aws.StillWorking;
import io.webplatform.operator.aws.UserError;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A custom resource as a graph of components. {@link #reconcile} walks it in dependency order to
 * create or repair; {@link #delete} walks it in reverse and only removes a component once
 * everything that depends on it is gone. One failing component does not stop independent ones.
 *
 * <p>Why not JOSDK's workflows of external dependent resources: they poll each resource on its own
 * schedule and fit one desired object per dependent; here one pass reads each resource once, the
 * order of deletion must wait for real disappearance, and drift repair is field by field. The graph
 * keeps JOSDK's ideas (dependsOn, ready post-conditions, reverse cleanup) in about a hundred lines.
 */
public final class ComponentGraph<S extends Scope> {

    public static final String READY = "Ready";
    public static final String WAITING = "Waiting";
    public static final String PENDING = "Pending";
    public static final String FAILED = "Failed";
    public static final String DISABLED = "Disabled";
    public static final String DELETING = "Deleting";
    public static final String DELETED = "Deleted";
    public static final String RETAINED = "Retained";

    private static final Logger LOG = Logger.getLogger(ComponentGraph.class);

    private final List<Component<S>> ordered;

    @SafeVarargs
    public ComponentGraph(Component<S>... components) {
        this.ordered = topologicalOrder(List.of(components));
    }

    public List<String> names() {
        return ordered.stream().map(Component::name).toList();
    }

    /**
     * Every wanted component's preflight, reads only: stalled with the first problem a person must fix,
     * failed when AWS could not answer, empty when the walk may write. A caller that must make
     * something of its own before the walk (a Kubernetes object that makes AWS resources) judges first.
     */
    public WalkResult preflight(S scope) {
        WalkResult result = new WalkResult();
        try {
            for (Component<S> c : ordered) {
                if (c.wanted(scope)) {
                    c.preflight(scope);
                }
            }
        } catch (UserError e) {
            result.stall(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            if (AwsErrors.classify(e) == AwsErrors.Kind.USER_ERROR) {
                // Refused, not failed (a read the operator's IAM policy lacks, say): a person must act, as in the walk.
                result.stall("AwsRejected", "preflight: " + AwsErrors.message(e));
            } else {
                result.fail("Preflight", e);
            }
        }
        return result;
    }

    /** Judges the spec (preflight), then creates what is missing and repairs what drifted, in dependency order. */
    public WalkResult reconcile(S scope, EventSink events) {
        WalkResult judged = preflight(scope);
        if (judged.stalled()) {
            events.warning(judged.stalledReason(), judged.stalledMessage());
            return judged;
        }
        if (!judged.failures().isEmpty()) {
            return judged;
        }
        WalkResult result = new WalkResult();
        for (Component<S> c : ordered) {
            String name = c.name();
            try {
                if (!c.wanted(scope)) {
                    removeUnwanted(c, scope, events, result);
                    continue;
                }
                List<String> notReady = c.dependsOn().stream()
                        .filter(d -> !result.isReady(d)).toList();
                if (!notReady.isEmpty()) {
                    result.put(new ComponentStatus(name, null, WAITING, false, "waiting for " + String.join(", ", notReady), null));
                    continue;
                }
                Observed current = c.observe(scope);
                boolean created = false;
                if (current == null) {
                    c.create(scope);
                    created = true;
                    current = c.observe(scope);
                    if (current == null) {
                        result.put(new ComponentStatus(name, null, PENDING, false, "created; not visible in AWS yet", null));
                        continue;
                    }
                    logAction(scope, name, current.id(), "created");
                    events.normal("Created", name + " " + current.id() + " created");
                }
                scope.record(name, current);
                for (String change : c.repair(scope, current)) {
                    if (!created) {
                        logAction(scope, name, current.id(), "repaired", ": " + change);
                        events.normal("Repaired", name + " " + current.id() + ": " + change);
                        result.repairs.add(name + ": " + change);
                    }
                }
                result.put(new ComponentStatus(name, current.id(), current.ready() ? READY : PENDING, current.ready(),
                        current.waitingFor(), null));
            } catch (StillWorking e) {
                result.put(new ComponentStatus(name, idOrNull(scope, name), PENDING, false, e.getMessage(), null));
            } catch (UserError e) {
                events.warning(e.reason(), name + ": " + e.getMessage());
                result.put(new ComponentStatus(name, idOrNull(scope, name), FAILED, false, null, e.getMessage()));
                result.stall(e.reason(), name + ": " + e.getMessage());
            } catch (RuntimeException e) {
                handle(name, scope, e, events, result);
            }
        }
        return result;
    }

    /** Deletes in reverse dependency order, keeping what the deletion policy retains. */
    public WalkResult delete(S scope, EventSink events) {
        WalkResult result = new WalkResult();
        Map<String, List<String>> dependents = dependents();
        for (int i = ordered.size() - 1; i >= 0; i--) {
            Component<S> c = ordered.get(i);
            String name = c.name();
            try {
                List<String> blocking = dependents.getOrDefault(name, List.of()).stream()
                        .filter(d -> !result.isGoneOrRetained(d)).toList();
                if (!blocking.isEmpty()) {
                    result.put(new ComponentStatus(name, null, WAITING, false, "waiting for the deletion of " + String.join(", ", blocking), null));
                    continue;
                }
                // What a kept resource needs is kept too: a retained database keeps its subnets.
                List<String> keptDependents = dependents.getOrDefault(name, List.of()).stream()
                        .filter(d -> RETAINED.equals(result.component(d).getState())).toList();
                Observed current = c.observe(scope);
                scope.record(name, current);
                if (current == null) {
                    result.put(new ComponentStatus(name, null, DELETED, false, null, null));
                } else if (c.retainedOnDelete(scope) || !keptDependents.isEmpty()) {
                    String why = c.retainedOnDelete(scope) ? "kept by the deletion policy"
                            : "kept because " + String.join(", ", keptDependents) + " is kept and needs it";
                    result.put(new ComponentStatus(name, current.id(), RETAINED, true, why, null));
                    result.retained.add(name + " " + current.id());
                } else if (c.delete(scope, current)) {
                    logAction(scope, name, current.id(), "deleted");
                    events.normal("Deleted", name + " " + current.id() + " deleted");
                    result.put(new ComponentStatus(name, current.id(), DELETED, false, null, null));
                } else {
                    result.put(new ComponentStatus(name, current.id(), DELETING, false, "AWS is deleting it", null));
                }
            } catch (StillWorking e) {
                result.put(new ComponentStatus(name, idOrNull(scope, name), PENDING, false, e.getMessage(), null));
            } catch (UserError e) {
                events.warning(e.reason(), name + ": " + e.getMessage());
                result.put(new ComponentStatus(name, idOrNull(scope, name), FAILED, false, null, e.getMessage()));
                result.stall(e.reason(), name + ": " + e.getMessage());
            } catch (RuntimeException e) {
                handle(name, scope, e, events, result);
            }
        }
        return result;
    }

    private void removeUnwanted(Component<S> c, S scope, EventSink events, WalkResult result) {
        Observed current = c.observe(scope);
        scope.record(c.name(), null);
        if (current == null) {
            result.put(new ComponentStatus(c.name(), null, DISABLED, false, "not requested by the spec", null));
        } else if (c.retainedOnDelete(scope)) {
            result.put(new ComponentStatus(c.name(), current.id(), RETAINED, false, "no longer requested; kept by the deletion policy", null));
        } else if (c.delete(scope, current)) {
            events.normal("Deleted", c.name() + " " + current.id() + " deleted: no longer requested by the spec");
            result.put(new ComponentStatus(c.name(), null, DISABLED, false, "not requested by the spec", null));
        } else {
            result.put(new ComponentStatus(c.name(), current.id(), DELETING, false, "no longer requested; AWS is deleting it", null));
        }
    }

    private void handle(String name, S scope, RuntimeException e, EventSink events, WalkResult result) {
        AwsErrors.Kind kind = AwsErrors.classify(e);
        String message = AwsErrors.message(e);
        switch (kind) {
            case THROTTLED, RETRYABLE -> {
                // Transient: retried with backoff, reported as progress, not as a failure.
                LOG.debugf("%s: %s will be retried: %s", ownerRef(scope), name, message);
                result.put(new ComponentStatus(name, idOrNull(scope, name), PENDING, false, "AWS asked to retry later", message));
                result.transientErrors++;
            }
            case USER_ERROR -> {
                LOG.warnf("%s: %s failed: %s", ownerRef(scope), name, message);
                events.warning("AwsError", name + ": " + message);
                result.put(new ComponentStatus(name, idOrNull(scope, name), FAILED, false, null, message));
                result.stall("AwsRejected", name + ": " + message);
            }
            default -> {
                LOG.warnf(e, "%s: %s failed", ownerRef(scope), name);
                events.warning("AwsError", name + ": " + message);
                result.put(new ComponentStatus(name, idOrNull(scope, name), FAILED, false, null, message));
                result.fail(name, e);
            }
        }
    }

    private static String idOrNull(Scope scope, String name) {
        Observed o = scope.observed(name);
        return o == null ? null : o.id();
    }

    /**
     * One line per action: "<Kind> <ns>/<name>: <verb> <component> <AWS id>", with the same three
     * facts as MDC fields (resource, component, awsId) for JSON logs.
     */
    private static void logAction(Scope scope, String component, String awsId, String verb, String... detail) {
        MDC.put("resource", ownerRef(scope));
        MDC.put("component", component);
        MDC.put("awsId", awsId == null ? "" : awsId);
        try {
            LOG.infof("%s: %s %s %s%s", ownerRef(scope), verb, component, awsId, String.join("", detail));
        } finally {
            MDC.remove("resource");
            MDC.remove("component");
            MDC.remove("awsId");
        }
    }

    private static String ownerRef(Scope scope) {
        return scope.owner().getKind() + " " + scope.owner().getMetadata().getNamespace() + "/" + scope.owner().getMetadata().getName();
    }

    private Map<String, List<String>> dependents() {
        Map<String, List<String>> result = new HashMap<>();
        for (Component<S> c : ordered) {
            for (String d : c.dependsOn()) {
                result.computeIfAbsent(d, k -> new ArrayList<>()).add(c.name());
            }
        }
        return result;
    }

    /** Kahn's algorithm; keeps the declaration order among independent components, rejects cycles. */
    private static <S extends Scope> List<Component<S>> topologicalOrder(List<Component<S>> components) {
        Map<String, Component<S>> byName = new LinkedHashMap<>();
        for (Component<S> c : components) {
            if (byName.put(c.name(), c) != null) {
                throw new IllegalArgumentException("duplicate component " + c.name());
            }
        }
        for (Component<S> c : components) {
            for (String d : c.dependsOn()) {
                if (!byName.containsKey(d)) {
                    throw new IllegalArgumentException(c.name() + " depends on unknown component " + d);
                }
            }
        }
        List<Component<S>> order = new ArrayList<>();
        Set<String> done = new java.util.HashSet<>();
        while (order.size() < components.size()) {
            Component<S> next = components.stream()
                    .filter(c -> !done.contains(c.name()) && done.containsAll(c.dependsOn()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("dependency cycle among " + components.stream()
                            .map(Component::name).filter(n -> !done.contains(n)).collect(Collectors.joining(", "))));
            order.add(next);
            done.add(next.name());
        }
        return List.copyOf(order);
    }
}
