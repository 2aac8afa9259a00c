package io.dredge.hive.udf;

import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDF.DeferredJavaObject;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDF.DeferredObject;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.junit.jupiter.api.Test;

import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaDoubleObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaIntObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSmallFileStatusUdf
{
    @Test
    void testStatusMatchesTheReportDefinition()
            throws HiveException
    {
        assertThat(evaluate(200L, 200_000L)).isEqualTo("NEEDS_COMPACTION");
        assertThat(evaluate(1L, 10L)).isEqualTo("OK");
        assertThat(evaluate(0L, 0L)).isEqualTo("OK");
        // four 512 MB files: big files are never "small"
        assertThat(evaluate(4L, 4L * 512 * 1024 * 1024)).isEqualTo("OK");
    }

    @Test
    void testExplicitPolicy()
            throws HiveException
    {
        SmallFileStatusUdf udf = new SmallFileStatusUdf();
        udf.initialize(new ObjectInspector[] {javaIntObjectInspector, javaLongObjectInspector, javaLongObjectInspector, javaDoubleObjectInspector});
        // average exactly at 1000 / 10 is not small; just below it is
        assertThat(udf.evaluate(arguments(20, 2000L, 1000L, 10.0)).toString()).isEqualTo("OK");
        assertThat(udf.evaluate(arguments(20, 1980L, 1000L, 10.0)).toString()).isEqualTo("NEEDS_COMPACTION");
        assertThat(udf.evaluate(arguments(null, 1980L, 1000L, 10.0))).isNull();
        assertThatThrownBy(() -> udf.evaluate(arguments(20, 1980L, 0L, 10.0)))
                .isInstanceOf(HiveException.class)
                .hasMessageContaining("target file size must be positive");
    }

    @Test
    void testRejectsBadArguments()
    {
        assertThatThrownBy(() -> new SmallFileStatusUdf().initialize(new ObjectInspector[] {javaLongObjectInspector}))
                .isInstanceOf(UDFArgumentException.class)
                .hasMessageContaining("takes 2 or 4 arguments");
        assertThatThrownBy(() -> new SmallFileStatusUdf().initialize(new ObjectInspector[] {javaStringObjectInspector, javaLongObjectInspector}))
                .isInstanceOf(UDFArgumentException.class)
                .hasMessageContaining("takes numbers");
    }

    private static String evaluate(long fileCount, long totalBytes)
            throws HiveException
    {
        SmallFileStatusUdf udf = new SmallFileStatusUdf();
        udf.initialize(new ObjectInspector[] {javaLongObjectInspector, javaLongObjectInspector});
        return udf.evaluate(arguments(fileCount, totalBytes)).toString();
    }

    private static DeferredObject[] arguments(Object... values)
    {
        DeferredObject[] arguments = new DeferredObject[values.length];
        for (int i = 0; i < values.length; i++) {
            arguments[i] = new DeferredJavaObject(values[i]);
        }
        return arguments;
    }
}
