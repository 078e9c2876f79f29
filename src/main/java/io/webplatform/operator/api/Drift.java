package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** One difference between AWS and the spec that the operator found and, under managementPolicy Observe, left as it is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class Drift {
    @JsonPropertyDescription("The component, as in status.components.")
    private String component;
    @JsonPropertyDescription("What differs, with the sub-resource when the component has several; 'exists' when the resource is missing or unwanted.")
    private String field;
    @JsonPropertyDescription("What the spec asks for ('absent': it should not exist).")
    private String desired;
    @JsonPropertyDescription("What AWS has ('absent': it does not exist).")
    private String actual;

    public Drift() {
    }

    public Drift(String component, String field, String desired, String actual) {
        this.component = component;
        this.field = field;
        this.desired = desired;
        this.actual = actual;
    }

    public String getComponent() { return component; }
    public void setComponent(String component) { this.component = component; }
    public String getField() { return field; }
    public void setField(String field) { this.field = field; }
    public String getDesired() { return desired; }
    public void setDesired(String desired) { this.desired = desired; }
    public String getActual() { return actual; }
    public void setActual(String actual) { this.actual = actual; }

    @Override
    public String toString() {
        return component + " " + field + ": " + actual + " -> " + desired;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Drift d && Objects.equals(component, d.component) && Objects.equals(field, d.field)
                && Objects.equals(desired, d.desired) && Objects.equals(actual, d.actual);
    }

    @Override
    public int hashCode() {
        return Objects.hash(component, field, desired, actual);
    }
}
