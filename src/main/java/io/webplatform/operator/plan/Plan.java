package io.webplatform.operator.plan;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.api.SecureBucket;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.bucket.BucketScope;
import io.webplatform.operator.bucket.DataBucket;
import io.webplatform.operator.bucket.SecureBucketGraph;
import io.webplatform.operator.bucket.SecureBucketValidation;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.CloudFormationTemplate;
import io.webplatform.operator.platform.FlowLogDestination;
import io.webplatform.operator.platform.NetworkPlan;
import io.webplatform.operator.platform.PlatformScope;
import io.webplatform.operator.platform.WebPlatformGraph;
import io.webplatform.operator.platform.WebPlatformValidation;

import software.amazon.awssdk.services.ec2.model.Image;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the operator would create for a manifest, as one CloudFormation template per object, computed
 * by the components' own desired-state code with no AWS and no Kubernetes call. Names derive from
 * the object's UID: a manifest read back from the cluster (kubectl get -o yaml) plans the names the
 * operator uses; a new one gets {@link #PLACEHOLDER_UID}, and the template's Metadata says so.
 */
public final class Plan {
    public static final String PLACEHOLDER_UID = "00000000-0000-0000-0000-000000000000";
    /** The account, as CloudFormation knows it where the template is used. */
    static final String ACCOUNT = CfnResource.ref("AWS::AccountId");

    private Plan() {
    }

    /** The plans of every WebPlatform and SecureBucket in the manifests (other kinds are skipped), as YAML documents. */
    public static List<String> of(String manifests, String defaultRegion) {
        List<String> templates = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (document.isBlank() || !document.contains("kind:")) {
                continue;
            }
            String kind = Serialization.unmarshal(document, GenericKubernetesResource.class).getKind();
            if ("WebPlatform".equals(kind)) {
                templates.add(of(Serialization.unmarshal(document, WebPlatform.class), defaultRegion).toYaml());
            } else if ("SecureBucket".equals(kind)) {
                templates.add(of(Serialization.unmarshal(document, SecureBucket.class), defaultRegion).toYaml());
            }
        }
        return templates;
    }

    public static CloudFormationTemplate of(WebPlatform platform, String defaultRegion) {
        String region = region(platform.getSpec().region, defaultRegion, platform);
        CloudFormationTemplate template = template(platform, "WebPlatform", region);
        List<String> problems = WebPlatformValidation.validate(platform, region);
        // The operator asks AWS for the region's first two zones; a plan assumes a and b unless the spec lists them.
        List<String> zones = WebPlatformValidation.zones(platform, List.of(region + "a", region + "b"), problems);
        refuseProblems(platform, problems);
        NetworkPlan network = NetworkPlan.of(platform.getSpec().network, zones);
        refuseProblems(platform, WebPlatformValidation.overlappingSubnets(network));
        String flowLogBucketArn;
        if (platform.getSpec().network.flowLogs != null && platform.getSpec().network.flowLogs.bucketRef != null) {
            template.parameter("FlowLogBucketArn", "String", "ARN of SecureBucket " + platform.getSpec().network.flowLogs.bucketRef
                    + " (its status.outputs.bucketArn): the flow logs' destination");
            flowLogBucketArn = CfnResource.ref("FlowLogBucketArn");
        } else {
            // The WebPlatform makes its own flow-log SecureBucket: planned here too, as it is made with the platform.
            SecureBucket own = FlowLogDestination.ownBucket(platform, region, platform.getSpec().managementPolicy);
            own.getMetadata().setUid(PLACEHOLDER_UID);
            SecureBucketGraph.create().plan(BucketScope.forPlan(own, region, ACCOUNT), template);
            flowLogBucketArn = CfnResource.attribute(CfnResource.logicalId(DataBucket.NAME), "Arn");
            template.note("FlowLogBucket", "SecureBucket " + own.getMetadata().getName() + " (made by the WebPlatform; its names are"
                    + " planned with a placeholder UID, as it does not exist before the platform)");
        }
        template.note("AvailabilityZones", zones);
        WebPlatformGraph.create().plan(PlatformScope.forPlan(platform, network, region, ACCOUNT, flowLogBucketArn, appImage(platform)), template);
        return template;
    }

    /**
     * The spec's AMI, or Amazon Linux 2023 through its public SSM parameter, which CloudFormation
     * resolves when the template is used (the operator finds the same release with DescribeImages). A
     * Graviton type (a g after the generation: t4g, m7gd) boots arm64, the others x86_64.
     */
    static Image appImage(WebPlatform platform) {
        var app = platform.getSpec().app;
        if (app.amiId != null) {
            return Image.builder().imageId(app.amiId).build();
        }
        String arch = app.instanceType.matches("^[a-z]+[0-9]+[a-z]*g[a-z]*\\..*") ? "arm64" : "x86_64";
        return Image.builder().imageId("{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch + "}}")
                .rootDeviceName("/dev/xvda").architecture(arch).build();
    }

    public static CloudFormationTemplate of(SecureBucket bucket, String defaultRegion) {
        String region = region(bucket.getSpec().region, defaultRegion, bucket);
        CloudFormationTemplate template = template(bucket, "SecureBucket", region);
        refuseProblems(bucket, SecureBucketValidation.validate(bucket));
        SecureBucketGraph.create().plan(BucketScope.forPlan(bucket, region, ACCOUNT), template);
        return template;
    }

    private static CloudFormationTemplate template(HasMetadata object, String kind, String region) {
        if (object.getMetadata().getNamespace() == null) {
            object.getMetadata().setNamespace("default");
        }
        CloudFormationTemplate template = new CloudFormationTemplate("What the webplatform operator creates for " + kind + " "
                + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName() + " in " + region);
        if (object.getMetadata().getUid() == null) {
            object.getMetadata().setUid(PLACEHOLDER_UID);
            template.note("Names", "planned with a placeholder UID: names derived from the object's UID differ once it is"
                    + " created; plan the object read back from the cluster for its real names");
        }
        template.note("Object", Map.of("kind", kind, "namespace", object.getMetadata().getNamespace(),
                "name", object.getMetadata().getName(), "uid", object.getMetadata().getUid()));
        return template;
    }

    private static String region(String spec, String defaultRegion, HasMetadata object) {
        if (spec != null && !spec.isBlank()) {
            return spec;
        }
        if (defaultRegion == null || defaultRegion.isBlank()) {
            throw new IllegalArgumentException(object.getKind() + " " + object.getMetadata().getName()
                    + " names no spec.region: give the operator's default region with --region");
        }
        return defaultRegion;
    }

    private static void refuseProblems(HasMetadata object, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(object.getKind() + " " + object.getMetadata().getName()
                    + " would stall with InvalidSpec: " + String.join("; ", problems));
        }
    }
}
