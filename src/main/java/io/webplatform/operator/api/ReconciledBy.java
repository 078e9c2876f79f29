package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Objects;

/**
 * The operator release that reconciles an object, and what that release selects: another release that
 * also sees the object leaves it alone while the recorded selection still matches it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReconciledBy {
    @JsonPropertyDescription("The release: <operator namespace>/<release's Lease name>.")
    private String release;
    @JsonPropertyDescription("The release's label selector when it took the object; empty selects every label.")
    private String labelSelector;
    @JsonPropertyDescription("The namespaces the release watched when it took the object; empty means all.")
    private List<String> namespaces;

    public ReconciledBy() {
    }

    public ReconciledBy(String release, String labelSelector, List<String> namespaces) {
        this.release = release;
        this.labelSelector = labelSelector;
        this.namespaces = namespaces;
    }

    public String getRelease() { return release; }
    public void setRelease(String release) { this.release = release; }
    public String getLabelSelector() { return labelSelector; }
    public void setLabelSelector(String labelSelector) { this.labelSelector = labelSelector; }
    public List<String> getNamespaces() { return namespaces; }
    public void setNamespaces(List<String> namespaces) { this.namespaces = namespaces; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconciledBy r && Objects.equals(release, r.release) && Objects.equals(labelSelector, r.labelSelector)
                && Objects.equals(namespaces, r.namespaces);
    }

    @Override
    public int hashCode() {
        return Objects.hash(release, labelSelector, namespaces);
    }

    @Override
    public String toString() {
        return release + " (labelSelector '" + (labelSelector == null ? "" : labelSelector) + "', namespaces "
                + (namespaces == null || namespaces.isEmpty() ? "all" : String.join(",", namespaces)) + ")";
    }
}
