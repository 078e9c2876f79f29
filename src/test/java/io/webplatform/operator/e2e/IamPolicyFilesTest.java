package io.webplatform.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.webplatform.operator.testing.IamActions;
import io.webplatform.operator.testing.OperatorPolicies;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped IAM policies as AWS will read them, without the emulator (which accepts any size):
 * each managed policy within IAM's quota with headroom, the trust policy within its own, every
 * statement scoped, and the README walkthrough creating and attaching every file. What the
 * policies grant is judged against the operator's calls by AwsPermissionsIT, and linted by ParliamentIT.
 */
class IamPolicyFilesTest {
    private static final Pattern POLICY_LIST = Pattern.compile("^POLICIES=\"([a-z0-9 -]+)\"$");

    @Test
    void everyManagedPolicyFitsIamsQuotaWithHeadroom() throws IOException {
        List<Path> files = OperatorPolicies.files();
        assertThat(files).as("the operator's policies, split by service").hasSizeGreaterThan(1);
        for (Path file : files) {
            int size = OperatorPolicies.size(file);
            System.out.printf("[measure] %s: %d characters without whitespace (IAM quota %d, budget %d)%n",
                    file, size, OperatorPolicies.MANAGED_POLICY_LIMIT, OperatorPolicies.MANAGED_POLICY_BUDGET);
            assertThat(size).as(file + ": characters without whitespace").isLessThanOrEqualTo(OperatorPolicies.MANAGED_POLICY_BUDGET);
        }
        assertThat(OperatorPolicies.MANAGED_POLICY_BUDGET).isLessThan(OperatorPolicies.MANAGED_POLICY_LIMIT);
        // The trust policy as the walkthrough fills it in: an account id and an EKS OIDC issuer of real length.
        String trust = Files.readString(OperatorPolicies.IRSA_TRUST).replace("<account>", "123456789012")
                .replace("<oidc>", "oidc.eks.eu-west-3.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF");
        assertThat(trust.chars().filter(c -> !Character.isWhitespace(c)).count()).as(OperatorPolicies.IRSA_TRUST + " filled in")
                .isLessThanOrEqualTo(OperatorPolicies.TRUST_POLICY_LIMIT);
    }

    @Test
    void everyStatementThatChangesSomethingIsScopedByResourceOrCondition() {
        Set<String> sids = new TreeSet<>();
        for (JsonNode statement : OperatorPolicies.statements()) {
            String sid = statement.path("Sid").asText();
            assertThat(sids.add(sid)).as("a unique Sid for every statement, across the files: " + sid).isTrue();
            assertThat(statement.path("Effect").asText()).as(sid).isEqualTo("Allow");
            List<String> actions = OperatorPolicies.strings(statement.get("Action"));
            assertThat(actions).as(sid + ": no wildcard actions").noneMatch(a -> a.contains("*"));
            boolean everyResource = OperatorPolicies.strings(statement.get("Resource")).contains("*");
            List<String> writes = actions.stream().filter(a -> !IamActions.isRead(a)).toList();
            if (everyResource && !statement.has("Condition") && !writes.isEmpty()) {
                assertThat(IamActions.UNSCOPABLE_WRITES).as(sid + " grants writes on every resource without a condition")
                        .containsAll(writes);
            }
        }
    }

    @Test
    void theWalkthroughCreatesAndAttachesEveryPolicyFile() throws IOException {
        List<String> commands = ReadmeWalkthroughIT.walkthrough();
        Set<String> listed = new TreeSet<>();
        for (String command : commands) {
            Matcher m = POLICY_LIST.matcher(command);
            if (m.matches()) {
                listed.addAll(List.of(m.group(1).split(" ")));
            }
        }
        Set<String> shipped = new TreeSet<>();
        OperatorPolicies.files().forEach(f -> shipped.add(OperatorPolicies.part(f)));
        assertThat(listed).as("POLICIES=\"...\" in the README walkthrough names every operator/iam-policy-*.json").isEqualTo(shipped);
        assertThat(commands).contains(
                "for P in $POLICIES; do aws iam create-policy --policy-name \"webplatform-operator-$P\""
                        + " --policy-document \"file://operator/iam-policy-$P.json\"; done",
                "for P in $POLICIES; do aws iam attach-role-policy --role-name webplatform-operator"
                        + " --policy-arn \"arn:aws:iam::$ACCOUNT:policy/webplatform-operator-$P\"; done");
        assertThat(commands.indexOf(commands.stream().filter(c -> c.contains("attach-role-policy")).findFirst().orElseThrow()))
                .as("policies attached once the role exists")
                .isGreaterThan(commands.indexOf(commands.stream().filter(c -> c.contains("create-role")).findFirst().orElseThrow()));
    }
}
