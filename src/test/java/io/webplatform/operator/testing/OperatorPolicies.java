package io.webplatform.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The IAM policies the operator ships (operator/iam-policy-*.json, one managed policy each) and its
 * IRSA trust policy, with the sizes IAM counts (IAM and STS quotas: characters, whitespace not counted).
 */
public final class OperatorPolicies {
    public static final Path DIR = Path.of("operator");
    public static final Path IRSA_TRUST = DIR.resolve("iam-trust-irsa.json");
    /** IAM quota: characters in one managed policy, whitespace not counted. */
    public static final int MANAGED_POLICY_LIMIT = 6_144;
    /** What we allow ourselves, so that a few more grants never hit the quota on a customer's first run. */
    public static final int MANAGED_POLICY_BUDGET = 5_500;
    /** IAM quota: characters in a role trust policy (default), whitespace not counted. */
    public static final int TRUST_POLICY_LIMIT = 2_048;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OperatorPolicies() {
    }

    /** The managed policies, by file name. */
    public static List<Path> files() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.getFileName().toString().matches("iam-policy-[a-z0-9-]+\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The part of the file name after "iam-policy-": the managed policy is named webplatform-operator-&lt;part&gt;. */
    public static String part(Path file) {
        String name = file.getFileName().toString();
        return name.substring("iam-policy-".length(), name.length() - ".json".length());
    }

    /** The size IAM measures: every character that is not whitespace. */
    public static int size(Path file) {
        try {
            return (int) Files.readString(file).chars().filter(c -> !Character.isWhitespace(c)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every statement of every managed policy. */
    public static List<JsonNode> statements() {
        List<JsonNode> out = new ArrayList<>();
        files().forEach(f -> read(f).get("Statement").forEach(out::add));
        return out;
    }

    /** The actions the managed policies grant together. */
    public static Set<String> grantedActions() {
        Set<String> actions = new TreeSet<>();
        statements().forEach(s -> actions.addAll(strings(s.get("Action"))));
        return actions;
    }

    /** A policy element that is a string or a list of strings, as a list. */
    public static List<String> strings(JsonNode node) {
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
