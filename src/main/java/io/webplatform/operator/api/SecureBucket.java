package io.webplatform.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An S3 bucket with versioning, SSE-KMS, the public access block, a TLS-only policy, optional
 * replication to a backup bucket and an optional CloudTrail trail of its object writes.
 */
@Group(SecureBucket.GROUP)
@Version(SecureBucket.VERSION)
@ShortNames({"sbucket", "sb"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Bucket", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.outputs.bucketName")
@AdditionalPrinterColumn(name = "Replication", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.replication")
@AdditionalPrinterColumn(name = "Trail", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.trail")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
public class SecureBucket extends CustomResource<SecureBucketSpec, SecureBucketStatus> implements Namespaced {
    public static final String GROUP = "webplatform.io";
    public static final String VERSION = "v1alpha1";
}
