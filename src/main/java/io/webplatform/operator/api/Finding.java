package io.webplatform.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The result of one security check, as the original set-up's IaC scanner reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class Finding {
    /** The severity of a check that holds. */
    public static final String PASS = "PASS";

    @JsonPropertyDescription("Check id, e.g. S3_PUBLIC_ACCESS_BLOCKED.")
    private String id;
    @JsonPropertyDescription("PASS when the check holds; otherwise the severity: LOW, MEDIUM, HIGH or CRITICAL.")
    private String severity;
    @JsonPropertyDescription("The AWS resource checked.")
    private String resource;
    @JsonPropertyDescription("What was checked and what was found.")
    private String message;

    public Finding() {
    }

    public Finding(String id, String severity, String resource, String message) {
        this.id = id;
        this.severity = severity;
        this.resource = resource;
        this.message = message;
    }

    /** PASS when the check holds, else a failure of the given severity; the message says which. */
    public static Finding check(String id, boolean pass, String severity, String resource, String what) {
        return new Finding(id, pass ? PASS : severity, resource, (pass ? "ok: " : "failed: ") + what);
    }

    /** True when the check does not hold. */
    public boolean failed() {
        return !PASS.equals(severity);
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getSeverity() { return severity; }
    public void setSeverity(String severity) { this.severity = severity; }
    public String getResource() { return resource; }
    public void setResource(String resource) { this.resource = resource; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
}
