package io.dredge.core.port;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.READ;
import static java.util.Objects.requireNonNull;

/**
 * A local file read straight through the operating system, for adapters whose engine's file system would add its
 * own work per file (Hadoop's local file system looks for a checksum file beside every file it opens).
 */
public final class ChannelSeekableInput
        extends SeekableInput
{
    private final FileChannel channel;

    private ChannelSeekableInput(FileChannel channel)
    {
        this.channel = requireNonNull(channel, "channel is null");
    }

    public static SeekableInput open(Path file)
            throws IOException
    {
        return new ChannelSeekableInput(FileChannel.open(file, READ));
    }

    @Override
    public long getPosition()
            throws IOException
    {
        return channel.position();
    }

    @Override
    public void seek(long position)
            throws IOException
    {
        channel.position(position);
    }

    @Override
    public int read()
            throws IOException
    {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length)
            throws IOException
    {
        if (length == 0) {
            return 0;
        }
        return channel.read(ByteBuffer.wrap(buffer, offset, length));
    }

    @Override
    public void close()
            throws IOException
    {
        channel.close();
    }
}
