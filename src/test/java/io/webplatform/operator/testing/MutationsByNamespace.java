package io.webplatform.operator.testing;

import io.webplatform.operator.aws.ApiCallMetrics;
import org.slf4j.MDC;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SDK seam for the in-process operator that records every call it attempts (and the mutating ones apart), by the
 * namespace of the resource being reconciled (JOSDK puts it in the logging MDC of the reconcile
 * thread). A resource alone in its namespace is then proven to cost nothing, including what the
 * custom resources it makes (a flow-log SecureBucket) would do in AWS.
 */
public class MutationsByNamespace implements ExecutionInterceptor {
    private final Map<String, List<String>> calls = new ConcurrentHashMap<>();
    private final Map<String, List<String>> everyCall = new ConcurrentHashMap<>();
    private final Map<String, List<String>> mutationsByObject = new ConcurrentHashMap<>();

    /** The mutating calls made while reconciling resources of the namespace, in order. */
    public List<String> of(String namespace) {
        return List.copyOf(calls.getOrDefault(namespace, List.of()));
    }

    /** Every AWS call made while reconciling resources of the namespace, reads included. */
    public List<String> everyCallOf(String namespace) {
        return List.copyOf(everyCall.getOrDefault(namespace, List.of()));
    }

    /**
     * The mutating calls made while reconciling one object (kind as in its manifest, e.g. WebPlatform), in
     * order: what others in its namespace made (a SecureBucket it refers to) is not counted.
     */
    public List<String> of(String namespace, String kind, String name) {
        return List.copyOf(mutationsByObject.getOrDefault(kind + "/" + namespace + "/" + name, List.of()));
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String namespace = MDC.get("resource.namespace");
        if (namespace != null) {
            everyCall.computeIfAbsent(namespace, k -> new CopyOnWriteArrayList<>()).add(call);
        }
        if (namespace != null && !ApiCallMetrics.isReadOnly(call)) {
            calls.computeIfAbsent(namespace, k -> new CopyOnWriteArrayList<>()).add(call);
            String object = MDC.get("resource.kind") + "/" + namespace + "/" + MDC.get("resource.name");
            mutationsByObject.computeIfAbsent(object, k -> new CopyOnWriteArrayList<>()).add(call);
        }
    }
}
