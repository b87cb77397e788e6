/**
 * The schemas are plain JSON Schema that mean the same to TypeBox `Value` (here) and to
 * Ajv as the services' routes compile it (`@fastify/ajv-compiler`, patterns with the `u`
 * flag, unknown fields refused, no coercion of a JSON body).
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import t from 'tap';
import { DocumentMetadataSchema, eventDefinitions, type EventDefinition } from '../src/index.ts';
import { good, samples, shown } from './samples.ts';

const definitions = Object.values(eventDefinitions) as unknown as EventDefinition[];
const schemas: [string, TSchema][] = [
  ['metadata', DocumentMetadataSchema],
  ...definitions.map((d): [string, TSchema] => [d.type, d.schema]),
];

/** Every `pattern` and every keyword name in a schema. */
function walk(
  schema: unknown,
  patterns: string[] = [],
  keywords = new Set<string>(),
): { patterns: string[]; keywords: Set<string> } {
  if (Array.isArray(schema)) for (const s of schema) walk(s, patterns, keywords);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      keywords.add(key);
      if (key === 'pattern' && typeof value === 'string') patterns.push(value);
      else if (key === 'properties') for (const sub of Object.values(value as object)) walk(sub, patterns, keywords);
      else walk(value, patterns, keywords);
    }
  }
  return { patterns, keywords };
}

const compile = (schema: TSchema) => {
  const factory = AjvCompiler();
  const build = factory({}, { customOptions: { removeAdditional: false, coerceTypes: false } });
  return build({ schema, method: 'POST', url: '/', httpPart: 'body' }) as (v: unknown) => boolean;
};

void t.test(
  'no format keyword (TypeBox refuses unregistered formats); every pattern compiles with and without u',
  async (t) => {
    for (const [name, schema] of schemas) {
      const { patterns, keywords } = walk(JSON.parse(JSON.stringify(schema)));
      t.notOk(keywords.has('format'), `${name}: no format`);
      for (const p of patterns) {
        t.doesNotThrow(() => new RegExp(p, 'u'), `${name}: ${p} with u`);
        t.doesNotThrow(() => new RegExp(p), `${name}: ${p} without u`);
      }
    }
  },
);

void t.test('Ajv as the routes use it agrees with TypeBox on valid and spoiled values', async (t) => {
  const validateMetadata = compile(DocumentMetadataSchema);
  const spoiled: unknown[] = [
    { ...good(), extra: 1 },
    { ...good(), type: 'Q\u00d0' },
    { ...good(), subject: 'a\u0000b' },
    { ...good(), subject: 'a\u202eb' },
    { ...good(), secrecy: 'Mật' },
    { ...good(), file: { ...good().file, byteLength: '5' } },
    { ...good(), recipients: { offices: ['tỉnh ủy'] } },
    { ...good(), deadline: '2026-03-02 17:00' },
  ];
  t.ok(validateMetadata(good()), 'Ajv accepts the good value');
  t.ok(Value.Check(DocumentMetadataSchema, good()), 'TypeBox accepts it');
  for (const value of spoiled) {
    t.notOk(validateMetadata(value), `Ajv refuses ${shown(value).slice(0, 80)}`);
    t.notOk(Value.Check(DocumentMetadataSchema, value), 'and so does TypeBox');
  }
  t.ok(validateMetadata({ ...good(), type: 'ĐA' }), 'Đ passes the pattern under u');
  for (const d of definitions) {
    const validate = compile(d.schema);
    t.ok(validate(samples[d.type]), `${d.type}: Ajv accepts the sample`);
    t.notOk(validate({ ...(samples[d.type] as object), unexpected: true }), `${d.type}: Ajv refuses an unknown field`);
  }
});
