package io.dredge.core.model;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A column as the Hive metastore stores it: name, Hive type name ({@code bigint}, {@code map<string,int>}, ...), comment.
 */
public record HiveColumn(String name, String type, Optional<String> comment)
{
    public HiveColumn
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(comment, "comment is null");
    }
}
