package io.webplatform.operator.engine;

/**
 * The component whose resource says which object holds a stack (its VPC, its data bucket): read before
 * anything is written, so that a stack held by another object is never changed, and moved only by an
 * adoption that was allowed.
 *
 * @param <S> the scope the component walks with
 * @param <A> the component's observed state
 */
public interface Anchor<S extends Scope, A> {

    /** The claim on the resource as observed ("&lt;cluster id&gt;/&lt;object UID&gt;"); null when it carries none. */
    String claimOf(A actual);

    /** Puts this claim on the resource: the one write of an adoption. */
    void claim(S scope, Observed<A> current, String claim);
}
