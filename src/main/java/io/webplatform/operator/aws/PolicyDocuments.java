package io.webplatform.operator.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * IAM-style JSON policy documents: writing them, and comparing them the way AWS means them, so a
 * policy AWS returns reformatted (URL-encoded, one-element lists as strings, keys reordered) does not
 * count as drift and nothing flaps.
 */
public final class PolicyDocuments {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PolicyDocuments() {
    }

    public static ObjectNode document() {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("Version", "2012-10-17");
        doc.putArray("Statement");
        return doc;
    }

    public static ObjectNode statement(ObjectNode document, String sid, String effect) {
        ObjectNode s = ((ArrayNode) document.get("Statement")).addObject();
        s.put("Sid", sid);
        s.put("Effect", effect);
        return s;
    }

    public static ArrayNode array(ObjectNode node, String field, String... values) {
        ArrayNode a = node.putArray(field);
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    public static String toJson(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        String text = json.trim();
        if (!text.startsWith("{")) {
            // IAM returns documents URL-encoded.
            text = URLDecoder.decode(text, StandardCharsets.UTF_8);
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** True when both documents grant and deny the same things. */
    public static boolean equivalent(String actual, JsonNode desired) {
        JsonNode a = parse(actual);
        return a != null && normalize(a).equals(normalize(desired));
    }

    /** One-element arrays become scalars, "Principal": "*" and {"AWS": "*"} agree; field order never matters. */
    static JsonNode normalize(JsonNode node) {
        if (node.isArray()) {
            if (node.size() == 1) {
                return normalize(node.get(0));
            }
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(normalize(n)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = normalize(e.getValue());
                if ("Principal".equals(e.getKey()) && value.isObject() && value.size() == 1
                        && value.has("AWS") && "*".equals(value.get("AWS").asText())) {
                    value = JsonNodeFactory.instance.textNode("*");
                }
                out.set(e.getKey(), value);
            }
            return out;
        }
        return node;
    }
}
