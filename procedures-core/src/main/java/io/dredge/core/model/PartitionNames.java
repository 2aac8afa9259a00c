package io.dredge.core.model;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Hive partition names, {@code key1=value1/key2=value2}, with keys and values escaped as directory names are
 * ({@code %2F} for {@code /}), and {@code __HIVE_DEFAULT_PARTITION__} for a NULL value.
 */
public final class PartitionNames
{
    public static final String NULL_VALUE = "__HIVE_DEFAULT_PARTITION__";

    private PartitionNames() {}

    /**
     * The partition's values in key order, unescaped; empty for NULL.
     */
    public static List<Optional<String>> values(String partitionName)
    {
        ImmutableList.Builder<Optional<String>> values = ImmutableList.builder();
        for (String part : partitionName.split("/", -1)) {
            int equals = part.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("not a partition name: " + partitionName);
            }
            String value = part.substring(equals + 1);
            values.add(value.equals(NULL_VALUE) ? Optional.empty() : Optional.of(unescape(value)));
        }
        return values.build();
    }

    /**
     * The name Hive gives the partition with these values of these keys: each value escaped as Hive escapes directory
     * names (control characters, DEL, the slash and {@code "#%'*:=?\\{[]^} as {@code %XX}), NULL or empty as
     * {@link #NULL_VALUE}.
     */
    public static String name(List<String> keys, List<Optional<String>> values)
    {
        checkArgument(keys.size() == values.size(), "%s keys, %s values", keys.size(), values.size());
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                name.append('/');
            }
            name.append(escape(keys.get(i))).append('=').append(values.get(i).filter(value -> !value.isEmpty()).map(PartitionNames::escape).orElse(NULL_VALUE));
        }
        return name.toString();
    }

    private static String escape(String text)
    {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0) {
                escaped.append('%').append(String.format("%02X", (int) c));
            }
            else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static String unescape(String text)
    {
        StringBuilder unescaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                unescaped.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else {
                unescaped.append(c);
            }
        }
        return unescaped.toString();
    }

    private static boolean isHex(char c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
