package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator knows of one AWS resource it manages. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ComponentStatus {
    @JsonPropertyDescription("Component name, e.g. Bucket, Key, Trail.")
    private String name;
    @JsonPropertyDescription("The AWS identifier of the resource: an id, a name or an ARN.")
    private String id;
    @JsonPropertyDescription("Ready, Creating, Pending, Waiting, Failed, Disabled, Deleting, Deleted or Retained.")
    private String state;
    @JsonPropertyDescription("True when the resource exists and matches the spec.")
    private boolean ready;
    @JsonPropertyDescription("Detail about the state, e.g. what it waits for.")
    private String message;
    @JsonPropertyDescription("The last error AWS returned for this component, if any.")
    private String lastError;

    public ComponentStatus() {
    }

    public ComponentStatus(String name, String id, String state, boolean ready, String message, String lastError) {
        this.name = name;
        this.id = id;
        this.state = state;
        this.ready = ready;
        this.message = message;
        this.lastError = lastError;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getState() { return state; }
    public void setState(String state) { this.state = state; }
    public boolean isReady() { return ready; }
    public void setReady(boolean ready) { this.ready = ready; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public String getLastError() { return lastError; }
    public void setLastError(String lastError) { this.lastError = lastError; }
}
