package io.webplatform.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A highly available web tier: a VPC over two zones, NAT, a strict security-group chain, a Network
 * Load Balancer, two app instances, RDS PostgreSQL, flow logs and alarms.
 */
@Group(SecureBucket.GROUP)
@Version(SecureBucket.VERSION)
@ShortNames({"wp", "webplat"})
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Endpoint", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.outputs.loadBalancerDnsName")
@AdditionalPrinterColumn(name = "Database", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.outputs.databaseEndpoint")
@AdditionalPrinterColumn(name = "Reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE,
        jsonPath = ".metadata.creationTimestamp")
public class WebPlatform extends CustomResource<WebPlatformSpec, WebPlatformStatus> implements Namespaced {
}
