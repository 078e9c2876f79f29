package io.webplatform.operator.engine;

import io.webplatform.operator.aws.UserError;

import java.util.List;

/**
 * One AWS resource kind the operator manages, as data: what the operator wants ({@link #desired}),
 * what AWS has ({@link #observe}), and the difference between the two ({@link #diff}). The engine
 * drives every component through the same life: observe (AWS is the truth), create when absent,
 * {@code apply(diff(actual, desired))}, report readiness, and delete in reverse dependency order.
 * Because the intent is a value, the same code plans without AWS, reports drift without repairing
 * it (managementPolicy Observe), and repairs it. A component never sleeps: when AWS is still
 * working it reports it and the engine asks to be called again.
 *
 * <p>Edges (what must be ready first, what is read from another's observation) are declared in the
 * kind's graph, not here: see {@link ComponentGraph.Builder}.
 *
 * @param <S> what the component reads: the spec, derived names, AWS clients, what others observed
 * @param <D> the resource as the operator wants it
 * @param <A> the resource as AWS reports it
 */
public interface Component<S extends Scope, D, A> {

    /** Stable name, used in status, events and the ownership tag. */
    String name();

    /** False when the spec does not ask for this resource; the engine then removes it if it exists. */
    default boolean wanted(S scope) {
        return true;
    }

    /**
     * Checks, before any mutating call of the whole walk, what only AWS can judge (a referenced key
     * exists, say). Throws {@link UserError} to stop everything with a Stalled condition.
     */
    default void preflight(S scope) {
    }

    /**
     * The resource as the operator wants it, from the spec, derived names and what the graph's edges
     * observed in this pass. Makes no AWS call.
     */
    D desired(S scope);

    /** Finds the resource (by deterministic name or ownership tags); null when it does not exist. Only reads. */
    Observed<A> observe(S scope);

    /**
     * What differs between what AWS has and what is wanted, one typed change per field; empty when
     * they match. Pure: no call, no clock, no scope.
     */
    List<Change> diff(A actual, D desired);

    /** Creates the resource from the desired value, tagged at creation, with an idempotency token where the API takes one. */
    void create(S scope, D desired);

    /**
     * Makes the changes {@link #diff} found: repairs drift, and completes the configuration of a
     * freshly created resource (what its create call cannot set).
     */
    void apply(S scope, Observed<A> current, D desired, List<Change> changes);

    /** Starts or completes the deletion; returns true when the resource is gone on return. */
    boolean delete(S scope, Observed<A> current);

    /**
     * The CloudFormation resources the desired value stands for: the plan ({@code hack/plan.sh})
     * renders them without any AWS call. Properties say what create and apply send, with references
     * to other components' resources in Fn::Sub syntax ({@link CfnResource#ref}).
     */
    default List<CfnResource> cloudFormation(D desired) {
        throw new UnsupportedOperationException(name() + " is not in the plan yet");
    }

    /**
     * What observe would report right after create, its ids as references to this component's plan
     * resources, so that dependents compute their desired values in a plan exactly as in a pass.
     */
    default Observed<A> planned(S scope, D desired) {
        throw new UnsupportedOperationException(name() + " is not in the plan yet");
    }

    /**
     * Why this object's deletion (or its spec no longer asking for the resource) leaves the resource as it is,
     * unread: it is shared with other objects, say. Null when it is this object's to delete. May read AWS.
     */
    default String leftInPlace(S scope) {
        return null;
    }

    /** True when the deletion policy keeps this resource. */
    default boolean retainedOnDelete(S scope) {
        return false;
    }
}
