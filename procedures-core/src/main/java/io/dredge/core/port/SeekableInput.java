package io.dredge.core.port;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that can move, as table-format readers (Iceberg manifests, Parquet footers) need.
 */
public abstract class SeekableInput
        extends InputStream
{
    public abstract long getPosition()
            throws IOException;

    public abstract void seek(long position)
            throws IOException;
}
