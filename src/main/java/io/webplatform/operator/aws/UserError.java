package io.webplatform.operator.aws;

/** A problem only a person can fix (invalid spec, missing permission, a resource owned by someone else). */
public class UserError extends RuntimeException {
    private final String reason;

    public UserError(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
