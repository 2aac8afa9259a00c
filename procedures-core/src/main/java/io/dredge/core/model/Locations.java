package io.dredge.core.model;

/**
 * Location strings as metastores and file systems spell them ({@code s3://bucket/a/b}, {@code file:/a/b}).
 */
public final class Locations
{
    private Locations() {}

    public static String withoutTrailingSlash(String location)
    {
        return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    }

    /**
     * {@code location/name}, with exactly one slash between.
     */
    public static String child(String location, String name)
    {
        return withoutTrailingSlash(location) + "/" + name;
    }
}
