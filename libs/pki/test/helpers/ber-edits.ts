// Encodings DER forbids (X.690 §10), made by editing DER bytes: a needless long-form length or a
// needless leading zero octet in an INTEGER, anywhere in a structure, OCTET STRINGs that hold DER
// included (parseTree opens them); and a SignerInfo whose signed attributes are re-signed after
// such an edit, so that only the encoding is wrong.
import { children, content, encoded, parseDer } from '../../src/der/reader.ts';
import { ctx, seq, tlv } from '../../src/der/writer.ts';
import { signedDataNodes } from '../../src/cades/signed-data-nodes.ts';
import { encodeTree, locate, parseTree, type Tlv } from './der-mutations.ts';

function rebuilt(node: Tlv, target: Tlv, replacement: Tlv): Tlv {
  if (node === target) return replacement;
  if (node.kind === 'constructed')
    return { ...node, children: node.children.map((c) => rebuilt(c, target, replacement)) };
  if (node.kind === 'wrapper') return { ...node, inner: rebuilt(node.inner, target, replacement) };
  return node;
}

/** The nodes of `der` (OCTET STRINGs holding DER opened) with their offsets. */
export const nodesOf = (der: Uint8Array): { tree: Tlv; nodes: ReturnType<typeof locate> } => {
  const tree = parseTree(der);
  return { tree, nodes: locate(tree) };
};

/** `der` with the length of its `index`-th node matching `pick` in long form with a leading zero octet. */
export function withLongLength(der: Uint8Array, pick: (n: Tlv) => boolean, index = 0): Uint8Array {
  const { tree, nodes } = nodesOf(der);
  const target = nodes.filter((l) => pick(l.node))[index];
  if (target === undefined) throw new Error('no such node');
  return encodeTree(tree, new Map([[target.node, 'long']]));
}

/** `der` with the `index`-th INTEGER whose first octet is under 0x80 given a needless leading 0x00 (X.690 §8.3.2). */
export function withPaddedInteger(der: Uint8Array, index = 0, pick: (n: Tlv) => boolean = () => true): Uint8Array {
  const { tree, nodes } = nodesOf(der);
  const target = nodes.filter(
    (l) => l.node.kind === 'primitive' && l.node.identifier[0] === 0x02 && l.node.content[0]! < 0x80 && pick(l.node),
  )[index];
  if (target === undefined || target.node.kind !== 'primitive') throw new Error('no such INTEGER');
  const padded: Tlv = { ...target.node, content: Uint8Array.of(0, ...target.node.content) };
  return encodeTree(rebuilt(tree, target.node, padded));
}

/** `der` with its outermost length indefinite (X.690 §8.1.3.6). */
export function withIndefiniteOuterLength(der: Uint8Array): Uint8Array {
  const tree = parseTree(der);
  return encodeTree(tree, new Map([[tree, 'indefinite']]));
}

/**
 * The CMS with the first SignerInfo's signed attributes replaced by `edit` of their DER (as SET
 * OF, the bytes signed) and signed again by `sign`: the signature verifies, only the encoding
 * of the attributes is what `edit` made it.
 */
export function resignedAttributes(
  cms: Uint8Array,
  edit: (signedAttributes: Uint8Array) => Uint8Array,
  sign: (data: Uint8Array) => Uint8Array,
): Uint8Array {
  const n = signedDataNodes(cms);
  const parts = children(n.signerInfos[0]!).map((p) => encoded(p));
  const set = Uint8Array.from(parts[3]!);
  set[0] = 0x31;
  const edited = edit(set);
  const implicitSet = Uint8Array.from(edited);
  implicitSet[0] = 0xa0;
  const si = seq(...parts.slice(0, 3), implicitSet, parts[4]!, tlv(0x04, sign(edited)), ...parts.slice(6));
  const sd = seq(
    encoded(n.version),
    encoded(n.digestAlgorithms),
    encoded(n.encapContentInfo),
    ...(n.certificates.length === 0 ? [] : [ctx(0, ...n.certificates.map((c) => encoded(c)))]),
    ...(n.crls.length === 0 ? [] : [ctx(1, ...n.crls.map((c) => encoded(c)))]),
    tlv(0x31, si, ...n.signerInfos.slice(1).map((s) => encoded(s))),
  );
  return seq(encoded(n.contentType), ctx(0, sd));
}

/**
 * A signed structure SEQUENCE { tbs, signatureAlgorithm, BIT STRING signature, … } (a
 * certificate, a CRL, a BasicOCSPResponse) with its tbs replaced by `edit` of it and signed
 * again by `sign`: the signature verifies, only the encoding is what `edit` made it.
 */
export function resignedTbs(
  der: Uint8Array,
  edit: (tbs: Uint8Array) => Uint8Array,
  sign: (tbs: Uint8Array) => Uint8Array,
): Uint8Array {
  const parts = children(parseDer(der)).map((p) => encoded(p));
  const tbs = edit(Uint8Array.from(parts[0]!));
  return seq(tbs, parts[1]!, tlv(0x03, Uint8Array.of(0), sign(tbs)), ...parts.slice(3));
}

/** The BasicOCSPResponse inside an OCSPResponse's responseBytes OCTET STRING (RFC 6960 §4.2.1). */
export function basicOcspOf(ocspResponse: Uint8Array): Uint8Array {
  const [, bytes] = children(parseDer(ocspResponse));
  const [, response] = children(children(bytes!)[0]!);
  return Uint8Array.from(content(response!));
}

/** The OCSPResponse with `basic` in its responseBytes OCTET STRING instead of the one it holds. */
export function rewrappedOcsp(ocspResponse: Uint8Array, basic: Uint8Array): Uint8Array {
  const [status, bytes] = children(parseDer(ocspResponse));
  const [type] = children(children(bytes!)[0]!);
  return seq(encoded(status!), ctx(0, seq(encoded(type!), tlv(0x04, basic))));
}
