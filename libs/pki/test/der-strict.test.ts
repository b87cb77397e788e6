/** DER strictness (X.690 §10): what `derViolation` names, and BER CMS still read with the violation recorded. */
import t from 'tap';
import { keySigner, readSignedData } from '../src/index.ts';
import { buildEncapsulatedSignedData } from '../src/cms/signed-data-builder.ts';
import { derViolation } from '../src/der/reader.ts';
import { OID } from '../src/oids.ts';
import { buildHierarchy } from './helpers/hierarchy.ts';
import { encodeTree, parseTree } from './helpers/der-mutations.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

void t.test('DER passes', async (t) => {
  for (const der of [
    bytes(0x30, 0x06, 0x02, 0x01, 0x00, 0x01, 0x01, 0xff),
    bytes(0x02, 0x02, 0x00, 0x80),
    bytes(0x02, 0x02, 0xff, 0x7f),
    bytes(0x04, 0x81, 0x80, ...new Array<number>(0x80).fill(1)),
    bytes(0xbf, 0x1f, 0x00),
  ])
    t.equal(derViolation(der), undefined, Buffer.from(der).toString('hex').slice(0, 16));
});

void t.test('each BER-only form is named with its rule and byte', async (t) => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'serial with a needless 0x00',
      bytes(0x30, 0x04, 0x02, 0x02, 0x00, 0x01),
      /INTEGER with a needless leading 0x00 octet at byte 2/,
    ],
    ['negative INTEGER with a needless 0xFF', bytes(0x02, 0x02, 0xff, 0x80), /needless leading 0xFF/],
    ['ENUMERATED with a needless 0x00', bytes(0x0a, 0x02, 0x00, 0x01), /ENUMERATED/],
    ['indefinite length', bytes(0x30, 0x80, 0x05, 0x00, 0x00, 0x00), /indefinite length at byte 0/],
    ['long form for a short length', bytes(0x30, 0x81, 0x02, 0x05, 0x00), /non-minimal length at byte 0/],
    ['length with a leading zero octet', bytes(0x04, 0x82, 0x00, 0x01, 0x41), /non-minimal length/],
    ['BOOLEAN TRUE as 0x01', bytes(0x01, 0x01, 0x01), /BOOLEAN TRUE/],
    ['constructed OCTET STRING', bytes(0x24, 0x03, 0x04, 0x01, 0x41), /constructed string/],
    ['high tag form for a low tag', bytes(0x9f, 0x05, 0x00), /non-minimal tag number/],
  ];
  for (const [name, der, why] of cases) t.match(derViolation(der) ?? '', why, name);
});

void t.test('a CMS with BER lengths is still read; readSignedData records that it is not DER', async (t) => {
  const h = await buildHierarchy();
  const der = await buildEncapsulatedSignedData({
    contentType: OID.data,
    content: Buffer.from('Công văn số 138-CV/VPTU'),
    certificate: h.person.certificate,
    signer: keySigner(h.person.privateKey),
    certificates: [h.person.certificate],
  });
  t.equal(readSignedData(der).derViolation, undefined, 'our own encoding is DER');
  const tree = parseTree(der);
  const ber = encodeTree(tree, new Map([[tree, 'indefinite']]));
  const sd = readSignedData(ber);
  t.equal(sd.signerInfos.length, 1, 'read as before');
  t.match(sd.derViolation, /indefinite length at byte 0/);
});
