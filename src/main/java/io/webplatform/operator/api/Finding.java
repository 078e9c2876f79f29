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
    @JsonPropertyDescription("Set when the spec turned the control off: the spec field that did. Such a finding is the user's choice,"
            + " reported so an audit sees it, and does not make the object Degraded.")
    private String optedOutBy;

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

    /**
     * A control the spec turned off ({@code field}: the spec field that did), as AWS's security checks
     * name it ({@code control}: the Security Hub control, {@code check}: prowler's check).
     */
    public static Finding control(String control, String check, boolean on, String severity, String resource, String what, String field) {
        Finding finding = new Finding(control, on ? PASS : severity, resource, (on ? "ok: " : field != null ? "opted out: " : "failed: ")
                + what + " (" + control + ", prowler " + check + ")" + (!on && field != null ? "; " + field : ""));
        finding.optedOutBy = on ? null : field;
        return finding;
    }

    /** True when the check does not hold. */
    public boolean failed() {
        return !PASS.equals(severity);
    }

    /** True when the check does not hold and the spec did not ask for that. */
    public boolean faulty() {
        return failed() && optedOutBy == null;
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getSeverity() { return severity; }
    public void setSeverity(String severity) { this.severity = severity; }
    public String getResource() { return resource; }
    public void setResource(String resource) { this.resource = resource; }
    public String getMessage() { return message; }
    public String getOptedOutBy() { return optedOutBy; }
    public void setOptedOutBy(String optedOutBy) { this.optedOutBy = optedOutBy; }
    public void setMessage(String message) { this.message = message; }
}
