package io.dredge.core.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Location strings as metastores and file systems spell them ({@code s3://bucket/a/b}, {@code file:/a/b}).
 */
public final class Locations
{
    private Locations() {}

    public static String withoutTrailingSlash(String location)
    {
        int end = location.length();
        while (end > 0 && location.charAt(end - 1) == '/') {
            end--;
        }
        return location.substring(0, end);
    }

    /**
     * {@code location/name}, with exactly one slash between.
     */
    public static String child(String location, String name)
    {
        return withoutTrailingSlash(location) + "/" + name;
    }

    /**
     * The path of a location URI without scheme and authority: {@code /a/b} for {@code s3://bucket/a/b},
     * {@code file:/a/b} and {@code local:///a/b}. File systems may spell the scheme differently from the metastore
     * ({@code file:/x} against {@code local:///x}), so locations are compared by this part.
     */
    public static String pathPart(String location)
    {
        int schemeEnd = location.indexOf(':');
        if (schemeEnd < 0 || location.indexOf('/') < schemeEnd) {
            return location;
        }
        String rest = location.substring(schemeEnd + 1);
        if (rest.startsWith("//")) {
            int pathStart = rest.indexOf('/', 2);
            return pathStart < 0 ? "/" : rest.substring(pathStart);
        }
        return rest;
    }

    /**
     * The file system of a location, {@code scheme://authority} in lower case with a scheme's aliases made one:
     * {@code s3a} and {@code s3n} are {@code s3}, {@code local} is {@code file}. A bare path has none ({@code ""}).
     * Two locations whose paths are equal name the same file only when this is equal too.
     */
    public static String fileSystem(String location)
    {
        int schemeEnd = location.indexOf(':');
        if (schemeEnd < 0 || location.indexOf('/') < schemeEnd) {
            return "";
        }
        String scheme = location.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        scheme = switch (scheme) {
            case "s3a", "s3n" -> "s3";
            case "local" -> "file";
            default -> scheme;
        };
        String rest = location.substring(schemeEnd + 1);
        String authority = "";
        if (rest.startsWith("//")) {
            int pathStart = rest.indexOf('/', 2);
            authority = (pathStart < 0 ? rest.substring(2) : rest.substring(2, pathStart)).toLowerCase(Locale.ROOT);
        }
        return scheme + "://" + authority;
    }

    /**
     * Whether the location is on an object store (S3, Google Cloud Storage, Azure, Alibaba OSS), where moving a file
     * copies its bytes and no directory renames in one step.
     */
    public static boolean isObjectStore(String location)
    {
        String fileSystem = fileSystem(location);
        String scheme = fileSystem.substring(0, Math.max(0, fileSystem.indexOf(':')));
        return scheme.equals("s3") || scheme.startsWith("gs") || scheme.startsWith("abfs") || scheme.startsWith("wasb") || scheme.equals("oss");
    }

    /**
     * The path part without a trailing slash: equal for two spellings of one directory.
     */
    public static String comparablePath(String location)
    {
        return withoutTrailingSlash(pathPart(location));
    }

    /**
     * Whether two locations name the same directory.
     */
    public static boolean samePath(String first, String second)
    {
        return comparablePath(first).equals(comparablePath(second));
    }

    /**
     * Whether {@code path} lies strictly below the directory {@code location}.
     */
    public static boolean isBelow(String location, String path)
    {
        return pathPart(path).startsWith(comparablePath(location) + "/");
    }

    /**
     * The directory holding {@code location} ({@code s3://bucket/a} for {@code s3://bucket/a/b}), or empty for a
     * location at the root of its file system.
     */
    public static Optional<String> parent(String location)
    {
        String trimmed = withoutTrailingSlash(location);
        String path = pathPart(trimmed);
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        return Optional.of(trimmed.substring(0, trimmed.length() - (path.length() - slash)));
    }

    /**
     * The last element of a location's path: {@code b} for {@code s3://bucket/a/b/}.
     */
    public static String name(String location)
    {
        String trimmed = withoutTrailingSlash(location);
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
