package io.webplatform.operator.engine;

import io.webplatform.operator.api.ComponentStatus;
import io.webplatform.operator.api.Drift;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.aws.AwsErrors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one walk of the graph found and did. */
public final class WalkResult {
    private final Map<String, ComponentStatus> components = new LinkedHashMap<>();
    final List<String> repairs = new ArrayList<>();
    final List<String> retained = new ArrayList<>();
    private final List<String> stalledMessages = new ArrayList<>();
    private String stalledReason;
    private final List<String> failures = new ArrayList<>();
    int transientErrors;
    final List<Drift> drift = new ArrayList<>();
    ManagementPolicy policy = ManagementPolicy.Manage;
    /** The claim this walk took the stack from (an adoption), null otherwise; and what it found there. */
    String adoptedFrom;
    final List<String> adopted = new ArrayList<>();
    /** The anchor, as the walk left it, carries this object's claim. */
    boolean holdsClaim;
    /** A deletion that found the stack held by another object: that claim; nothing was deleted. */
    String releasedTo;

    void put(ComponentStatus status) {
        components.put(status.getName(), status);
    }

    void stall(String reason, String message) {
        if (stalledReason == null) {
            stalledReason = reason;
        }
        stalledMessages.add(message);
    }

    void fail(String component, Throwable e) {
        failures.add(component + ": " + AwsErrors.message(e));
    }

    public List<ComponentStatus> components() {
        return List.copyOf(components.values());
    }

    public ComponentStatus component(String name) {
        return components.get(name);
    }

    public boolean isReady(String name) {
        ComponentStatus s = components.get(name);
        return s != null && s.isReady();
    }

    public boolean isGoneOrRetained(String name) {
        ComponentStatus s = components.get(name);
        return s != null && (ComponentGraph.DELETED.equals(s.getState()) || ComponentGraph.RETAINED.equals(s.getState())
                || ComponentGraph.DISABLED.equals(s.getState()));
    }

    /** Every component that should exist is ready. */
    public boolean allReady() {
        return stalledReason == null && failures.isEmpty() && components.values().stream()
                .allMatch(s -> s.isReady() || ComponentGraph.DISABLED.equals(s.getState())
                        || ComponentGraph.RETAINED.equals(s.getState()));
    }

    /** Every component is deleted or kept by policy: the finalizer may go. */
    public boolean allGone() {
        return releasedTo == null && stalledReason == null && failures.isEmpty() && components.values().stream().allMatch(s ->
                ComponentGraph.DELETED.equals(s.getState()) || ComponentGraph.RETAINED.equals(s.getState()));
    }

    public boolean stalled() {
        return stalledReason != null;
    }

    public String stalledReason() {
        return stalledReason;
    }

    public String stalledMessage() {
        return String.join("; ", stalledMessages);
    }

    public List<String> failures() {
        return failures;
    }

    public List<String> repairs() {
        return repairs;
    }

    public List<String> retained() {
        return retained;
    }

    /** The AWS ids of every retained resource (components with several resources list them all). */
    public java.util.Set<String> retainedIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        components.values().stream().filter(s -> ComponentGraph.RETAINED.equals(s.getState()) && s.getId() != null)
                .forEach(s -> ids.addAll(List.of(s.getId().split(","))));
        return ids;
    }

    /** Under Observe: every difference found and left as it is. Empty under Manage, which repairs them. */
    public List<Drift> drift() {
        return drift;
    }

    public ManagementPolicy policy() {
        return policy;
    }

    /** The holder this walk adopted the stack from; null when it adopted nothing. */
    public String adoptedFrom() {
        return adoptedFrom;
    }

    public boolean holdsClaim() {
        return holdsClaim;
    }

    /** The claim of the object that holds the stack this deletion left alone; null when it deleted. */
    public String releasedTo() {
        return releasedTo;
    }

    /** What the adopting walk found and kept, as "component id". */
    public List<String> adopted() {
        return adopted;
    }

    public int transientErrors() {
        return transientErrors;
    }

    /** Human summary of what is not ready yet, e.g. "Trail (waiting for LogBucket)". */
    public String waitingSummary() {
        List<String> parts = new ArrayList<>();
        for (ComponentStatus s : components.values()) {
            if (!s.isReady() && !ComponentGraph.DISABLED.equals(s.getState()) && !ComponentGraph.RETAINED.equals(s.getState())
                    && !ComponentGraph.DELETED.equals(s.getState())) {
                String why = s.getMessage() != null ? s.getMessage() : s.getLastError() != null ? s.getLastError() : s.getState();
                parts.add(s.getName() + " (" + why + ")");
            }
        }
        return String.join(", ", parts);
    }
}
