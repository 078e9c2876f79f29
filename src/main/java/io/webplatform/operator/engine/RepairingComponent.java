package io.webplatform.operator.engine;

import java.util.List;

/**
 * Transitional: a component whose {@link #repair} still decides and changes at once, so it has no
 * desired value and no pure diff. The engine calls repair where it would call diff and apply.
 * Removed once every component is converted.
 */
public abstract class RepairingComponent<S extends Scope> implements Component<S, Void, Object> {

    /** Creates the resource, tagged at creation, with an idempotency token where the API takes one. */
    public abstract void create(S scope);

    /** Brings drifted settings back; one line per change made. Also completes a freshly created resource. */
    public abstract List<String> repair(S scope, Observed<Object> current);

    @Override
    public final Void desired(S scope) {
        return null;
    }

    @Override
    public final List<Change> diff(Object actual, Void desired) {
        return List.of();
    }

    @Override
    public final void create(S scope, Void desired) {
        create(scope);
    }

    @Override
    public final void apply(S scope, Observed<Object> current, Void desired, List<Change> changes) {
        repair(scope, current);
    }
}
