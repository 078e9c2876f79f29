package io.webplatform.operator.engine;

import io.webplatform.operator.aws.UserError;

import java.util.List;

/**
 * One AWS resource kind the operator manages. The engine drives every component through the same
 * life: observe (AWS is the truth), create when absent, repair drift, report readiness, and delete
 * in reverse dependency order. A component never sleeps: when AWS is still working it reports it
 * and the engine asks to be called again.
 *
 * @param <S> what the component reads: the spec, derived names, AWS clients, what others observed
 */
public interface Component<S extends Scope> {

    /** Stable name, used in status, events and the ownership tag. */
    String name();

    /** Components that must be ready before this one is created, and gone before it is deleted. */
    default List<String> dependsOn() {
        return List.of();
    }

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

    /** Finds the resource (by deterministic name or ownership tags); null when it does not exist. Only reads. */
    Observed observe(S scope);

    /** Creates the resource, tagged at creation, with an idempotency token where the API takes one. */
    void create(S scope);

    /**
     * Brings drifted settings back to the desired ones; returns one line per change made, empty
     * when nothing drifted. Also completes the configuration of a freshly created resource.
     */
    List<String> repair(S scope, Observed current);

    /** Starts or completes the deletion; returns true when the resource is gone on return. */
    boolean delete(S scope, Observed current);

    /** True when the deletion policy keeps this resource. */
    default boolean retainedOnDelete(S scope) {
        return false;
    }
}
