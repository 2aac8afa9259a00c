package io.dredge.trino.copy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import io.dredge.core.files.FileCopy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The plan file of {@code copy_files}: a JSON document listing the copies (or moves, or deletes) and the user they
 * were planned for, signed with an HMAC-SHA256 under this catalog's key. The signature is what keeps the table function from being a
 * way around access control: the function reads files with the cluster's file-system credentials, so it runs only
 * plans that Dredge itself wrote after checking the calling user's access, never a plan a user wrote.
 */
public final class CopyPlanCodec
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HMAC = "HmacSHA256";
    private static final int CURRENT_FORMAT_VERSION = 3;

    // field names: the format
    private static final String FORMAT_VERSION = "format-version";
    private static final String USER = "user";
    private static final String ACTION = "action";
    private static final String COPIES = "copies";
    private static final String SOURCE = "source";
    private static final String TARGET = "target";
    private static final String SIZE = "size";
    private static final String STORAGE_FORMAT = "storage-format";
    private static final String SIGNATURE = "signature";

    private final SecretKeySpec key;

    public CopyPlanCodec(byte[] key)
    {
        requireNonNull(key, "key is null");
        this.key = new SecretKeySpec(key.clone(), HMAC);
    }

    public byte[] encode(CopyPlan plan)
    {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(FORMAT_VERSION, CURRENT_FORMAT_VERSION);
        root.put(USER, plan.user());
        root.put(ACTION, plan.action().name());
        plan.storageFormat().ifPresent(format -> root.put(STORAGE_FORMAT, format));
        ArrayNode copies = root.putArray(COPIES);
        for (FileCopy copy : plan.copies()) {
            copies.addObject()
                    .put(SOURCE, copy.source())
                    .put(TARGET, copy.target())
                    .put(SIZE, copy.sizeBytes());
        }
        root.put(SIGNATURE, signature(plan));
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a plan this codec's key signed.
     *
     * @throws IllegalArgumentException saying what is wrong, when the content is not such a plan
     */
    public CopyPlan decode(byte[] content)
    {
        JsonNode root;
        try {
            root = MAPPER.readTree(content);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage(), e);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int version = root.path(FORMAT_VERSION).asInt(-1);
        if (version != CURRENT_FORMAT_VERSION) {
            throw new IllegalArgumentException("unknown format version %s (this Dredge reads version %s)".formatted(root.path(FORMAT_VERSION), CURRENT_FORMAT_VERSION));
        }
        ImmutableList.Builder<FileCopy> copies = ImmutableList.builder();
        for (JsonNode copy : requiredArray(root, COPIES)) {
            copies.add(new FileCopy(requiredText(copy, SOURCE), requiredText(copy, TARGET), requiredSize(copy)));
        }
        Optional<String> storageFormat = root.has(STORAGE_FORMAT) ? Optional.of(requiredText(root, STORAGE_FORMAT)) : Optional.empty();
        String user = requiredText(root, USER);
        CopyPlan.Action action = action(requiredText(root, ACTION));
        CopyPlan plan;
        try {
            plan = new CopyPlan(user, action, copies.build(), storageFormat);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid plan: " + e.getMessage(), e);
        }
        byte[] expected = signature(plan).getBytes(UTF_8);
        if (!MessageDigest.isEqual(expected, requiredText(root, SIGNATURE).getBytes(UTF_8))) {
            throw new IllegalArgumentException("not signed by this catalog: only plans that Dredge writes can be run");
        }
        return plan;
    }

    /**
     * The HMAC of the plan's values, each length-prefixed so that no two plans share their signed bytes; independent
     * of how the JSON is laid out.
     */
    private String signature(CopyPlan plan)
    {
        StringBuilder signed = new StringBuilder();
        append(signed, String.valueOf(CURRENT_FORMAT_VERSION));
        append(signed, plan.user());
        append(signed, plan.action().name());
        append(signed, plan.storageFormat().orElse(""));
        for (FileCopy copy : plan.copies()) {
            append(signed, copy.source());
            append(signed, copy.target());
            append(signed, String.valueOf(copy.sizeBytes()));
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(signed.toString().getBytes(UTF_8)));
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CopyPlan.Action action(String name)
    {
        try {
            return CopyPlan.Action.valueOf(name);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown action '%s'".formatted(name), e);
        }
    }

    private static void append(StringBuilder signed, String value)
    {
        signed.append(value.length()).append(':').append(value);
    }

    private static JsonNode requiredArray(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("field '%s' is missing or not an array".formatted(field));
        }
        return value;
    }

    private static String requiredText(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '%s' is missing or not a string".formatted(field));
        }
        return value.asText();
    }

    private static long requiredSize(JsonNode node)
    {
        JsonNode value = node.get(SIZE);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException("field '%s' is missing or not a size".formatted(SIZE));
        }
        return value.asLong();
    }
}
