package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.webplatform.operator.aws.Identity;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.webplatform.operator.api.ManagedStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * This operator installation: its name (the chart's installationName), whether it may adopt a stack
 * whose holder is gone (the chart's adoption.allowed), and the cluster it runs in. Together with an
 * object's kind, namespace and name they say which AWS stack is the object's, in any cluster.
 */
@ApplicationScoped
public class Installation {
    /** The per-object half of the permission to adopt. */
    public static final String ADOPT_ANNOTATION = "webplatform.io/adopt";

    @ConfigProperty(name = "webplatform.installation", defaultValue = "webplatform")
    String name;
    @ConfigProperty(name = "webplatform.adoption.allowed", defaultValue = "false")
    boolean adoptionAllowed;
    /** Overrides the cluster's identity (the kube-system namespace's UID), for a cluster that hides it. */
    @ConfigProperty(name = "webplatform.cluster-id")
    Optional<String> clusterIdOverride;
    @Inject
    KubernetesClient kubernetes;

    private volatile String clusterId;

    /** The chart's installationName: what the installation's shared resources (a region's CloudTrail trail) are named after. */
    public String name() {
        return name;
    }

    /** The kube-system namespace's UID: made with the cluster, never changed, gone with it. */
    public String clusterId() {
        if (clusterId == null) {
            clusterId = clusterIdOverride.filter(id -> !id.isBlank()).orElseGet(() -> {
                Namespace kubeSystem = kubernetes.namespaces().withName("kube-system").get();
                if (kubeSystem == null) {
                    throw new IllegalStateException("the cluster has no kube-system namespace to identify it;"
                            + " set webplatform.cluster-id (WEBPLATFORM_CLUSTER_ID)");
                }
                return kubeSystem.getMetadata().getUid();
            });
        }
        return clusterId;
    }

    /**
     * The object's identity in this installation and cluster, from the status it had when the pass began
     * (null for an object never reconciled).
     */
    public Identity identityOf(HasMetadata object, ManagedStatus status) {
        String key = ownerKeyOf(object, status, name);
        if (key.equals(object.getMetadata().getUid())) {
            return Identity.ofUid(object);
        }
        return new Identity(key, Identity.claimOf(clusterId(), object), toAdopt(object), status != null && status.getClaim() != null);
    }

    /**
     * The key recorded in status wins. An object with a status but no key was reconciled by an operator
     * from before installations had names: it keeps its UID, whatever its status shows, so nothing is
     * made again. Only an object never reconciled gets the installation's key.
     */
    public static String ownerKeyOf(HasMetadata object, ManagedStatus status, String installation) {
        if (status != null && status.getOwnerKey() != null) {
            return status.getOwnerKey();
        }
        if (status != null) {
            return object.getMetadata().getUid();
        }
        return Identity.keyOf(installation, object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    /** Null when this object may adopt; otherwise which half of the permission is missing. */
    private String toAdopt(HasMetadata object) {
        boolean annotated = object.getMetadata().getAnnotations() != null
                && "true".equals(object.getMetadata().getAnnotations().get(ADOPT_ANNOTATION));
        if (adoptionAllowed && annotated) {
            return null;
        }
        if (!adoptionAllowed && !annotated) {
            return "the chart value adoption.allowed=true and the annotation " + ADOPT_ANNOTATION + ": \"true\" on this object";
        }
        return adoptionAllowed ? "the annotation " + ADOPT_ANNOTATION + ": \"true\" on this object"
                : "the chart value adoption.allowed=true (this object has the annotation)";
    }
}
