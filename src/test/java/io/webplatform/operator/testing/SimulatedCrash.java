package io.webplatform.operator.testing;

/**
 * The operator process dying. An Error, not an exception, so neither the SDK nor the engine's
 * per-component error handling can swallow it: the pass stops right there, as a killed process would.
 */
public class SimulatedCrash extends Error {
    public SimulatedCrash(String after) {
        super("simulated crash after " + after);
    }
}
