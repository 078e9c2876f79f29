package io.webplatform.operator.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.webplatform.operator.api.WebPlatform;
import io.webplatform.operator.api.WebPlatformSpec;
import io.webplatform.operator.aws.Partition;
import io.webplatform.operator.aws.PolicyDocuments;
import io.webplatform.operator.engine.CfnResource;
import io.webplatform.operator.engine.CloudFormationTemplate;
import io.webplatform.operator.plan.Plan;
import io.webplatform.operator.testing.PinnedTool;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secret's resource policy as AWS and prowler read it, without the emulator (which stores any policy and
 * evaluates none): it exempts the app, RDS's service-linked role with its path and the operator, in the region's
 * partition; it only denies, so BlockPublicPolicy has nothing to refuse; at its largest it fits Secrets Manager's
 * 20,480 characters; and prowler's own secretsmanager_has_restrictive_resource_policy passes it, and judges every
 * variant below as {@link DatabaseSecretPolicy#restricts}, which the status finding uses, does.
 */
class DatabaseSecretPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "123456789012";
    private static final String SECRET = "arn:aws:secretsmanager:eu-west-3:" + ACCOUNT + ":secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf";
    private static final String APP = "arn:aws:iam::" + ACCOUNT + ":role/wp-demo-shop-0123ab-app";
    private static final String OPERATOR = "arn:aws:iam::" + ACCOUNT + ":role/platform/operators/webplatform-operator";
    private static final String RDS = DatabaseSecretPolicy.rdsServiceLinkedRole(Partition.of("eu-west-3"), ACCOUNT);

    private static WebPlatform restrictedSample(String... principals) throws Exception {
        WebPlatform wp = Serialization.unmarshal(Files.readString(Path.of("samples/webplatform.yaml")), WebPlatform.class);
        wp.getSpec().database.secretAccess.restricted = true;
        wp.getSpec().database.secretAccess.principals = new ArrayList<>(List.of(principals));
        return wp;
    }

    @Test
    void thePlanExemptsTheAppRdsWithItsPathTheOperatorAndTheListedPrincipalsAndBlocksPublicPolicies() throws Exception {
        String breakGlass = "arn:aws:iam::" + ACCOUNT + ":role/break-glass";
        CloudFormationTemplate template = Plan.of(restrictedSample(breakGlass), null);
        CfnResource policy = template.resources().get("DatabaseSecretPolicy");
        assertThat(policy.type()).isEqualTo("AWS::SecretsManager::ResourcePolicy");
        assertThat(policy.properties()).containsEntry("SecretId", "${Database.MasterUserSecret.SecretArn}").containsEntry("BlockPublicPolicy", true);
        JsonNode document = JSON.valueToTree(policy.properties().get("ResourcePolicy"));
        assertThat(document.path("Statement")).hasSize(1);
        JsonNode statement = document.path("Statement").get(0);
        assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
        assertThat(JSON.convertValue(statement.path("Condition").path("StringNotEquals").path("aws:PrincipalArn"), List.class))
                .containsExactly("${InstanceRole.Arn}",
                        "arn:aws:iam::${AWS::AccountId}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS",
                        "${OperatorPrincipalArn}", breakGlass);
        assertThat(template.unresolvedReferences()).as("the operator's ARN is a parameter of the template").isEmpty();
        assertThat(template.toYaml()).contains("OperatorPrincipalArn:");
        // Not asked for: nothing in the plan, and no parameter.
        WebPlatform sample = restrictedSample();
        sample.getSpec().database.secretAccess.restricted = false;
        CloudFormationTemplate off = Plan.of(sample, null);
        assertThat(off.resources()).doesNotContainKey("DatabaseSecretPolicy");
        assertThat(off.toYaml()).doesNotContain("OperatorPrincipalArn");
    }

    @Test
    void inGovCloudEveryArnOfThePolicyIsOfTheGovCloudPartitionAndAnArnOfAnotherPartitionIsRefused() throws Exception {
        WebPlatform wp = restrictedSample("arn:aws-us-gov:iam::" + ACCOUNT + ":user/auditor");
        wp.getSpec().region = "us-gov-west-1";
        String policy = Plan.of(wp, null).toYaml();
        assertThat(policy).contains("arn:aws-us-gov:iam::${AWS::AccountId}:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS")
                .doesNotContain("arn:aws:");
        WebPlatform mixed = restrictedSample("arn:aws:iam::" + ACCOUNT + ":user/auditor");
        mixed.getSpec().region = "us-gov-west-1";
        assertThat(WebPlatformValidation.validate(mixed, "us-gov-west-1")).containsExactly("spec.database.secretAccess.principals:"
                + " arn:aws:iam::" + ACCOUNT + ":user/auditor is not of the aws-us-gov partition of region us-gov-west-1");
        assertThat(WebPlatformValidation.validate(restrictedSample("arn:aws:iam::" + ACCOUNT + ":user/auditor"), "eu-west-3")).isEmpty();
    }

    /** Only a Deny: Secrets Manager's BlockPublicPolicy refuses policies that allow broad access, and this one allows nothing. */
    @Test
    void thePolicyOnlyDeniesAndAtItsLargestFitsSecretsManagersLimit() {
        String longest = "arn:aws-us-gov:iam::" + ACCOUNT + ":role/" + "p".repeat(510) + "/" + "n".repeat(64);
        assertThat(longest).hasSize(WebPlatformSpec.PRINCIPAL_ARN_MAX).matches(WebPlatformSpec.PRINCIPAL_ARN_PATTERN);
        List<String> exempted = new ArrayList<>(List.of("arn:aws-us-gov:iam::" + ACCOUNT + ":role/" + "a".repeat(64),
                DatabaseSecretPolicy.rdsServiceLinkedRole(Partition.of("us-gov-west-1"), ACCOUNT), longest));
        IntStream.range(0, 20).forEach(i -> exempted.add(longest.substring(0, longest.length() - 3) + String.format("%03d", i)));
        String policy = PolicyDocuments.toJson(DatabaseSecretPolicy.policy(exempted));
        System.out.printf("[measure] largest secret resource policy: %d characters (Secrets Manager: %d)%n", policy.length(),
                DatabaseSecretPolicy.MAX_POLICY_CHARACTERS);
        assertThat(policy.length()).isLessThanOrEqualTo(DatabaseSecretPolicy.MAX_POLICY_CHARACTERS);
        assertThat(PolicyDocuments.parse(policy).path("Statement")).allSatisfy(s -> assertThat(s.path("Effect").asText()).isEqualTo("Deny"));
    }

    @Test
    void theSidTellsTheOperatorsPolicyFromAPersons() {
        assertThat(DatabaseSecretPolicy.carriesOurSid(PolicyDocuments.toJson(DatabaseSecretPolicy.policy(List.of(APP, RDS, OPERATOR))))).isTrue();
        assertThat(DatabaseSecretPolicy.carriesOurSid("{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"TheirOwn\",\"Effect\":\"Deny\"}}"))
                .isFalse();
        assertThat(DatabaseSecretPolicy.carriesOurSid("not json")).isFalse();
    }

    private static ObjectNode ours() {
        return DatabaseSecretPolicy.policy(List.of(APP, RDS, OPERATOR));
    }

    private static ObjectNode statement(ObjectNode doc) {
        return (ObjectNode) doc.path("Statement").get(0);
    }

    private static ObjectNode withStatement(ObjectNode doc, String json) throws Exception {
        ((ArrayNode) doc.get("Statement")).add(JSON.readTree(json));
        return doc;
    }

    /** Whether prowler passes each document: the operator's, and what a person's edit or a mistake would make of it. */
    private static Map<String, Boolean> variants() {
        Map<String, Boolean> cases = new LinkedHashMap<>();
        for (String passes : List.of("the operator's", "Principal {AWS: *}", "Action *", "Resource the secret's ARN",
                "condition key in lower case", "a narrowing Deny with NotAction for the app")) {
            cases.put(passes, true);
        }
        for (String fails : List.of("only GetSecretValue denied", "Resource another secret", "a role wildcard", "an assumed-role session",
                "the root user", "StringNotLike", "a second key", "an Allow to everyone", "an Allow to another account",
                "a wildcard NotAction for the app", "no statement")) {
            cases.put(fails, false);
        }
        return cases;
    }

    private static ObjectNode document(String variant) throws Exception {
        return switch (variant) {
            case "the operator's" -> ours();
            case "Principal {AWS: *}" -> {
                ObjectNode d = ours();
                statement(d).putObject("Principal").put("AWS", "*");
                yield d;
            }
            case "Action *" -> {
                ObjectNode d = ours();
                statement(d).put("Action", "*");
                yield d;
            }
            case "Resource the secret's ARN" -> {
                ObjectNode d = ours();
                statement(d).put("Resource", SECRET);
                yield d;
            }
            case "condition key in lower case" -> {
                ObjectNode d = ours();
                ObjectNode notEquals = (ObjectNode) statement(d).path("Condition").path("StringNotEquals");
                notEquals.set("aws:principalarn", notEquals.remove("aws:PrincipalArn"));
                yield d;
            }
            case "a narrowing Deny with NotAction for the app" -> withStatement(ours(), "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + APP
                    + "\"},\"NotAction\":[\"secretsmanager:GetSecretValue\",\"secretsmanager:DescribeSecret\"],\"Resource\":\"*\"}");
            case "only GetSecretValue denied" -> {
                ObjectNode d = ours();
                statement(d).put("Action", "secretsmanager:GetSecretValue");
                yield d;
            }
            case "Resource another secret" -> {
                ObjectNode d = ours();
                statement(d).put("Resource", SECRET.replace("rds!db-0a1b", "rds!db-ffff"));
                yield d;
            }
            case "a role wildcard" -> DatabaseSecretPolicy.policy(List.of(APP, RDS, "arn:aws:iam::" + ACCOUNT + ":role/platform/*"));
            case "an assumed-role session" -> DatabaseSecretPolicy.policy(List.of(APP, RDS,
                    "arn:aws:sts::" + ACCOUNT + ":assumed-role/webplatform-operator/pod"));
            case "the root user" -> DatabaseSecretPolicy.policy(List.of(APP, RDS, "arn:aws:iam::" + ACCOUNT + ":root"));
            case "StringNotLike" -> {
                ObjectNode d = ours();
                ObjectNode condition = (ObjectNode) statement(d).path("Condition");
                condition.set("StringNotLike", condition.remove("StringNotEquals"));
                yield d;
            }
            case "a second key" -> {
                ObjectNode d = ours();
                ((ObjectNode) statement(d).path("Condition").path("StringNotEquals")).put("aws:SourceVpc", "vpc-0123456789abcdef0");
                yield d;
            }
            case "an Allow to everyone" -> withStatement(ours(),
                    "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}");
            case "an Allow to another account" -> withStatement(ours(), "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                    + "\"arn:aws:iam::210987654321:role/reader\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}");
            case "a wildcard NotAction for the app" -> withStatement(ours(), "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + APP
                    + "\"},\"NotAction\":\"secretsmanager:*\",\"Resource\":\"*\"}");
            case "no statement" -> PolicyDocuments.document();
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /**
     * prowler's check run on the documents by prowler's own code (the pinned version hack/testbed-build.sh installs),
     * its service client replaced by one that holds a secret per document; and the operator's judgement alongside.
     */
    @Test
    void prowlersOwnCheckPassesTheOperatorsPolicyAndJudgesEveryVariantAsTheFindingDoes() throws Exception {
        Path prowler = PinnedTool.find("prowler", "PROWLER_VERSION", "Prowler ", "prowler", Map.of());
        Path python = prowler.toRealPath().getParent().resolve("python3");
        Map<String, Boolean> expected = variants();
        List<String> names = List.copyOf(expected.keySet());
        List<JsonNode> documents = new ArrayList<>();
        for (String name : names) {
            documents.add(document(name));
        }
        List<String> statuses = prowlerJudges(python, "aws", documents);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String policy = PolicyDocuments.toJson(documents.get(i));
            assertThat(statuses.get(i)).as("prowler on " + name + ": " + policy).isEqualTo(expected.get(name) ? "PASS" : "FAIL");
            assertThat(DatabaseSecretPolicy.restricts(policy, SECRET, Partition.of("eu-west-3"), ACCOUNT))
                    .as("the finding on " + name + ": " + policy).isEqualTo(expected.get(name));
        }
        // GovCloud: its own partition passes, the standard one's ARNs do not.
        Partition gov = Partition.of("us-gov-west-1");
        JsonNode govPolicy = DatabaseSecretPolicy.policy(List.of(APP.replace("arn:aws:", "arn:aws-us-gov:"),
                DatabaseSecretPolicy.rdsServiceLinkedRole(gov, ACCOUNT), OPERATOR.replace("arn:aws:", "arn:aws-us-gov:")));
        assertThat(prowlerJudges(python, "aws-us-gov", List.of(govPolicy, ours()))).containsExactly("PASS", "FAIL");
        String govSecret = SECRET.replace("arn:aws:", "arn:aws-us-gov:");
        assertThat(DatabaseSecretPolicy.restricts(PolicyDocuments.toJson(govPolicy), govSecret, gov, ACCOUNT)).isTrue();
        assertThat(DatabaseSecretPolicy.restricts(PolicyDocuments.toJson(ours()), govSecret, gov, ACCOUNT)).isFalse();
    }

    /** The check's statuses, one per document, in order. */
    private static List<String> prowlerJudges(Path python, String partition, List<JsonNode> documents) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("partition", partition).put("account", ACCOUNT)
                .put("secretArn", partition.equals("aws") ? SECRET : SECRET.replace("arn:aws:", "arn:" + partition + ":"));
        ArrayNode policies = input.putArray("policies");
        documents.forEach(policies::add);
        Path in = Files.createTempFile("secret-policies", ".json");
        Path script = Files.createTempFile("prowler-check", ".py");
        try {
            Files.writeString(in, JSON.writeValueAsString(input));
            Files.writeString(script, HARNESS);
            PinnedTool.Result r = PinnedTool.run(List.of(python.toString(), script.toString(), in.toString()), Map.of());
            assertThat(r.exit()).as("the harness; stderr: " + r.err()).isZero();
            return JSON.convertValue(JSON.readTree(r.out()), List.class);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(script);
        }
    }

    /** Runs the check itself over one secret per policy, with a stand-in for the service client prowler would build from AWS. */
    private static final String HARNESS = """
            import json, sys, types
            from datetime import datetime, timezone
            case = json.load(open(sys.argv[1]))
            client = types.SimpleNamespace(audit_config={}, audited_partition=case["partition"], audited_account=case["account"],
                provider=types.SimpleNamespace(_assumed_role_configuration=None,
                    identity=types.SimpleNamespace(identity_arn="arn:%s:iam::%s:user/auditor" % (case["partition"], case["account"]))),
                secrets={})
            module = types.ModuleType("prowler.providers.aws.services.secretsmanager.secretsmanager_client")
            module.secretsmanager_client = client
            sys.modules[module.__name__] = module
            from prowler.providers.aws.services.secretsmanager.secretsmanager_service import Secret
            from prowler.providers.aws.services.secretsmanager.secretsmanager_has_restrictive_resource_policy.secretsmanager_has_restrictive_resource_policy import secretsmanager_has_restrictive_resource_policy
            now = datetime.now(timezone.utc)
            client.secrets = {str(i): Secret(arn=case["secretArn"], name="rds!db-%d" % i, region="eu-west-3", policy=p,
                                             last_rotated_date=now, last_accessed_date=now) for i, p in enumerate(case["policies"])}
            print(json.dumps([f.status for f in secretsmanager_has_restrictive_resource_policy().execute()]))
            """;
}
