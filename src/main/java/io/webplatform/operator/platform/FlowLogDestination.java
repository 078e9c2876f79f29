package io.webplatform.operator.platform;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.webplatform.operator.api.Condition;
import io.webplatform.operator.api.DeletionPolicy;
import io.webplatform.operator.api.ManagementPolicy;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.SecureBucketSpec;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.aws.ResourceNames;
import io.webplatform.operator.engine.Installation;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the flow logs go: the SecureBucket the spec names, or — when it names none — a SecureBucket
 * the WebPlatform makes for itself (named &lt;name&gt;-flowlogs, deleted with it, emptied on delete).
 */
public final class FlowLogDestination {

    /** The bucket ARN when usable; otherwise why not, and whether a person must act. */
    /** @param soon while waiting: the bucket is being made (not Stalled), so it may be Ready within seconds */
    public record Resolution(String bucketArn, String reason, String message, boolean needsPerson, boolean soon) {
        static Resolution ready(String arn) {
            return new Resolution(arn, null, null, false, false);
        }

        static Resolution waiting(String message, boolean soon) {
            return new Resolution(null, "WaitingForFlowLogBucket", message, false, soon);
        }

        static Resolution invalid(String reason, String message) {
            return new Resolution(null, reason, message, true, false);
        }

        public boolean ready() {
            return bucketArn != null;
        }
    }

    private FlowLogDestination() {
    }

    /** &lt;name&gt;-flowlogs, shortened with a hash when that would pass the 253 characters of a Kubernetes name. */
    public static String ownBucketName(WebPlatform platform) {
        return ResourceNames.kubernetesName(platform.getMetadata().getName(), "-flowlogs");
    }

