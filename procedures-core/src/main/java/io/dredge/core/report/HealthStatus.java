package io.dredge.core.report;

/**
 * How urgently a table needs maintenance: {@code OK} nothing to do, {@code WARN} worth doing, {@code CRITICAL} an
 * operation was left unfinished and the table waits for {@code recover}.
 */
public enum HealthStatus
{
    OK,
    WARN,
    CRITICAL,
}
