package dev.keyledger.schemas;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Builds random generic data for any schema, so tests can write records with old schema versions.
 */
final class RandomRecords {

  private final Random random;

  RandomRecords(long seed) {
    this.random = new Random(seed);
  }

  Object next(Schema schema) {
    switch (schema.getType()) {
      case RECORD:
        {
          GenericData.Record record = new GenericData.Record(schema);
          for (Schema.Field field : schema.getFields()) {
            record.put(field.pos(), next(field.schema()));
          }
          return record;
        }
      case UNION:
        {
          List<Schema> branches = schema.getTypes();
          return next(branches.get(random.nextInt(branches.size())));
        }
      case ARRAY:
        {
          List<Object> items = new ArrayList<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            items.add(next(schema.getElementType()));
          }
          return items;
        }
      case MAP:
        {
          Map<String, Object> map = new HashMap<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            map.put("k" + random.nextInt(1000), next(schema.getValueType()));
          }
          return map;
        }
      case STRING:
        return "s" + random.nextInt(1_000_000);
      case BYTES:
        {
          byte[] bytes = new byte[random.nextInt(40)];
          random.nextBytes(bytes);
          return ByteBuffer.wrap(bytes);
        }
      case INT:
        return random.nextInt();
      case LONG:
        return schema.getLogicalType() != null
            ? (long) random.nextInt(Integer.MAX_VALUE) * 1000
            : random.nextLong();
      case BOOLEAN:
        return random.nextBoolean();
      case DOUBLE:
        return random.nextDouble();
      case FLOAT:
        return random.nextFloat();
      case NULL:
        return null;
      case ENUM:
        return new GenericData.EnumSymbol(
            schema, schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
      default:
        throw new IllegalArgumentException("unsupported in tests: " + schema.getType());
    }
  }
}