    /**
     * The flow-log bucket, made when missing under Manage. The WebPlatform's own bucket follows its
     * managementPolicy, so an observed platform's bucket is observed too (and released with it).
     */
    public static Resolution resolve(KubernetesClient client, WebPlatform platform, String region, ManagementPolicy policy) {
        String namespace = platform.getMetadata().getNamespace();
        String ref = platform.getSpec().network.flowLogs == null ? null : platform.getSpec().network.flowLogs.bucketRef;
        String name = ref != null ? ref : ownBucketName(platform);
        SecureBucket bucket = client.resources(SecureBucket.class).inNamespace(namespace).withName(name).get();
        if (bucket == null) {
            if (ref != null) {
                return Resolution.invalid("FlowLogBucketNotFound", "spec.network.flowLogs.bucketRef names SecureBucket " + ref
                        + ", which does not exist in namespace " + namespace + "; create it or remove bucketRef");
            }
            if (policy == ManagementPolicy.Observe) {
                return Resolution.invalid("FlowLogBucketNotFound", "SecureBucket " + name + " for the flow logs does not exist,"
                        + " and managementPolicy Observe creates nothing; set managementPolicy: Manage or name a bucket with spec.network.flowLogs.bucketRef");
            }
            try {
                client.resource(ownBucket(platform, region, policy)).create();
            } catch (KubernetesClientException e) {
                // Made by an earlier pass whose answer was lost: it is ours, judged at the next pass.
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return Resolution.waiting("creating SecureBucket " + name + " for the flow logs", true);
        }
        if (ref == null && !ownedBy(bucket, platform)) {
            return Resolution.invalid("FlowLogBucketInvalid", "SecureBucket " + name + " exists but was not made by this"
                    + " WebPlatform; reference it with spec.network.flowLogs.bucketRef, or rename it");
        }
        if (ref == null && bucket.getSpec().managementPolicy != policy) {
            bucket.getSpec().managementPolicy = policy;
            client.resource(bucket).update();
            return Resolution.waiting("SecureBucket " + name + " now follows managementPolicy " + policy, true);
        }
        if (ref == null && adopts(platform) && !adopts(bucket)) {
            // Allowed to adopt after its bucket was made (a person read AdoptionNotAllowed): the bucket may too.
            Map<String, String> annotations = bucket.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(bucket.getMetadata().getAnnotations());
            annotations.put(Installation.ADOPT_ANNOTATION, "true");
            bucket.getMetadata().setAnnotations(annotations);
            client.resource(bucket).update();
            return Resolution.waiting("SecureBucket " + name + " may now adopt its stack, as the WebPlatform may", true);
        }
        SecureBucketSpec spec = bucket.getSpec();
        String bucketRegion = spec.region == null ? region : spec.region;
        if (!bucketRegion.equals(region)) {
            return Resolution.invalid("FlowLogBucketInvalid", "SecureBucket " + name + " is in " + bucketRegion
                    + "; flow logs need a bucket in the WebPlatform's region " + region);
        }
        if (!spec.allowLogDelivery) {
            return Resolution.invalid("FlowLogBucketInvalid", "SecureBucket " + name + " does not accept AWS log delivery;"
                    + " set its spec.allowLogDelivery: true");
        }
        Condition ready = bucket.getStatus() == null ? null : bucket.getStatus().condition(Condition.READY);
        String arn = bucket.getStatus() == null || bucket.getStatus().getOutputs() == null ? null : bucket.getStatus().getOutputs().bucketArn;
        if (policy == ManagementPolicy.Observe && arn != null) {
            // Observing compares the flow log's destination with the bucket; the bucket's own drift is its own status.
            return Resolution.ready(arn);
        }
        if (ready == null || !ready.isTrue() || arn == null) {
            Condition stalled = bucket.getStatus() == null ? null : bucket.getStatus().condition(Condition.STALLED);
            return Resolution.waiting("waiting for SecureBucket " + name + " to be Ready"
                    + (ready == null ? "" : " (" + ready.getReason() + ": " + ready.getMessage() + ")"), stalled == null || !stalled.isTrue());
        }
        return Resolution.ready(bucket.getStatus().getOutputs().bucketArn);
    }

    /**
     * True once the WebPlatform's own flow-log SecureBucket (if any) is under managementPolicy
     * Observe, so that deleting the platform leaves its bucket and key in AWS; switches it when not.
     */
    public static boolean ownBucketObserved(KubernetesClient client, WebPlatform platform) {
        if (platform.getSpec().network.flowLogs != null && platform.getSpec().network.flowLogs.bucketRef != null) {
            return true;
        }
        SecureBucket bucket = client.resources(SecureBucket.class).inNamespace(platform.getMetadata().getNamespace())
                .withName(ownBucketName(platform)).get();
        if (bucket == null || !ownedBy(bucket, platform) || bucket.getSpec().managementPolicy == ManagementPolicy.Observe) {
            return true;
        }
        bucket.getSpec().managementPolicy = ManagementPolicy.Observe;
        client.resource(bucket).update();
        return false;
    }

    /** Deletes the WebPlatform's own flow-log bucket; true once it is gone (its own finalizer empties it first). */
    public static boolean deleteOwnBucket(KubernetesClient client, WebPlatform platform) {
        if (platform.getSpec().network.flowLogs != null && platform.getSpec().network.flowLogs.bucketRef != null) {
            return true;
        }
        var resource = client.resources(SecureBucket.class).inNamespace(platform.getMetadata().getNamespace())
                .withName(ownBucketName(platform));
        SecureBucket bucket = resource.get();
        if (bucket == null || !ownedBy(bucket, platform)) {
            return true; // never delete a SecureBucket this WebPlatform did not make
        }
        if (bucket.getMetadata().getDeletionTimestamp() == null) {
            resource.delete();
        }
        return false;
    }

    private static boolean adopts(HasMetadata object) {
        return object.getMetadata().getAnnotations() != null
                && "true".equals(object.getMetadata().getAnnotations().get(Installation.ADOPT_ANNOTATION));
    }

    private static boolean ownedBy(SecureBucket bucket, WebPlatform platform) {
        return bucket.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> platform.getMetadata().getUid().equals(o.getUid()) && Boolean.TRUE.equals(o.getController()));
    }

    /** The SecureBucket a WebPlatform without bucketRef makes for its flow logs. */
    public static SecureBucket ownBucket(WebPlatform platform, String region, ManagementPolicy policy) {
        SecureBucketSpec spec = new SecureBucketSpec();
        spec.managementPolicy = policy;
        spec.region = region;
        spec.allowLogDelivery = true;
        spec.deletionPolicy = DeletionPolicy.Delete;
        spec.emptyOnDelete = true;
        spec.tags.putAll(platform.getSpec().tags);
        SecureBucket bucket = new SecureBucket();
        bucket.getMetadata().setName(ownBucketName(platform));
        bucket.getMetadata().setNamespace(platform.getMetadata().getNamespace());
        // The WebPlatform's labels, so an operator deployment that selects it by label also reconciles its bucket.
        if (platform.getMetadata().getLabels() != null) {
            bucket.getMetadata().setLabels(new java.util.HashMap<>(platform.getMetadata().getLabels()));
        }
        // A platform allowed to adopt its stack (a rebuilt cluster) adopts its flow-log bucket's too.
        if (adopts(platform)) {
            bucket.getMetadata().setAnnotations(new HashMap<>(Map.of(Installation.ADOPT_ANNOTATION, "true")));
        }
        bucket.getMetadata().setOwnerReferences(java.util.List.of(new OwnerReferenceBuilder()
                .withApiVersion(platform.getApiVersion()).withKind(platform.getKind())
                .withName(platform.getMetadata().getName()).withUid(platform.getMetadata().getUid())
                .withBlockOwnerDeletion(true).withController(true).build()));
        bucket.setSpec(spec);
        return bucket;
    }
}
