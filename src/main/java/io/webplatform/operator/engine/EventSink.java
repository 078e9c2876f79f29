package io.webplatform.operator.engine;

/** Where the engine reports each create, repair, delete and error (Kubernetes Events in the operator). */
public interface EventSink {
    void normal(String reason, String message);

    void warning(String reason, String message);
}
