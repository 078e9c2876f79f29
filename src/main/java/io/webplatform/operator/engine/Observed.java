package io.webplatform.operator.engine;

/**
 * What a component found in AWS.
 *
 * @param id         the AWS identifier (id, name or ARN) shown in status and read by dependents
 * @param ready      false while AWS is still working on it (pending, creating)
 * @param waitingFor what AWS is still doing, for the Reconciling message; when ready, a note for the
 *                   component's status (something a person should know but nothing to repair), or null
 * @param detail     the component's own view of the resource, passed back to repair and delete
 */
public record Observed(String id, boolean ready, String waitingFor, Object detail) {

    public static Observed ready(String id, Object detail) {
        return new Observed(id, true, null, detail);
    }

    /** Ready, with a note for the component's status message. */
    public static Observed ready(String id, Object detail, String note) {
        return new Observed(id, true, note, detail);
    }

    public static Observed pending(String id, String waitingFor, Object detail) {
        return new Observed(id, false, waitingFor, detail);
    }

    @SuppressWarnings("unchecked")
    public <T> T detail(Class<T> type) {
        return (T) detail;
    }
}
