package io.webplatform.operator.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One resource of the plan, in CloudFormation's terms: a logical id, a type (AWS::EC2::VPC) and its
 * properties. A property value is a string, number, boolean, list or map; a string may hold
 * references in Fn::Sub syntax ({@code ${Vpc}}, {@code ${Vpc.CidrBlock}}, {@code ${AWS::AccountId}}),
 * which {@link CloudFormationTemplate} turns into Ref, Fn::GetAtt or Fn::Sub. That is how a desired
 * value computed in a plan (where dependencies' ids are such references) becomes a template.
 */
public record CfnResource(String logicalId, String type, Map<String, Object> properties, List<String> dependsOn) {

    public CfnResource {
        if (!logicalId.matches("[A-Za-z0-9]{1,255}")) {
            throw new IllegalArgumentException("not a CloudFormation logical id: " + logicalId);
        }
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        dependsOn = List.copyOf(dependsOn);
    }

    public static CfnResource of(String logicalId, String type, Map<String, Object> properties) {
        return new CfnResource(logicalId, type, properties, List.of());
    }

    public CfnResource dependingOn(List<String> logicalIds) {
        return new CfnResource(logicalId, type, properties, logicalIds);
    }

    /** A logical id from parts: "public-a" and "Subnets" give "SubnetsPublicA". */
    public static String logicalId(String... parts) {
        StringBuilder id = new StringBuilder();
        for (String part : parts) {
            for (String word : part.split("[^A-Za-z0-9]+")) {
                if (!word.isEmpty()) {
                    id.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
                }
            }
        }
        return id.toString();
    }

    /** Text that is written as it is, ${...} included: no reference is read from it (a user's own shell script). */
    public record Literal(String text) {
    }

    /** A reference to another resource of the plan, as a desired value holds it: ${LogicalId}. */
    public static String ref(String logicalId) {
        return "${" + logicalId + "}";
    }

    /** A reference to an attribute of another resource of the plan: ${LogicalId.Attribute}. */
    public static String attribute(String logicalId, String attribute) {
        return "${" + logicalId + "." + attribute + "}";
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** A JSON document (a policy) as a property value: maps and lists, so references in it resolve too. */
    public static Object json(com.fasterxml.jackson.databind.JsonNode document) {
        return JSON.convertValue(document, Object.class);
    }

    /** The tags as CloudFormation's list of Key/Value. */
    public static List<Map<String, Object>> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> {
            Map<String, Object> tag = new LinkedHashMap<>();
            tag.put("Key", e.getKey());
            tag.put("Value", e.getValue());
            return tag;
        }).toList();
    }
}
