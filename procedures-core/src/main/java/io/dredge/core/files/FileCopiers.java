package io.dredge.core.files;

/**
 * The {@link FileCopier} of one call, with the directory where it may keep what describes its work (Trino: the
 * signed plan that the workers read), which it removes again.
 */
@FunctionalInterface
public interface FileCopiers
{
    FileCopier copier(String stagingLocation);
}
