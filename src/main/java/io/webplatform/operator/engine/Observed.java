package io.webplatform.operator.engine;

/**
 * What a component found in AWS.
 *
 * @param id         the AWS identifier (id, name or ARN) shown in status and read by dependents
 * @param ready      false while AWS is still working on it (pending, creating)
 * @param waitingFor what AWS is still doing, for the Reconciling message; when ready, a note for the
 *                   component's status (something a person should know but nothing to repair), or null
 * @param detail     the component's typed view of the resource, passed to diff, apply and delete
 */
public record Observed<A>(String id, boolean ready, String waitingFor, A detail) {

    public static <A> Observed<A> ready(String id, A detail) {
        return new Observed<>(id, true, null, detail);
    }

    /** Ready, with a note for the component's status message. */
    public static <A> Observed<A> ready(String id, A detail, String note) {
        return new Observed<>(id, true, note, detail);
    }

    public static <A> Observed<A> pending(String id, String waitingFor, A detail) {
        return new Observed<>(id, false, waitingFor, detail);
    }

    /** The same finding with what the component made of it since (apply records what AWS now has). */
    public <B> Observed<B> withDetail(B detail) {
        return new Observed<>(id, ready, waitingFor, detail);
    }
}
