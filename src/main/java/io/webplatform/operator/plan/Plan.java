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
import io.webplatform.operator.api.ManagedStatus;
import io.webplatform.operator.aws.Identity;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.Installation;
import io.webplatform.operator.engine.CloudFormationTemplate;
import io.webplatform.operator.platform.DatabaseSecretPolicy;
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
 * by the components' own desired-state code with no AWS and no Kubernetes call. Names derive from the
 * installation name, kind, namespace and name, as the operator's (engine.Installation); a manifest read
 * back from the cluster keeps the owner key its status recorded (the UID, for stacks made before).
 */
public final class Plan {
    public static final String PLACEHOLDER_UID = "00000000-0000-0000-0000-000000000000";
    /** The operator's installation name when none is given: the operator's own default. */
    public static final String DEFAULT_INSTALLATION = "webplatform";
    /** The account, as CloudFormation knows it where the template is used. */
    static final String ACCOUNT = CfnResource.ref("AWS::AccountId");

    private Plan() {
    }

    /** The plans of every WebPlatform and SecureBucket in the manifests (other kinds are skipped), as YAML documents. */
    public static List<String> of(String manifests, String defaultRegion) {
        return of(manifests, defaultRegion, DEFAULT_INSTALLATION);
    }

    /** As above, for an operator installed under this installation name (the chart's installationName). */
    public static List<String> of(String manifests, String defaultRegion, String installation) {
        List<String> templates = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (document.isBlank() || !document.contains("kind:")) {
                continue;
            }
            String kind = Serialization.unmarshal(document, GenericKubernetesResource.class).getKind();
            if ("WebPlatform".equals(kind)) {
                templates.add(of(Serialization.unmarshal(document, WebPlatform.class), defaultRegion, installation).toYaml());
            } else if ("SecureBucket".equals(kind)) {
                templates.add(of(Serialization.unmarshal(document, SecureBucket.class), defaultRegion, installation).toYaml());
            }
        }
        return templates;
    }

    public static CloudFormationTemplate of(WebPlatform platform, String defaultRegion) {
        return of(platform, defaultRegion, DEFAULT_INSTALLATION);
    }

    public static CloudFormationTemplate of(WebPlatform platform, String defaultRegion, String installation) {
        String region = region(platform.getSpec().region, defaultRegion, platform);
        CloudFormationTemplate template = template(platform, "WebPlatform", region);
        Identity identity = identity(platform, platform.getStatus(), installation, template);
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
            SecureBucketGraph.create().plan(BucketScope.forPlan(own, identity(own, null, installation, null), region, ACCOUNT, installation), template);
            flowLogBucketArn = CfnResource.attribute(CfnResource.logicalId(DataBucket.NAME), "Arn");
            template.note("FlowLogBucket", "SecureBucket " + own.getMetadata().getName() + " (made by the WebPlatform)");
        }
        template.note("AvailabilityZones", zones);
        if (platform.getSpec().database.secretAccess.restricted) {
            template.parameter(DatabaseSecretPolicy.OPERATOR_PRINCIPAL_PARAMETER, "String", "The operator's IAM role or user ARN, path included"
                    + " (the aws:PrincipalArn of its requests): the database secret's resource policy exempts it");
        }
        WebPlatformGraph.create().plan(PlatformScope.forPlan(platform, identity, network, region, ACCOUNT, flowLogBucketArn, appImage(platform)),
                template);
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
        return of(bucket, defaultRegion, DEFAULT_INSTALLATION);
    }

    public static CloudFormationTemplate of(SecureBucket bucket, String defaultRegion, String installation) {
        String region = region(bucket.getSpec().region, defaultRegion, bucket);
        CloudFormationTemplate template = template(bucket, "SecureBucket", region);
        refuseProblems(bucket, SecureBucketValidation.validate(bucket));
        SecureBucketGraph.create().plan(BucketScope.forPlan(bucket, identity(bucket, bucket.getStatus(), installation, template), region, ACCOUNT, installation),
                template);
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
        }
        template.note("Object", Map.of("kind", kind, "namespace", object.getMetadata().getNamespace(),
                "name", object.getMetadata().getName(), "uid", object.getMetadata().getUid()));
        return template;
    }

    /**
     * The owner key the operator would use, without its claim (which names the cluster). Said in the
     * template's Metadata (when given one) with what the names derive from.
     */
    private static Identity identity(HasMetadata object, ManagedStatus status, String installation, CloudFormationTemplate template) {
        String key = Installation.ownerKeyOf(object, status, installation);
        boolean ofUid = key.equals(object.getMetadata().getUid());
        if (template != null) {
            template.note("Names", ofUid ? "derived from the object's UID, as its status records (made before installations had names)"
                    : "derived from installation " + installation + ", kind, namespace and name: the operator installed as "
                    + installation + " gives the same");
        }
        return ofUid ? Identity.ofUid(object) : new Identity(key, null, "a plan adopts nothing", false);
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
