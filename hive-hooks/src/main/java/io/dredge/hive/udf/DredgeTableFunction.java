package io.dredge.hive.udf;

import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentLengthException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentTypeException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDTF;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorFactory;
import org.apache.hadoop.hive.serde2.objectinspector.PrimitiveObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.StructField;
import org.apache.hadoop.hive.serde2.objectinspector.StructObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Dredge table function ({@code SELECT * FROM dredge_x('demo')}): text arguments, the first required, and a fixed
 * list of output columns, as the Trino system table of the same name has them.
 */
abstract class DredgeTableFunction
        extends GenericUDTF
{
    // plain fields: Hive serializes the function into the plan of a MapReduce job (with Kryo)
    private final String name;
    private final String[] arguments;
    private final int required;
    private PrimitiveObjectInspector[] inputs;

    /**
     * @param arguments the arguments' names, in order, for messages
     * @param required how many of them must be given
     */
    DredgeTableFunction(String name, List<String> arguments, int required)
    {
        this.name = name;
        this.arguments = arguments.toArray(String[]::new);
        this.required = required;
    }

    /**
     * Output column names and their inspectors, in order.
     */
    abstract Map<String, ObjectInspector> columns();

    /**
     * The rows for the given arguments ({@code values.get(i)} empty when not given or NULL).
     */
    abstract List<Object[]> rows(List<Optional<String>> values)
            throws HiveException;

    @Override
    public StructObjectInspector initialize(StructObjectInspector argumentInspectors)
            throws UDFArgumentException
    {
        List<? extends StructField> fields = argumentInspectors.getAllStructFieldRefs();
        if (fields.size() < required || fields.size() > arguments.length) {
            throw new UDFArgumentLengthException("%s takes %s: %s".formatted(name, required == arguments.length ? arguments.length + " arguments" : required + " to " + arguments.length + " arguments", String.join(", ", arguments)));
        }
        inputs = new PrimitiveObjectInspector[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            ObjectInspector inspector = fields.get(i).getFieldObjectInspector();
            if (!(inspector instanceof PrimitiveObjectInspector primitive) || primitive.getPrimitiveCategory() == PrimitiveObjectInspector.PrimitiveCategory.BINARY) {
                throw new UDFArgumentTypeException(i, "%s: %s must be text, got %s".formatted(name, arguments[i], inspector.getTypeName()));
            }
            inputs[i] = primitive;
        }
        Map<String, ObjectInspector> columns = columns();
        return ObjectInspectorFactory.getStandardStructObjectInspector(new ArrayList<>(columns.keySet()), new ArrayList<>(columns.values()));
    }

    @Override
    public void process(Object[] values)
            throws HiveException
    {
        List<Optional<String>> texts = new ArrayList<>();
        for (int i = 0; i < arguments.length; i++) {
            texts.add(i < values.length ? Optional.ofNullable(PrimitiveObjectInspectorUtils.getString(values[i], inputs[i])) : Optional.empty());
        }
        for (int i = 0; i < required; i++) {
            if (texts.get(i).isEmpty() || texts.get(i).get().isBlank()) {
                throw new HiveException("%s: %s must not be NULL or empty".formatted(name, arguments[i]));
            }
        }
        for (Object[] row : rows(texts)) {
            forward(row);
        }
    }

    @Override
    public void close()
    {
    }
}
