package org.flows4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.flows4j.nn.PartConfig;

/**
 * A {@link PartConfig} as JSON: {@code {"type": "...", key: value, ...}}, where a value is a number, string,
 * boolean, an array of numbers or booleans, a nested part object (one with a {@code "type"}), or an array of
 * part objects. Integers stay integers and doubles round-trip exactly (Jackson writes the shortest decimal that
 * reads back to the same double).
 */
final class PartJson {
    private PartJson() {
    }

    static ObjectNode toJson(PartConfig c, ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("type", c.type());
        for (String key : c.keys()) {
            o.set(key, value(c.get(key), mapper));
        }
        return o;
    }

    private static JsonNode value(Object v, ObjectMapper mapper) {
        if (v instanceof PartConfig p) {
            return toJson(p, mapper);
        }
        if (v instanceof List<?> list) {
            ArrayNode a = mapper.createArrayNode();
            for (Object o : list) {
                a.add(value(o, mapper));
            }
            return a;
        }
        return mapper.valueToTree(v);
    }

    static PartConfig fromJson(JsonNode n, String where, String source) {
        if (!n.isObject() || !n.has("type") || !n.get("type").isTextual()) {
            throw new InvalidModelFileException(source + ": " + where + " must be a part object with a string "
                    + "'type', got " + abbreviate(n));
        }
        PartConfig c = PartConfig.of(n.get("type").textValue());
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("type")) {
                c = c.with(e.getKey(), read(e.getValue(), where + "." + e.getKey(), source));
            }
        }
        return c;
    }

    private static Object read(JsonNode n, String where, String source) {
        if (n.isObject()) {
            return fromJson(n, where, source);
        }
        if (n.isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (e.isArray()) {
                    throw new InvalidModelFileException(source + ": " + where + "[" + i + "] is a nested array");
                }
                out.add(read(e, where + "[" + i + "]", source));
            }
            return out;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        throw new InvalidModelFileException(source + ": " + where + " has an unsupported value " + abbreviate(n));
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
