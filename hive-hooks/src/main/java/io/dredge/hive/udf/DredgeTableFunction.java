package io.dredge.hive.udf;

import io.dredge.core.DredgeException;
import io.dredge.hive.adapter.HiveCall;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.ql.exec.UDFArgumentException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentLengthException;
import org.apache.hadoop.hive.ql.exec.UDFArgumentTypeException;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.session.SessionState;
import org.apache.hadoop.hive.ql.udf.generic.GenericUDTF;
import org.apache.hadoop.hive.serde2.objectinspector.MapObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorFactory;
import org.apache.hadoop.hive.serde2.objectinspector.PrimitiveObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.StructField;
import org.apache.hadoop.hive.serde2.objectinspector.StructObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorUtils;
import org.apache.hadoop.security.UserGroupInformation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dredge table function ({@code SELECT dredge_x('demo')}): text arguments, the first required, optionally a last
 * {@code map<string,string>} of options, and a fixed list of output columns, as the Trino system table of the same
 * name has them.
 */
abstract class DredgeTableFunction
        extends GenericUDTF
{
    static final String OPTIONS = "options";

    // plain fields: Hive serializes the function into the plan of a MapReduce job (with Kryo)
    private final String name;
    private final String[] arguments;
    private final int required;
    private PrimitiveObjectInspector[] inputs;
    private MapObjectInspector optionsInput;
    // who called, as the session said while Hive analysed the statement: a task that runs the function has no session
    private String user;

    /**
     * @param arguments the arguments' names, in order, for messages; a last one named {@link #OPTIONS} is a map
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
     * The rows for the given arguments ({@code values.get(i)} empty when not given or NULL), without the options, read
     * through the session's ports.
     */
    abstract List<Object[]> rows(HivePorts ports, List<Optional<String>> values, Map<String, String> options)
            throws HiveException;

    String name()
    {
        return name;
    }

    /**
     * The user who called the function.
     */
    String user()
            throws HiveException
    {
        SessionState session = SessionState.get();
        if (session != null && session.getUserName() != null) {
            return session.getUserName();
        }
        if (user != null) {
            return user;
        }
        try {
            return UserGroupInformation.getCurrentUser().getShortUserName();
        }
        catch (IOException e) {
            throw new HiveException("%s cannot tell who called it: %s".formatted(name, e.getMessage()), e);
        }
    }

    @Override
    public StructObjectInspector initialize(StructObjectInspector argumentInspectors)
            throws UDFArgumentException
    {
        SessionState session = SessionState.get();
        if (session != null && session.getUserName() != null) {
            user = session.getUserName();
        }
        List<? extends StructField> fields = argumentInspectors.getAllStructFieldRefs();
        if (fields.size() < required || fields.size() > arguments.length) {
            throw new UDFArgumentLengthException("%s takes %s: %s".formatted(name, required == arguments.length ? arguments.length + " arguments" : required + " to " + arguments.length + " arguments", String.join(", ", arguments)));
        }
        inputs = new PrimitiveObjectInspector[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            ObjectInspector inspector = fields.get(i).getFieldObjectInspector();
            if (arguments[i].equals(OPTIONS)) {
                if (!(inspector instanceof MapObjectInspector map) || !isText(map.getMapKeyObjectInspector()) || !isText(map.getMapValueObjectInspector())) {
                    if (inspector.getCategory() != ObjectInspector.Category.PRIMITIVE || !((PrimitiveObjectInspector) inspector).getPrimitiveCategory().equals(PrimitiveObjectInspector.PrimitiveCategory.VOID)) {
                        throw new UDFArgumentTypeException(i, "%s: options must be a map of text to text, like map('verify', 'count'), got %s".formatted(name, inspector.getTypeName()));
                    }
                    continue;
                }
                optionsInput = map;
                continue;
            }
            if (!isText(inspector)) {
                throw new UDFArgumentTypeException(i, "%s: %s must be text, got %s".formatted(name, arguments[i], inspector.getTypeName()));
            }
            inputs[i] = (PrimitiveObjectInspector) inspector;
        }
        Map<String, ObjectInspector> columns = columns();
        return ObjectInspectorFactory.getStandardStructObjectInspector(new ArrayList<>(columns.keySet()), new ArrayList<>(columns.values()));
    }

    private static boolean isText(ObjectInspector inspector)
    {
        return inspector instanceof PrimitiveObjectInspector primitive && primitive.getPrimitiveCategory() != PrimitiveObjectInspector.PrimitiveCategory.BINARY;
    }

    /**
     * Whether the function must run in the calling session (HiveServer2's thread for the statement), not in a task:
     * what changes tables asks the session's authorizer, and a task has no session to ask. Such a function's work is a
     * {@link HiveCall} of the statement, which its cancel cancels.
     */
    boolean sessionOnly()
    {
        return false;
    }

    @Override
    public void process(Object[] values)
            throws HiveException
    {
        if (sessionOnly() && SessionState.get() == null) {
            throw new HiveException("%s runs in HiveServer2's session only, not in a task: call it alone, as SELECT %s(...), or from a subquery of such a SELECT".formatted(name, name));
        }
        List<Optional<String>> texts = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i].equals(OPTIONS)) {
                if (i < values.length && optionsInput != null && values[i] != null) {
                    for (Map.Entry<?, ?> entry : optionsInput.getMap(values[i]).entrySet()) {
                        String key = PrimitiveObjectInspectorUtils.getString(entry.getKey(), (PrimitiveObjectInspector) optionsInput.getMapKeyObjectInspector());
                        String value = PrimitiveObjectInspectorUtils.getString(entry.getValue(), (PrimitiveObjectInspector) optionsInput.getMapValueObjectInspector());
                        if (key != null && value != null) {
                            options.put(key.strip().toLowerCase(Locale.ROOT), value);
                        }
                    }
                }
                continue;
            }
            texts.add(i < values.length ? Optional.ofNullable(PrimitiveObjectInspectorUtils.getString(values[i], inputs[i])) : Optional.empty());
        }
        for (int i = 0; i < required; i++) {
            if (texts.get(i).isEmpty() || texts.get(i).get().isBlank()) {
                throw new HiveException("%s: %s must not be NULL or empty".formatted(name, arguments[i]));
            }
        }
        List<Object[]> rows;
        try {
            if (sessionOnly()) {
                // on a thread of Dredge's own, which the statement's cancel reaches and HiveServer2's interrupt does not
                HiveCall call = HiveCall.ofStatement(name);
                rows = call.run(() -> {
                    try (HivePorts ports = HivePorts.ofCall(call)) {
                        return rows(ports, texts, options);
                    }
                });
            }
            else {
                try (HivePorts ports = HivePorts.ofSession()) {
                    rows = rows(ports, texts, options);
                }
            }
        }
        // the message the Trino procedure or table gives for the same failure
        catch (DredgeException e) {
            throw new HiveException(e.getMessage(), e);
        }
        catch (RuntimeException e) {
            throw new HiveException("operation failed: " + e.getMessage(), e);
        }
        for (Object[] row : rows) {
            forward(row);
        }
    }

    @Override
    public void close()
    {
    }
}
