package io.webplatform.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.webplatform.operator.testing.EndToEndSuite;
import io.webplatform.operator.testing.IamActions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped IAM policy (operator/iam-policy.json) against what the operator really called during
 * the end-to-end suite, read from its API-call counter (see {@link EndToEndSuite}): every operation
 * called must be granted, with the permissions AWS checks besides ({@link IamActions}); and, when
 * the whole end-to-end suite ran, nothing may be granted that it never needed. Runs after the tests
 * (failsafe), so it sees every class.
 */
class AwsPermissionsIT {
    static final Path POLICY = Path.of("operator/iam-policy.json");
    /** Granted, needed on AWS, but no end-to-end test can drive the call on the emulator; each says why. */
    static final Map<String, String> NOT_DRIVABLE_ON_THE_EMULATOR = Map.of(
            "rds:ModifyDBSubnetGroup", "repairs a DB subnet group moved to other subnets; the emulator's ModifyDBSubnetGroup drops the"
                    + " group, so the repair is only tested as 'deleted by hand, created again' (PlatformEmulatorTest)");
    static final List<Class<?>> END_TO_END = List.of(SecureBucketEndToEndTest.class, WebPlatformEndToEndTest.class,
            RecoveryEndToEndTest.class, DriftEndToEndTest.class);

    @Test
    void thePolicyGrantsExactlyWhatTheOperatorCalls() throws IOException {
        Set<String> calls = new TreeSet<>();
        if (Files.isDirectory(EndToEndSuite.DIR)) {
            try (Stream<Path> files = Files.list(EndToEndSuite.DIR)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".calls")).toList()) {
                    Files.readAllLines(f).stream().filter(l -> !l.isBlank()).forEach(calls::add);
                }
            }
        }
        List<String> notFinished = END_TO_END.stream().map(Class::getSimpleName)
                .filter(c -> !Files.exists(EndToEndSuite.DIR.resolve(c + ".finished"))).toList();
        assumeTrue(!calls.isEmpty(), "no end-to-end class ran in this build");
        Set<String> required = new TreeSet<>();
        calls.forEach(call -> required.addAll(IamActions.requiredFor(call)));
        Set<String> granted = grantedActions(policy());

        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(granted);
        assertThat(missing).as("called by the operator but not granted by " + POLICY).isEmpty();

        assumeTrue(notFinished.isEmpty(), "the end-to-end suite did not run whole (" + notFinished
                + " missing), so 'granted but never needed' cannot be judged");
        assertThat(required).as("called after all: drop it from NOT_DRIVABLE_ON_THE_EMULATOR")
                .doesNotContainAnyElementsOf(NOT_DRIVABLE_ON_THE_EMULATOR.keySet());
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(required);
        unused.removeAll(NOT_DRIVABLE_ON_THE_EMULATOR.keySet());
        assertThat(unused).as("granted by " + POLICY + " but never needed during the end-to-end suite").isEmpty();
    }

    @Test
    void everyStatementThatChangesSomethingIsScopedByResourceOrCondition() throws IOException {
        Set<String> sids = new TreeSet<>();
        for (JsonNode statement : policy().get("Statement")) {
            String sid = statement.path("Sid").asText();
            assertThat(sids.add(sid)).as("a unique Sid for every statement: " + sid).isTrue();
            assertThat(statement.path("Effect").asText()).as(sid).isEqualTo("Allow");
            List<String> actions = strings(statement.get("Action"));
            assertThat(actions).as(sid + ": no wildcard actions").noneMatch(a -> a.contains("*"));
            boolean everyResource = strings(statement.get("Resource")).contains("*");
            List<String> writes = actions.stream().filter(a -> !IamActions.isRead(a)).toList();
            if (everyResource && !statement.has("Condition") && !writes.isEmpty()) {
                assertThat(IamActions.UNSCOPABLE_WRITES).as(sid + " grants writes on every resource without a condition")
                        .containsAll(writes);
            }
        }
    }

    static JsonNode policy() throws IOException {
        return new ObjectMapper().readTree(POLICY.toFile());
    }

    static Set<String> grantedActions(JsonNode policy) {
        Set<String> actions = new TreeSet<>();
        policy.get("Statement").forEach(s -> actions.addAll(strings(s.get("Action"))));
        return actions;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }
}
