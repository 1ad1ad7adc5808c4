/**
 * The Parquet schema of a kind, derived from its columns in the kinds registry: `int64` → INT64,
 * `timestamp` → INT64 TIMESTAMP(NANOS, isAdjustedToUTC=false) (so DuckDB reads it as exact `TIMESTAMP_NS`;
 * the values are UTC), `double` → DOUBLE, `string`/`enum` → BYTE_ARRAY UTF8 (enums dictionary-encoded),
 * `bool` → BOOLEAN; optional columns are OPTIONAL (nullable), the others REQUIRED.
 *
 * @module
 */
import type { SchemaElement } from 'hyparquet';
import { type Column, type ColumnType, KINDS, type KindId } from '../core/kinds.js';

/** The Parquet schema element of one column type. */
export function schemaElementOf(name: string, type: ColumnType, optional: boolean): SchemaElement {
  const repetition_type = optional ? 'OPTIONAL' : 'REQUIRED';
  switch (type) {
    case 'int64':
      return { name, type: 'INT64', repetition_type };
    case 'timestamp':
      return {
        name,
        type: 'INT64',
        repetition_type,
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'NANOS' },
      };
    case 'double':
      return { name, type: 'DOUBLE', repetition_type };
    case 'string':
    case 'enum':
      return {
        name,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
        repetition_type,
      };
    case 'bool':
      return { name, type: 'BOOLEAN', repetition_type };
  }
}

/** The full Parquet schema (root first) of `kind`'s columns. */
export function parquetSchemaOf(kind: KindId): SchemaElement[] {
  const columns = KINDS[kind].columns as readonly Column<never>[];
  return [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => schemaElementOf(c.name, c.type, c.optional === true)),
  ];
}
