package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.ArrayList;
import java.util.List;

/** The status both kinds share: conditions, components and security findings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ManagedStatus {
    @JsonPropertyDescription("The metadata.generation the operator last acted on.")
    private Long observedGeneration;
    @JsonPropertyDescription("Ready, Reconciling, Stalled and Degraded conditions.")
    private List<Condition> conditions = new ArrayList<>();
    @JsonPropertyDescription("One entry per AWS resource the operator manages for this object.")
    private List<ComponentStatus> components = new ArrayList<>();
    @JsonPropertyDescription("Security checks run against what exists in AWS.")
    private List<Finding> findings = new ArrayList<>();
    @JsonPropertyDescription("AWS resources kept on delete because the deletion policy says Retain.")
    private List<String> retained;
    @JsonPropertyDescription("Under managementPolicy Observe: every difference between AWS and the spec, left as it is.")
    private List<Drift> drift;
    @JsonPropertyDescription("The value of the webplatform.io/owner-uid tag on this object's AWS resources, hashed into their names:"
            + " derived from the installation name, kind, namespace and name (the object's UID for stacks made before that).")
    private String ownerKey;
    @JsonPropertyDescription("The claim (<cluster>/<object UID>) this object's stack carries on its anchor, once it carried it:"
            + " a stack that later carries another was taken from this object, which never takes it back.")
    private String claim;
    @JsonPropertyDescription("Set when this object adopted an existing stack (a rebuilt cluster): from whom and what.")
    private Adoption adoption;
    @JsonPropertyDescription("False until the operator's first write to AWS for this object, recorded before that write:"
            + " an object that never wrote is deleted without an AWS call.")
    private Boolean wroteToAws;
    @JsonPropertyDescription("The operator release that reconciles this object: another release that also selects it leaves it alone.")
    private ReconciledBy reconciledBy;
    @JsonPropertyDescription("When the operator last read every AWS resource of this object one by one (a full pass),"
            + " set while idle resyncs only compare the shared listings (webplatform.drift-check-period longer than the"
            + " resync period): what only a per-resource read shows is checked again within that period. Absent when every"
            + " resync is a full pass.")
    private String lastDriftCheck;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public List<ComponentStatus> getComponents() { return components; }
    public void setComponents(List<ComponentStatus> components) { this.components = components; }
    public List<Finding> getFindings() { return findings; }
    public void setFindings(List<Finding> findings) { this.findings = findings; }
    public List<String> getRetained() { return retained; }
    public void setRetained(List<String> retained) { this.retained = retained; }
    public List<Drift> getDrift() { return drift; }
    public void setDrift(List<Drift> drift) { this.drift = drift; }
    public String getOwnerKey() { return ownerKey; }
    public void setOwnerKey(String ownerKey) { this.ownerKey = ownerKey; }
    public String getClaim() { return claim; }
    public void setClaim(String claim) { this.claim = claim; }
    public String getLastDriftCheck() { return lastDriftCheck; }
    public void setLastDriftCheck(String lastDriftCheck) { this.lastDriftCheck = lastDriftCheck; }
    public Boolean getWroteToAws() { return wroteToAws; }
    public void setWroteToAws(Boolean wroteToAws) { this.wroteToAws = wroteToAws; }
    public ReconciledBy getReconciledBy() { return reconciledBy; }
    public void setReconciledBy(ReconciledBy reconciledBy) { this.reconciledBy = reconciledBy; }
    public Adoption getAdoption() { return adoption; }
    public void setAdoption(Adoption adoption) { this.adoption = adoption; }

    public Condition condition(String type) {
        return conditions == null ? null
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public ComponentStatus component(String name) {
        return components == null ? null
                : components.stream().filter(c -> name.equals(c.getName())).findFirst().orElse(null);
    }
}
