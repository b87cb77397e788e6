// A seeded corpus of mutated DER for differential tests: raw damage (bit flips,
// truncations, inserted bytes, tag and length octets changed in place) and
// re-encodings with the enclosing lengths fixed up (BER length forms, extra or
// missing elements), so that two parsers can be compared on the same bytes.

/** A TLV tree of a DER input (X.690 §8.1); OCTET and BIT STRINGs that hold DER are opened. */
export type Tlv =
  | { readonly identifier: Uint8Array; readonly kind: 'constructed'; readonly children: readonly Tlv[] }
  | { readonly identifier: Uint8Array; readonly kind: 'primitive'; readonly content: Uint8Array }
  /** A primitive OCTET STRING or BIT STRING whose content (after the unused-bits octet) is one DER value. */
  | { readonly identifier: Uint8Array; readonly kind: 'wrapper'; readonly prefix: Uint8Array; readonly inner: Tlv };

/** How a length is written: DER (X.690 §10.1), long form with a leading zero octet, or indefinite (§8.1.3.6). */
export type LengthForm = 'der' | 'long' | 'indefinite';

interface Read {
  node: Tlv;
  end: number;
}

function readTlv(b: Uint8Array, p: number, limit: number, depth: number): Read {
  if (depth > 40 || p + 2 > limit) throw new Error('not DER');
  const start = p;
  const first = b[p++]!;
  if ((first & 0x1f) === 0x1f) {
    while (p < limit && (b[p]! & 0x80) !== 0) p++;
    p++;
  }
  const identifier = b.subarray(start, p);
  const lb = b[p++]!;
  let length = lb;
  if (lb === 0x80) throw new Error('not DER');
  if (lb > 0x80) {
    length = 0;
    for (let i = 0; i < (lb & 0x7f); i++) length = length * 256 + b[p++]!;
  }
  const end = p + length;
  if (end > limit) throw new Error('not DER');
  const content = b.subarray(p, end);
  if ((first & 0x20) !== 0) {
    const children: Tlv[] = [];
    for (let q = p; q < end;) {
      const r = readTlv(b, q, end, depth + 1);
      children.push(r.node);
      q = r.end;
    }
    return { node: { identifier, kind: 'constructed', children }, end };
  }
  const skip = first === 0x03 ? 1 : 0;
  if ((first === 0x04 || (first === 0x03 && content[0] === 0)) && content.length > skip + 1) {
    try {
      const r = readTlv(content, skip, content.length, depth + 1);
      if (r.end === content.length)
        return { node: { identifier, kind: 'wrapper', prefix: content.subarray(0, skip), inner: r.node }, end };
    } catch {
      // Plain bytes, not DER inside.
    }
  }
  return { node: { identifier, kind: 'primitive', content }, end };
}

/** Parses DER made by our own encoders into a tree. */
export function parseTree(der: Uint8Array): Tlv {
  const r = readTlv(der, 0, der.length, 0);
  if (r.end !== der.length) throw new Error('trailing data');
  return r.node;
}

function lengthOctets(n: number, form: LengthForm): number[] {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  if (form === 'long') return [0x80 | (out.length + 1), 0, ...out];
  return n < 0x80 ? [n] : [0x80 | out.length, ...out];
}

/** Re-encodes a tree; `forms` says which nodes get a length other than DER's. */
export function encodeTree(node: Tlv, forms: ReadonlyMap<Tlv, LengthForm> = new Map()): Uint8Array {
  const body =
    node.kind === 'constructed'
      ? Buffer.concat(node.children.map((c) => encodeTree(c, forms)))
      : node.kind === 'wrapper'
        ? Buffer.concat([node.prefix, encodeTree(node.inner, forms)])
        : node.content;
  const form = forms.get(node) ?? 'der';
  if (form === 'indefinite' && node.kind === 'constructed')
    return Buffer.concat([node.identifier, Uint8Array.of(0x80), body, Uint8Array.of(0, 0)]);
  return Buffer.concat([
    node.identifier,
    Uint8Array.from(lengthOctets(body.length, form === 'indefinite' ? 'der' : form)),
    body,
  ]);
}

