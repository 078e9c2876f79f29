package io.webplatform.operator.platform;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.aws.ResourceNames;
import software.amazon.awssdk.services.rds.model.DBInstance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kubernetes Secret an app in the cluster reads to reach the database: host, port, database,
 * user, and where the password is (the RDS-managed secret's ARN), never the password itself. Owned
 * by the WebPlatform, so Kubernetes removes it with the WebPlatform; written only when it changes.
 */
public final class ConnectionSecret {
    private ConnectionSecret() {
    }

    /** &lt;name&gt;-database, shortened with a hash when that would pass the 253 characters of a Kubernetes name. */
    public static String name(WebPlatform resource) {
        return ResourceNames.kubernetesName(resource.getMetadata().getName(), "-database");
    }

    /** The label naming the WebPlatform: label values hold at most 63 characters. */
    static String ownerLabel(WebPlatform resource) {
        return ResourceNames.labelValue(resource.getMetadata().getName());
    }

    static Map<String, String> data(DBInstance db, String databaseName, String region) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("host", db.endpoint().address());
        data.put("port", String.valueOf(db.endpoint().port()));
        data.put("database", databaseName);
        data.put("username", db.masterUsername());
        data.put("passwordSecretArn", db.masterUserSecret() == null ? "" : db.masterUserSecret().secretArn());
        data.put("region", region);
        data.put("sslmode", "require");
        return data;
    }

    /** Applies the Secret when it is missing or differs; returns true when it was written. */
    public static boolean apply(KubernetesClient kubernetes, WebPlatform resource, DBInstance db, String region) {
        Map<String, String> data = data(db, resource.getSpec().database.databaseName, region);
        var m = resource.getMetadata();
        var existing = kubernetes.secrets().inNamespace(m.getNamespace()).withName(name(resource)).get();
        if (existing != null && data.equals(decoded(existing))) {
            return false;
        }
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(name(resource)).withNamespace(m.getNamespace())
                .addToLabels("app.kubernetes.io/managed-by", "webplatform-operator")
                .addToLabels("webplatform.io/webplatform", ownerLabel(resource))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(resource.getApiVersion()).withKind(resource.getKind())
                        .withName(m.getName()).withUid(m.getUid()).withController(true).withBlockOwnerDeletion(false).build())
                .endMetadata()
                .withType("Opaque")
                .withStringData(data)
                .build();
        kubernetes.secrets().inNamespace(m.getNamespace()).resource(secret).forceConflicts().serverSideApply();
        return true;
    }

    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> out = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k, new String(java.util.Base64.getDecoder().decode(v), java.nio.charset.StandardCharsets.UTF_8)));
        }
        return out;
    }
}
