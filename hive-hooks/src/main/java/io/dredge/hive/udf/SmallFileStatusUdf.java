package io.dredge.hive.udf;

import io.dredge.core.report.SmallFilePolicy;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentLengthException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentTypeException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDF;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.PrimitiveObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorUtils;
import org.apache.hadoop.io.Text;

/**
 * {@code dredge_small_file_status(file_count, total_bytes [, target_file_size_bytes, compaction_ratio_threshold])}:
 * the status column of Dredge's small-file report, for figures Hive already has (table statistics such as
 * {@code numFiles} and {@code totalSize}).
 */
@Description(
        name = "dredge_small_file_status",
        value = "_FUNC_(file_count, total_bytes [, target_file_size_bytes, compaction_ratio_threshold]) - 'OK' or 'NEEDS_COMPACTION', as Dredge's small_file_report defines it")
public class SmallFileStatusUdf
        extends GenericUDF
{
    private PrimitiveObjectInspector[] inputs;

    @Override
    public ObjectInspector initialize(ObjectInspector[] arguments)
            throws UDFArgumentException
    {
        if (arguments.length != 2 && arguments.length != 4) {
            throw new UDFArgumentLengthException("dredge_small_file_status takes 2 or 4 arguments: file_count, total_bytes [, target_file_size_bytes, compaction_ratio_threshold]");
        }
        inputs = new PrimitiveObjectInspector[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            if (!(arguments[i] instanceof PrimitiveObjectInspector primitive) || !isNumeric(primitive)) {
                throw new UDFArgumentTypeException(i, "dredge_small_file_status takes numbers, got " + arguments[i].getTypeName());
            }
            inputs[i] = primitive;
        }
        return PrimitiveObjectInspectorFactory.writableStringObjectInspector;
    }

    @Override
    public Object evaluate(DeferredObject[] arguments)
            throws HiveException
    {
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            values[i] = arguments[i].get();
            if (values[i] == null) {
                return null;
            }
        }
        SmallFilePolicy policy = SmallFilePolicy.DEFAULT;
        if (values.length == 4) {
            try {
                policy = new SmallFilePolicy(
                        PrimitiveObjectInspectorUtils.getLong(values[2], inputs[2]),
                        PrimitiveObjectInspectorUtils.getDouble(values[3], inputs[3]));
            }
            catch (IllegalArgumentException e) {
                throw new HiveException("dredge_small_file_status: " + e.getMessage(), e);
            }
        }
        long fileCount = PrimitiveObjectInspectorUtils.getLong(values[0], inputs[0]);
        long totalBytes = PrimitiveObjectInspectorUtils.getLong(values[1], inputs[1]);
        return new Text(policy.status(fileCount, totalBytes).name());
    }

    @Override
    public String getDisplayString(String[] children)
    {
        return getStandardDisplayString("dredge_small_file_status", children);
    }

    private static boolean isNumeric(PrimitiveObjectInspector inspector)
    {
        return switch (inspector.getPrimitiveCategory()) {
            case BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DECIMAL -> true;
            default -> false;
        };
    }
}
