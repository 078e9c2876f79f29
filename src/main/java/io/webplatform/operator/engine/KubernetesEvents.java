package io.webplatform.operator.engine;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Records Kubernetes Events on the custom resource, so `kubectl describe` shows what the operator did. */
public final class KubernetesEvents implements EventSink {
    private static final Logger LOG = Logger.getLogger(KubernetesEvents.class);
    public static final String SOURCE = "webplatform-operator";

    private final KubernetesClient client;
    private final HasMetadata owner;

    public KubernetesEvents(KubernetesClient client, HasMetadata owner) {
        this.client = client;
        this.owner = owner;
    }

    @Override
    public void normal(String reason, String message) {
        emit("Normal", reason, message);
    }

    @Override
    public void warning(String reason, String message) {
        emit("Warning", reason, message);
    }

    private void emit(String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(owner.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(owner.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
                    .withNamespace(owner.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(owner.getApiVersion())
                    .withKind(owner.getKind())
                    .withName(owner.getMetadata().getName())
                    .withNamespace(owner.getMetadata().getNamespace())
                    .withUid(owner.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
                    .withNewSource().withComponent(SOURCE).endSource()
                    .withReportingComponent(SOURCE)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy; failing to record one must not fail the reconcile.
            LOG.debugf("could not record event %s: %s", reason, e.getMessage());
        }
    }
}
