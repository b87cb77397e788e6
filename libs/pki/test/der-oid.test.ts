/** OBJECT IDENTIFIER encoding (X.690 §8.19): round trips, UUID arcs (X.667), hostile encodings. */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { parseDer, readOid } from '../src/der/reader.ts';
import { oid } from '../src/der/writer.ts';

const uuidArc = BigInt('0x' + 'f81d4fae7dec11d0a76500a0c91e6bf6').toString(); // X.667's example UUID

void t.test('dotted OIDs round trip, including a 2.25 UUID arc', async (t) => {
  for (const dotted of [
    '1.2.840.113549.1.1.11',
    '2.5.29.19',
    '0.9.2342.19200300.100.1.1',
    '2.999.3',
    `2.25.${uuidArc}`,
  ]) {
    t.equal(readOid(parseDer(oid(dotted))), dotted, dotted);
  }
});

void t.test('openssl reads our UUID OID the same way', async (t) => {
  const der = Buffer.from(oid(`2.25.${uuidArc}`));
  const text = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: der }).toString();
  t.match(text, `2.25.${uuidArc}`);
});

void t.test('hostile OIDs fail with a clear error, never a wrong value', async (t) => {
  const cases: Array<[string, number[]]> = [
    ['empty', [0x06, 0x00]],
    ['non-minimal arc', [0x06, 0x03, 0x2a, 0x80, 0x01]],
    ['truncated arc', [0x06, 0x02, 0x2a, 0x86]],
    ['arc over 24 bytes', [0x06, 0x1a, 0x2a, ...Array.from({ length: 24 }, () => 0xff), 0x7f]],
  ];
  for (const [name, bytes] of cases) {
    t.throws(() => readOid(parseDer(Uint8Array.from(bytes))), { name: 'PkiError', code: 'MALFORMED' }, name);
  }
});
