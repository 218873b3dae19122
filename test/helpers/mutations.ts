// Generated corruptions of a real safetensors file, for the fuzz tests: what a bad disk, a truncated
// download, a buggy writer or a hostile file does to one. Each mutation is applied to the original
// bytes and gives the bytes to write.
import fc from 'fast-check';

export interface Original {
  bytes: Buffer;
  header: Record<string, unknown>;
  headerLength: number;
  data: Buffer;
}

export function parseOriginal(bytes: Buffer): Original {
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  return { bytes, header, headerLength, data: bytes.subarray(8 + headerLength) };
}

export type Mutation = (original: Original) => Buffer;

/** Header text and data as a file, the length field off by lengthDelta. */
export function assemble(headerText: string, data: Buffer, lengthDelta = 0): Buffer {
  const json = Buffer.from(headerText, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Math.max(0, json.length + lengthDelta)));
  return Buffer.concat([length, json, data]);
}

/** Sets key on a copy of the header as an own property, even for `__proto__`. */
function withKey(header: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(header);
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A copy of an entry to edit; an entry an earlier edit made a non-object becomes an empty one. */
function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null
    ? (structuredClone(value) as Record<string, unknown>)
    : {};
}

const junk = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const dtypeCode = fc.constantFrom(
  'F32',
  'F64',
  'F16',
  'BF16',
  'I64',
  'I32',
  'I8',
  'U8',
  'BOOL',
  'U16',
  'F8_E4M3',
  'f32',
  '',
);
const dimension = fc.oneof(
  fc.integer({ min: -2, max: 12 }),
  fc.double({ min: -2, max: 12 }),
  fc.constant(2 ** 60),
);

/** Edits of one header entry (a tensor, or __metadata__), chosen among the original's names. */
function entryEdit(
  names: string[],
  dataLength: number,
): fc.Arbitrary<(h: Record<string, unknown>) => Record<string, unknown>> {
  const name = fc.constantFrom(...names);
  const field = fc.constantFrom('dtype', 'shape', 'data_offsets');
  const offset = fc.oneof(
    fc.integer({ min: -100, max: dataLength + 100 }),
    fc.double({ min: -10, max: dataLength }),
  );
  const edit =
    (key: string, change: (entry: Record<string, unknown>) => unknown) => (h: Record<string, unknown>) =>
      withKey(h, key, change(asObject(h[key])));
  return fc.oneof(
    name.map(
      (n) => (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== n)),
    ),
    fc.tuple(name, junk).map(
      ([n, value]) =>
        (h: Record<string, unknown>) =>
          withKey(h, n, value),
    ),
    fc.tuple(name, field).map(([n, f]) =>
      edit(n, (e) => {
        delete e[f];
        return e;
      }),
    ),
    fc.tuple(name, field, junk).map(([n, f, value]) => edit(n, (e) => ({ ...e, [f]: value }))),
    fc
      .tuple(name, fc.array(offset, { minLength: 0, maxLength: 3 }))
      .map(([n, o]) => edit(n, (e) => ({ ...e, data_offsets: o }))),
    fc
      .tuple(name, fc.array(dimension, { maxLength: 5 }))
      .map(([n, s]) => edit(n, (e) => ({ ...e, shape: s }))),
    fc.tuple(name, dtypeCode).map(([n, d]) => edit(n, (e) => ({ ...e, dtype: d }))),
    fc.tuple(name, fc.constantFrom('__proto__', 'constructor', 'toString', '__metadata__')).map(
      ([n, key]) =>
        (h: Record<string, unknown>) =>
          withKey(h, key, structuredClone(h[n])),
    ),
    fc.tuple(name, name).map(([a, b]) => (h: Record<string, unknown>) => {
      const [ea, eb] = [h[a], h[b]] as Record<string, unknown>[];
      if (
        typeof ea !== 'object' ||
        typeof eb !== 'object' ||
        ea === null ||
        eb === null ||
        a === '__metadata__' ||
        b === '__metadata__'
      )
        return h;
      return withKey(withKey(h, a, { ...ea, data_offsets: eb.data_offsets }), b, {
        ...eb,
        data_offsets: ea.data_offsets,
      });
    }),
  );
}

/** Every kind of corruption of a file; `metadataEdits` adds edits specific to the file's metadata. */
export function mutations(
  original: Original,
  metadataEdits: fc.Arbitrary<(h: Record<string, unknown>) => Record<string, unknown>>[] = [],
): fc.Arbitrary<{ label: string; mutate: Mutation }> {
  const names = Object.keys(original.header);
  const headerEnd = 8 + original.headerLength;
  const json = fc.array(fc.oneof(entryEdit(names, original.data.length), ...metadataEdits), {
    minLength: 1,
    maxLength: 3,
  });
  return (
    fc
      .oneof(
        fc
          .tuple(fc.integer({ min: 0, max: headerEnd - 1 }), fc.integer({ min: 1, max: 255 }))
          .map(([at, xor]) => ({
            label: `byte ${at} ^ ${xor}`,
            mutate: (o: Original) => {
              const bytes = Buffer.from(o.bytes);
              bytes[at] ^= xor;
              return bytes;
            },
          })),
        fc.integer({ min: 0, max: original.bytes.length - 1 }).map((length) => ({
          label: `truncated to ${length} bytes`,
          mutate: (o: Original) => o.bytes.subarray(0, length),
        })),
        fc
          .integer({ min: -24, max: 24 })
          .filter((k) => k !== 0)
          .map((k) => ({
            label: `header length ${k > 0 ? '+' : ''}${k}`,
            mutate: (o: Original) => assemble(o.bytes.subarray(8, headerEnd).toString('utf8'), o.data, k),
          })),
        fc.tuple(json, fc.nat(12)).map(([edits, padding]) => ({
          label: `JSON edits (${edits.length})`,
          mutate: (o: Original) =>
            assemble(
              JSON.stringify(edits.reduce((h, edit) => edit(h), o.header)) + ' '.repeat(padding),
              o.data,
            ),
        })),
        // Rewrites a valid file may legitimately receive: entries reordered, other padding, more metadata.
        fc
          .tuple(
            fc.shuffledSubarray(names, { minLength: names.length }),
            fc.nat(12),
            fc.string({ maxLength: 6 }),
          )
          .map(([order, padding, note]) => ({
            label: `reordered, padded ${padding}, note ${JSON.stringify(note)}`,
            mutate: (o: Original) => {
              const header = Object.fromEntries(order.map((name) => [name, o.header[name]]));
              if (typeof header.__metadata__ === 'object')
                header.__metadata__ = { ...header.__metadata__, note };
              return assemble(JSON.stringify(header) + ' '.repeat(padding), o.data);
            },
          })),
        fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names)).map(([a, b]) => ({
          label: `duplicate key ${a}`,
          mutate: (o: Original) => {
            const text = JSON.stringify(o.header);
            return assemble(
              `${text.slice(0, -1)},${JSON.stringify(a)}:${JSON.stringify(o.header[b])}}`,
              o.data,
            );
          },
        })),
      )
      // fast-check prints a failing case with this: the label, not the closure.
      .map((m) => Object.assign(m, { [fc.toStringMethod]: () => m.label }))
  );
}
