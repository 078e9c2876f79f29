package io.webplatform.operator.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the operator would create for one object, as a CloudFormation template: the plan. References
 * written ${X} in property strings become {@code Ref}, {@code Fn::GetAtt} or {@code Fn::Sub}; a
 * reference to something the plan does not make (the flow-log bucket of another object, say) must
 * be declared as a parameter. Rendered as YAML with only JSON-style intrinsics, so every YAML tool reads it.
 */
public final class CloudFormationTemplate {
    private static final Pattern WHOLE_REFERENCE = Pattern.compile("^\\$\\{([A-Za-z0-9:]+)(?:\\.([A-Za-z0-9.]+))?}$");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9:]+)(?:\\.[A-Za-z0-9.]+)?}");

    private final String description;
    private final Map<String, Map<String, Object>> parameters = new LinkedHashMap<>();
    private final Map<String, CfnResource> resources = new LinkedHashMap<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    public CloudFormationTemplate(String description) {
        this.description = description;
    }

    /** A value the plan needs but does not make, passed in when the template is used. */
    public CloudFormationTemplate parameter(String name, String type, String description) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("Type", type);
        p.put("Description", description);
        parameters.put(name, p);
        return this;
    }

    /** Something a reader of the plan should know that is no resource (what the operator does besides). */
    public CloudFormationTemplate note(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Adds a resource; one of the same id and type gets the new properties merged in, which is how a
     * component sets what CloudFormation keeps on another's resource (S3 keeps replication on the bucket).
     */
    public void add(CfnResource resource) {
        CfnResource existing = resources.get(resource.logicalId());
        if (existing == null) {
            resources.put(resource.logicalId(), resource);
            return;
        }
        if (!existing.type().equals(resource.type())) {
            throw new IllegalArgumentException("duplicate logical id " + resource.logicalId());
        }
        Map<String, Object> merged = new LinkedHashMap<>(existing.properties());
        resource.properties().forEach((k, v) -> {
            if (merged.putIfAbsent(k, v) != null) {
                throw new IllegalArgumentException(resource.logicalId() + "." + k + " is planned twice");
            }
        });
        List<String> dependsOn = Stream.concat(existing.dependsOn().stream(), resource.dependsOn().stream())
                .filter(d -> !d.equals(existing.logicalId())).distinct().toList();
        resources.put(resource.logicalId(), new CfnResource(existing.logicalId(), existing.type(), merged, dependsOn));
    }

    public Map<String, CfnResource> resources() {
        return resources;
    }

    /** Every ${X} a resource refers to names a resource, a parameter or a pseudo parameter (AWS::...). */
    public List<String> unresolvedReferences() {
        List<String> unresolved = new ArrayList<>();
        for (CfnResource r : resources.values()) {
            for (String target : referencesIn(r.properties())) {
                if (!target.startsWith("AWS::") && !resources.containsKey(target) && !parameters.containsKey(target)) {
                    unresolved.add(r.logicalId() + " -> " + target);
                }
            }
        }
        return unresolved;
    }

    /** The logical ids a value refers to. */
    public static Set<String> referencesIn(Object value) {
        Set<String> found = new LinkedHashSet<>();
        collect(value, found);
        return found;
    }

    private static void collect(Object value, Set<String> found) {
        if (value instanceof String s) {
            Matcher m = REFERENCE.matcher(s);
            while (m.find()) {
                found.add(m.group(1));
            }
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(v -> collect(v, found));
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, found));
        }
    }

    public String toYaml() {
        List<String> unresolved = unresolvedReferences();
        if (!unresolved.isEmpty()) {
            throw new IllegalStateException("the plan refers to what it does not make: " + unresolved);
        }
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("AWSTemplateFormatVersion", "2010-09-09");
        template.put("Description", description);
        if (!metadata.isEmpty()) {
            template.put("Metadata", intrinsics(metadata));
        }
        if (!parameters.isEmpty()) {
            template.put("Parameters", parameters);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (CfnResource r : resources.values()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Type", r.type());
            List<String> dependsOn = r.dependsOn().stream().filter(d -> !reaches(d, r.logicalId(), new java.util.HashSet<>())).toList();
            if (!dependsOn.isEmpty()) {
                body.put("DependsOn", dependsOn);
            }
            body.put("Properties", intrinsics(r.properties()));
            out.put(r.logicalId(), body);
        }
        template.put("Resources", out);
        try {
            return new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .build()).writeValueAsString(template);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when {@code from} already waits for {@code to}, through references or DependsOn: a DependsOn
     * back would be a cycle CloudFormation refuses. The operator's order (bucket, then role, then the
     * bucket's replication) has no such cycle, but CloudFormation makes the bucket and its replication
     * at once, so there the references decide and the operator's order yields.
     */
    private boolean reaches(String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        CfnResource r = resources.get(from);
        if (r == null || !seen.add(from)) {
            return false;
        }
        Set<String> next = new LinkedHashSet<>(referencesIn(r.properties()));
        next.addAll(r.dependsOn());
        return next.stream().anyMatch(n -> reaches(n, to, seen));
    }

    /** ${X} alone: Ref (or Fn::GetAtt with an attribute); within other text: Fn::Sub. */
    static Object intrinsics(Object value) {
        if (value instanceof CfnResource.Literal literal) {
            return literal.text();
        }
        if (value instanceof String s) {
            Matcher whole = WHOLE_REFERENCE.matcher(s);
            if (whole.matches()) {
                return whole.group(2) == null ? Map.of("Ref", whole.group(1)) : Map.of("Fn::GetAtt", List.of(whole.group(1), whole.group(2)));
            }
            return REFERENCE.matcher(s).find() ? Map.of("Fn::Sub", s) : s;
        }
        if (value instanceof Map<?, ?> map) {
            // An ordered map keeps its order; any other (Map.of) is sorted, so that a plan prints the same twice.
            Map<String, Object> out = map instanceof LinkedHashMap<?, ?> ? new LinkedHashMap<>() : new java.util.TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), intrinsics(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(CloudFormationTemplate::intrinsics).toList();
        }
        return value;
    }
}
