// What the pkijs differential found in our readers: each was read by us and refused by pkijs; the
// first two hid or replaced a signed field, the third took any tag for responseBytes, the fourth any tag for a
// BasicOCSPResponse's certs. Both readers must now refuse.
import * as pkijs from 'pkijs';
import t from 'tap';
import { isPkiError, readCertificate, readOcspResponse, readTimeStampResponse, readTstInfo } from '../../src/index.ts';
import { encodeTree, parseTree, type Tlv } from '../helpers/der-mutations.ts';
import { buildSignedStructures } from '../helpers/signed-structures.ts';

const s = await buildSignedStructures();

type Constructed = Extract<Tlv, { kind: 'constructed' }>;
const constructed = (n: Tlv | undefined): Constructed => {
  if (n?.kind !== 'constructed') throw new Error('expected a constructed value');
  return n;
};
/** The tree with `node`'s children replaced, wherever it is. */
function withChildren(root: Tlv, node: Constructed, children: Tlv[]): Tlv {
  if (root === node) return { ...node, children };
  return root.kind === 'constructed'
    ? { ...root, children: root.children.map((c) => withChildren(c, node, children)) }
    : root;
}

function refusal(read: () => unknown): string {
  try {
    read();
    return 'read';
  } catch (e) {
    return isPkiError(e, 'MALFORMED') ? 'MALFORMED' : `unexpected ${String(e)}`;
  }
}

void t.test(
  'a certificate whose extensions field is re-tagged is refused, not read as a certificate without extensions',
  async (t) => {
    const cert = constructed(parseTree(s.h.intermediate.certificate.der));
    const tbs = constructed(cert.children[0]);
    const extensions = constructed(tbs.children.at(-1));
    t.equal(extensions.identifier[0], 0xa3, 'the last field of tbsCertificate is extensions [3]');
    for (const identifier of [0xac, 0xa2, 0xa4]) {
      const retagged = encodeTree(
        withChildren(cert, tbs, [
          ...tbs.children.slice(0, -1),
          { ...extensions, identifier: Uint8Array.of(identifier) },
        ]),
      );
      // Before: read, with `extensions: []`, so a CA certificate lost basicConstraints and keyUsage.
      t.equal(
        refusal(() => readCertificate(retagged)),
        'MALFORMED',
        `[3] as 0x${identifier.toString(16)}: we refuse`,
      );
      t.throws(() => pkijs.Certificate.fromBER(retagged), `[3] as 0x${identifier.toString(16)}: pkijs refuses`);
    }
    const twice = encodeTree(withChildren(cert, tbs, [...tbs.children, extensions]));
    t.equal(
      refusal(() => readCertificate(twice)),
      'MALFORMED',
      'extensions twice: we refuse (the second used to replace the first)',
    );
    t.equal(
      readCertificate(s.h.intermediate.certificate.der).basicConstraints?.ca,
      true,
      'the certificate itself still reads',
    );
  },
);

void t.test('a TSTInfo accuracy with seconds twice is refused, not read as the second value', async (t) => {
  const tstInfo = readTimeStampResponse(s.tsResponse).token!.tstInfo;
  t.same(tstInfo.accuracy, { seconds: 1 });
  const tree = constructed(parseTree(tstInfo.der));
  const accuracy = constructed(
    tree.children.find(
      (c) =>
        c.kind === 'constructed' &&
        c.identifier[0] === 0x30 &&
        c.children.length === 1 &&
        c.children[0]!.identifier[0] === 0x02,
    ),
  );
  for (const [label, extra] of [
    ['seconds 7 before seconds 1', [0x02, 0x01, 0x07]],
    ['millis [0] before seconds', [0x80, 0x01, 0x05]],
  ] as const) {
    const der = encodeTree(withChildren(tree, accuracy, [parseTree(Uint8Array.from(extra)), ...accuracy.children]));
    // Before: read as { seconds: 1 } (or { millis: 5, seconds: 1 }): the last value won, whatever came first.
    t.equal(
      refusal(() => readTstInfo(der)),
      'MALFORMED',
      `${label}: we refuse`,
    );
    t.throws(() => pkijs.TSTInfo.fromBER(der), `${label}: pkijs refuses`);
  }
  const millis = encodeTree(
    withChildren(tree, accuracy, [...accuracy.children, parseTree(Uint8Array.of(0x80, 0x01, 0x05))]),
  );
  t.same(readTstInfo(millis).accuracy, { seconds: 1, millis: 5 }, 'seconds then millis, in order, still reads');
});

void t.test('an OCSPResponse whose responseBytes is not [0] is refused, not read as if it were', async (t) => {
  const tree = constructed(parseTree(s.ocspResponse));
  const bytes = constructed(tree.children[1]);
  t.equal(bytes.identifier[0], 0xa0, 'responseBytes [0] EXPLICIT');
  for (const identifier of [0x29, 0xa1, 0x30]) {
    const retagged = encodeTree(
      withChildren(tree, tree, [tree.children[0]!, { ...bytes, identifier: Uint8Array.of(identifier) }]),
    );
    // Before: any constructed tag was taken for [0] and the response read as successful.
    t.equal(
      refusal(() => readOcspResponse(retagged)),
      'MALFORMED',
      `[0] as 0x${identifier.toString(16)}: we refuse`,
    );
    t.throws(
      () => pkijs.OCSPResponse.fromBER(retagged).responseBytes!.responseType,
      `[0] as 0x${identifier.toString(16)}: pkijs finds no responseBytes`,
    );
  }
});

void t.test('a BasicOCSPResponse whose certs is not [0] is refused, not read as if it were', async (t) => {
  const tree = constructed(parseTree(s.ocspResponse));
  const responseBytes = constructed(tree.children[1]);
  const sequence = constructed(responseBytes.children[0]);
  const wrapper = sequence.children[1];
  if (wrapper?.kind !== 'wrapper') throw new Error('expected the BasicOCSPResponse inside its OCTET STRING');
  const basic = constructed(wrapper.inner);
  const certs = constructed(basic.children[3]);
  t.equal(certs.identifier[0], 0xa0, 'certs [0] EXPLICIT');
  // Seen by the pkijs differential: an application-class tag (0x76) where [0] belongs was read as the certificates.
  const retaggedBasic = {
    ...basic,
    children: [...basic.children.slice(0, 3), { ...certs, identifier: Uint8Array.of(0x76) }],
  };
  const retagged = encodeTree({
    ...tree,
    children: [
      tree.children[0]!,
      {
        ...responseBytes,
        children: [{ ...sequence, children: [sequence.children[0]!, { ...wrapper, inner: retaggedBasic }] }],
      },
    ],
  });
  t.equal(
    refusal(() => readOcspResponse(retagged)),
    'MALFORMED',
    'we refuse',
  );
});