/** Every node of a tree with its byte offset in the DER encoding (and its parent), in document order. */
export interface Located {
  readonly node: Tlv;
  readonly offset: number;
  readonly parent?: Tlv;
  readonly depth: number;
}

export function locate(root: Tlv): Located[] {
  const out: Located[] = [];
  const walk = (node: Tlv, offset: number, depth: number, parent?: Tlv): number => {
    out.push({ node, offset, depth, ...(parent === undefined ? {} : { parent }) });
    const header = encodeTree(node).length - bodyLength(node);
    let p = offset + header;
    if (node.kind === 'constructed') for (const c of node.children) p = walk(c, p, depth + 1, node);
    else if (node.kind === 'wrapper') walk(node.inner, p + node.prefix.length, depth + 1, node);
    return offset + encodeTree(node).length;
  };
  walk(root, 0, 0);
  return out;
}

function bodyLength(node: Tlv): number {
  return node.kind === 'constructed'
    ? node.children.reduce((n, c) => n + encodeTree(c).length, 0)
    : node.kind === 'wrapper'
      ? node.prefix.length + encodeTree(node.inner).length
      : node.content.length;
}

/** Rebuilds the tree with `target` replaced (or removed when `replacement` is undefined). */
function replaceIn(node: Tlv, target: Tlv, replacement: Tlv | undefined): Tlv | undefined {
  if (node === target) return replacement;
  if (node.kind === 'constructed') {
    const children = node.children
      .map((c) => replaceIn(c, target, replacement))
      .filter((c): c is Tlv => c !== undefined);
    return { ...node, children };
  }
  if (node.kind === 'wrapper') {
    const inner = replaceIn(node.inner, target, replacement);
    return inner === undefined
      ? { identifier: node.identifier, kind: 'primitive', content: node.prefix }
      : { ...node, inner };
  }
  return node;
}

