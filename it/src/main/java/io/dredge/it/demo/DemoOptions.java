package io.dredge.it.demo;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Command line of {@code bin/dredge-demo}: {@code [--port N] [--hive-port N] [--data-dir DIR] [--reset]}.
 */
record DemoOptions(int port, int hivePort, Path dataDirectory, boolean reset)
{
    static final int DEFAULT_PORT = 8080;
    static final int DEFAULT_HIVE_PORT = 10000;
    static final Path DEFAULT_DATA_DIRECTORY = Path.of("data", "demo");

    DemoOptions
    {
        requireNonNull(dataDirectory, "dataDirectory is null");
        if (port < 0 || port > 65535 || hivePort < 1 || hivePort > 65535) {
            throw new IllegalArgumentException("ports must be between 1 and 65535 (0: any, for --port): %s, %s".formatted(port, hivePort));
        }
    }

    static DemoOptions parse(String... args)
    {
        int port = DEFAULT_PORT;
        int hivePort = DEFAULT_HIVE_PORT;
        Path dataDirectory = DEFAULT_DATA_DIRECTORY;
        boolean reset = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--hive-port" -> hivePort = Integer.parseInt(value(args, ++i, "--hive-port"));
                case "--data-dir" -> dataDirectory = Path.of(value(args, ++i, "--data-dir"));
                case "--reset" -> reset = true;
                default -> throw new IllegalArgumentException("unknown option %s; usage: dredge-demo [--port N] [--hive-port N] [--data-dir DIR] [--reset]".formatted(args[i]));
            }
        }
        return new DemoOptions(port, hivePort, dataDirectory, reset);
    }

    private static String value(String[] args, int index, String option)
    {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
