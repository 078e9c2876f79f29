package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A kstatus-compatible condition, as `kubectl wait --for=condition=Ready` reads it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class Condition {
    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    public static final String DEGRADED = "Degraded";
    /** True when AWS matches the spec: nothing left to change (Manage), or no difference found (Observe). */
    public static final String SYNCED = "Synced";

    @JsonPropertyDescription("Condition type: Ready, Reconciling, Stalled or Degraded.")
    private String type;
    @JsonPropertyDescription("True, False or Unknown.")
    private String status;
    @JsonPropertyDescription("A CamelCase word that says why the condition has this status.")
    private String reason;
    @JsonPropertyDescription("What happened, in words a person can act on.")
    private String message;
    @JsonPropertyDescription("The metadata.generation this condition was computed for.")
    private Long observedGeneration;
    @JsonPropertyDescription("When the status last changed (RFC 3339).")
    private String lastTransitionTime;

    public Condition() {
    }

    public Condition(String type, boolean status, String reason, String message) {
        this.type = type;
        this.status = status ? "True" : "False";
        this.reason = reason;
        this.message = message;
    }

    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public String getLastTransitionTime() { return lastTransitionTime; }
    public void setLastTransitionTime(String lastTransitionTime) { this.lastTransitionTime = lastTransitionTime; }

    @JsonIgnore
    public boolean isTrue() { return "True".equals(status); }
}
