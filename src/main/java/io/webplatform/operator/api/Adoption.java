package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** A stack this object adopted: from whom, and what it found. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Adoption {
    @JsonPropertyDescription("The object that held the stack before: its cluster and UID.")
    private String from;
    @JsonPropertyDescription("When the claim moved to this object (RFC 3339).")
    private String at;
    @JsonPropertyDescription("Every AWS resource found and kept, as component and id: nothing of these was made again.")
    private List<String> resources;

    public Adoption() {
    }

    public Adoption(String from, String at, List<String> resources) {
        this.from = from;
        this.at = at;
        this.resources = resources;
    }

    public String getFrom() { return from; }
    public void setFrom(String from) { this.from = from; }
    public String getAt() { return at; }
    public void setAt(String at) { this.at = at; }
    public List<String> getResources() { return resources; }
    public void setResources(List<String> resources) { this.resources = resources; }
}
