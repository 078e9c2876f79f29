package io.webplatform.operator.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector in its string form ({@code shard=a}, {@code tier in (web,db),!legacy}),
 * parsed and matched the way the API server matches a list or watch: every requirement must hold.
 * A release judges with it whether the release recorded on an object still selects that object.
 */
public record LabelSelector(String text, List<Requirement> requirements) {

    /** One requirement: {@code key}, {@code !key}, {@code key=v}, {@code key!=v}, {@code key in (...)}, {@code key notin (...)}, {@code key>n}, {@code key<n}. */
    public record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
                case IN -> value != null && values.contains(value);
                // As in Kubernetes: an object without the label matches != and notin.
                case NOT_IN -> value == null || !values.contains(value);
                case GREATER_THAN -> isInteger(value) && Long.parseLong(value) > Long.parseLong(values.iterator().next());
                case LESS_THAN -> isInteger(value) && Long.parseLong(value) < Long.parseLong(values.iterator().next());
            };
        }
    }

    public enum Operator { EXISTS, DOES_NOT_EXIST, IN, NOT_IN, GREATER_THAN, LESS_THAN }

    /** Everything: the empty selector. */
    public static final LabelSelector EVERYTHING = new LabelSelector("", List.of());

    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> requirements = new ArrayList<>();
        for (String part : topLevelParts(text)) {
            requirements.add(requirement(part.trim(), text));
        }
        return new LabelSelector(text.trim(), List.copyOf(requirements));
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(r -> r.matches(actual));
    }

    private static Requirement requirement(String part, String whole) {
        if (part.isEmpty()) {
            throw invalid(whole, "an empty requirement");
        }
        if (part.startsWith("!")) {
            return new Requirement(key(part.substring(1), whole), Operator.DOES_NOT_EXIST, Set.of());
        }
        String[] set = part.split("\\s+(?=(in|notin)\\s*\\()", 2);
        if (set.length == 2) {
            String rest = set[1].trim();
            Operator op = rest.startsWith("notin") ? Operator.NOT_IN : Operator.IN;
            String list = rest.substring(op == Operator.NOT_IN ? 5 : 2).trim();
            if (!list.startsWith("(") || !list.endsWith(")")) {
                throw invalid(whole, "a set must be in parentheses: " + part);
            }
            Set<String> values = Arrays.stream(list.substring(1, list.length() - 1).split(","))
                    .map(String::trim).filter(v -> !v.isEmpty()).collect(Collectors.toUnmodifiableSet());
            return new Requirement(key(set[0], whole), op, values);
        }
        for (String symbol : List.of("!=", "==", "=", ">", "<")) {
            int at = part.indexOf(symbol);
            if (at > 0) {
                String value = part.substring(at + symbol.length()).trim();
                Operator op = switch (symbol) {
                    case "!=" -> Operator.NOT_IN;
                    case ">" -> Operator.GREATER_THAN;
                    case "<" -> Operator.LESS_THAN;
                    default -> Operator.IN;
                };
                if ((op == Operator.GREATER_THAN || op == Operator.LESS_THAN) && !isInteger(value)) {
                    throw invalid(whole, "'" + symbol + "' needs an integer: " + part);
                }
                return new Requirement(key(part.substring(0, at), whole), op, Set.of(value));
            }
        }
        return new Requirement(key(part, whole), Operator.EXISTS, Set.of());
    }

    private static String key(String key, String whole) {
        String k = key.trim();
        if (k.isEmpty() || k.contains(" ")) {
            throw invalid(whole, "not a label key: '" + k + "'");
        }
        return k;
    }

    /** Splits at the commas outside parentheses. */
    private static List<String> topLevelParts(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static boolean isInteger(String value) {
        return value != null && value.matches("-?\\d{1,18}");
    }

    private static IllegalArgumentException invalid(String whole, String why) {
        return new IllegalArgumentException("invalid label selector '" + whole + "': " + why);
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "(every label)" : text;
    }
}