/** A deterministic generator (xorshift32) so that the corpus is the same on every run. */
export function seeded(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

export const MUTATIONS = [
  'bit-flip',
  'truncate',
  'insert-byte',
  'tag-byte',
  'length-byte',
  'long-length',
  'indefinite-length',
  'extra-element',
  'missing-element',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];

export interface Mutant {
  readonly kind: MutationKind;
  readonly bytes: Uint8Array;
  /** What was done, for the failure message of a disagreement. */
  readonly note: string;
}

/** Small TLVs that an inserted element is drawn from: NULL, INTEGER, BOOLEAN, OID, context [0]/[3]. */
const EXTRA_ELEMENTS = [
  [0x05, 0x00],
  [0x02, 0x01, 0x07],
  [0x01, 0x01, 0xff],
  [0x06, 0x03, 0x2a, 0x03, 0x04],
  [0xa0, 0x03, 0x02, 0x01, 0x02],
  [0x83, 0x01, 0x00],
  [0x30, 0x00],
] as const;

/** Makes one mutant of `der` (whose tree and located nodes are given) of the given kind. */
function mutate(
  der: Uint8Array,
  tree: Tlv,
  nodes: readonly Located[],
  kind: MutationKind,
  rnd: (n: number) => number,
): Mutant {
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  switch (kind) {
    case 'bit-flip': {
      const m = Uint8Array.from(der);
      const at = rnd(m.length);
      const bit = rnd(8);
      m[at]! ^= 1 << bit;
      return { kind, bytes: m, note: `bit ${bit} of byte ${at}` };
    }
    case 'truncate': {
      const at = rnd(der.length);
      return { kind, bytes: der.slice(0, at), note: `cut at ${at}` };
    }
    case 'insert-byte': {
      const at = rnd(der.length + 1);
      const v = rnd(256);
      return {
        kind,
        bytes: Buffer.concat([der.subarray(0, at), Uint8Array.of(v), der.subarray(at)]),
        note: `0x${v.toString(16)} inserted at ${at}`,
      };
    }
    case 'tag-byte': {
      const n = pick(nodes);
      const m = Uint8Array.from(der);
      const v = rnd(256);
      m[n.offset] = v;
      return {
        kind,
        bytes: m,
        note: `identifier at ${n.offset} 0x${der[n.offset]!.toString(16)} → 0x${v.toString(16)}`,
      };
    }
    case 'length-byte': {
      const n = pick(nodes);
      const m = Uint8Array.from(der);
      const at = n.offset + n.node.identifier.length;
      const lb = der[at]!;
      const lastLengthOctet = lb < 0x80 ? at : at + (lb & 0x7f);
      const delta = pick([-2, -1, 1, 2, 0x80]);
      m[lastLengthOctet] = (m[lastLengthOctet]! + delta) & 0xff;
      return { kind, bytes: m, note: `length octet at ${lastLengthOctet} ${delta > 0 ? '+' : ''}${delta}` };
    }
    case 'long-length':
    case 'indefinite-length': {
      const candidates = kind === 'indefinite-length' ? nodes.filter((n) => n.node.kind === 'constructed') : nodes;
      const n = pick(candidates);
      return {
        kind,
        bytes: encodeTree(tree, new Map([[n.node, kind === 'long-length' ? 'long' : 'indefinite']])),
        note: `node at ${n.offset} (0x${der[n.offset]!.toString(16)}, depth ${n.depth})`,
      };
    }
    case 'extra-element': {
      const n = pick(nodes.filter((x) => x.node.kind === 'constructed'));
      const node = n.node as Extract<Tlv, { kind: 'constructed' }>;
      const extra: Tlv = parseTree(Uint8Array.from(pick(EXTRA_ELEMENTS)));
      const at = rnd(node.children.length + 1);
      const children = [...node.children.slice(0, at), extra, ...node.children.slice(at)];
      return {
        kind,
        bytes: encodeTree(replaceIn(tree, node, { ...node, children })!),
        note: `0x${Buffer.from(encodeTree(extra)).toString('hex')} as child ${at} of the node at ${n.offset} (0x${der[n.offset]!.toString(16)})`,
      };
    }
    case 'missing-element': {
      const n = pick(nodes.filter((x) => x.parent !== undefined));
      return {
        kind,
        bytes: encodeTree(replaceIn(tree, n.node, undefined) ?? tree),
        note: `node at ${n.offset} (0x${der[n.offset]!.toString(16)}) removed`,
      };
    }
  }
}

/** `count` mutants of `der`, the kinds in turn, from `seed`. */
export function corpus(der: Uint8Array, seed: number, count: number): Mutant[] {
  const rnd = seeded(seed);
  const tree = parseTree(der);
  const nodes = locate(tree);
  return Array.from({ length: count }, (_, i) => mutate(der, tree, nodes, MUTATIONS[i % MUTATIONS.length]!, rnd));
}

/**
 * The first framing fault of a BER encoding (X.690 §8.1), walking every constructed value:
 * `overrun` when a value (or its header) runs past the end of the value that encloses it,
 * `trailing` when bytes follow the outermost value. Indefinite and non-minimal lengths are BER
 * and not faults here.
 */
export function framingFault(b: Uint8Array): 'overrun' | 'trailing' | undefined {
  const walk = (p: number, limit: number, depth: number): number | 'overrun' => {
    if (depth > 100 || p + 2 > limit) return 'overrun';
    const first = b[p++]!;
    if ((first & 0x1f) === 0x1f) {
      while (p < limit && (b[p]! & 0x80) !== 0) p++;
      p++;
    }
    if (p >= limit) return 'overrun';
    const lb = b[p++]!;
    if (lb === 0x80) {
      for (;;) {
        if (p + 2 <= limit && b[p] === 0 && b[p + 1] === 0) return p + 2;
        const next = walk(p, limit, depth + 1);
        if (next === 'overrun') return next;
        p = next;
      }
    }
    let length = lb;
    if (lb > 0x80) {
      length = 0;
      for (let i = 0; i < (lb & 0x7f); i++) {
        if (p >= limit) return 'overrun';
        length = length * 256 + b[p++]!;
      }
    }
    const end = p + length;
    if (end > limit) return 'overrun';
    if ((first & 0x20) !== 0) {
      for (let q = p; q < end;) {
        const next = walk(q, end, depth + 1);
        if (next === 'overrun') return next;
        q = next;
      }
    }
    return end;
  };
  const end = walk(0, b.length, 0);
  return end === 'overrun' ? end : end < b.length ? 'trailing' : undefined;
}
