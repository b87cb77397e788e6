// pkijs as an independent second parser of hostile input: a seeded corpus of mutated DER over
// every structure we produce. Our readers and pkijs must agree on accept/reject; each kind of
// disagreement is explained below, with a check of its own, and any other one fails the test.
import { createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import t from 'tap';
import {
  OID,
  derViolation,
  isPkiError,
  readAltName,
  readAuthorityKeyIdentifier,
  readBasicConstraints,
  readCertificate,
  readCertificatePolicies,
  readCrl,
  readCrlDistributionPoints,
  readExtKeyUsage,
  readInfoAccess,
  readKeyUsage,
  readOcspRequest,
  readOcspResponse,
  readSignedData,
  readSubjectKeyIdentifier,
  readTimeStampRequest,
  readTimeStampResponse,
} from '../../src/index.ts';
import { corpus, framingFault, type Mutant } from '../helpers/der-mutations.ts';
import { buildSignedStructures } from '../helpers/signed-structures.ts';

const s = await buildSignedStructures();
const { h } = s;
const MUTANTS_PER_STRUCTURE = 120;

/** The readers compared: ours from the public index, pkijs the way its documentation reads each structure. */
const pk = {
  certificate: (b: Uint8Array): unknown => pkijs.Certificate.fromBER(b),
  crl: (b: Uint8Array): unknown => pkijs.CertificateRevocationList.fromBER(b),
  ocspRequest: (b: Uint8Array): unknown => pkijs.OCSPRequest.fromBER(b),
  ocspResponse: (b: Uint8Array): unknown => {
    const r = pkijs.OCSPResponse.fromBER(b);
    return [
      r,
      r.responseBytes === undefined
        ? undefined
        : pkijs.BasicOCSPResponse.fromBER(r.responseBytes.response.valueBlock.valueHexView),
    ];
  },
  tsRequest: (b: Uint8Array): unknown => pkijs.TimeStampReq.fromBER(b),
  tsResponse: (b: Uint8Array): unknown => {
    const r = pkijs.TimeStampResp.fromBER(b);
    if (r.timeStampToken === undefined) return [r];
    const sd = new pkijs.SignedData({ schema: r.timeStampToken.content });
    return [r, sd, pkijs.TSTInfo.fromBER(sd.encapContentInfo.eContent!.getValue())];
  },
  signedData: (b: Uint8Array): unknown => new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(b).content }),
};
const structures: [string, Uint8Array, (b: Uint8Array) => unknown, (b: Uint8Array) => unknown][] = [
  ['root CA certificate', h.root.certificate.der, readCertificate, pk.certificate],
  ['issuing CA certificate', h.intermediate.certificate.der, readCertificate, pk.certificate],
  ['person certificate', h.person.certificate.der, readCertificate, pk.certificate],
  ['office seal certificate', h.seal.certificate.der, readCertificate, pk.certificate],
  ['TSA certificate', h.tsa.certificate.der, readCertificate, pk.certificate],
  ['OCSP responder certificate', h.ocsp.certificate.der, readCertificate, pk.certificate],
  ['root CRL', h.rootCrl.der, readCrl, pk.crl],
  ['issuing CA CRL', h.intermediateCrl.der, readCrl, pk.crl],
  ['OCSP request', s.ocspRequest, readOcspRequest, pk.ocspRequest],
  ['OCSP response', s.ocspResponse, readOcspResponse, pk.ocspResponse],
  ['time-stamp request', s.tsRequest, readTimeStampRequest, pk.tsRequest],
  ['time-stamp response', s.tsResponse, readTimeStampResponse, pk.tsResponse],
  ['CAdES RSA', s.cades.rsa, readSignedData, pk.signedData],
  ['CAdES ECDSA', s.cades.ecdsa, readSignedData, pk.signedData],
];

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };
function outcome(read: (b: Uint8Array) => unknown, bytes: Uint8Array, ours: boolean): Outcome {
  try {
    return { ok: true, value: read(bytes) };
  } catch (e) {
    if (ours && !isPkiError(e)) throw e;
    return { ok: false, message: (e as Error).message };
  }
}

/** Objects reachable from a parse result (plain objects, arrays and pkijs objects; not bytes, not asn1js blocks). */
function* reachable(root: unknown, seen = new Set<unknown>()): Generator<Record<string, unknown>> {
  if (
    root === null ||
    typeof root !== 'object' ||
    seen.has(root) ||
    ArrayBuffer.isView(root) ||
    root instanceof ArrayBuffer ||
    root instanceof asn1js.BaseBlock ||
    root instanceof Date
  )
    return;
  seen.add(root);
  if (!Array.isArray(root)) yield root as Record<string, unknown>;
  for (const v of Object.values(root)) yield* reachable(v, seen);
}

/** Blocks of an asn1js tree, OCTET and BIT STRINGs that hold DER included (asn1js parses them). */
function* blocks(b: asn1js.AsnType): Generator<asn1js.AsnType> {
  yield b;
  const value = (b.valueBlock as { value?: unknown } | undefined)?.value;
  if (Array.isArray(value))
    for (const c of value) if (c instanceof asn1js.BaseBlock) yield* blocks(c as asn1js.AsnType);
}

/** An INTEGER or ENUMERATED value and nothing else (cRLNumber, RFC 5280 §5.2.3; reasonCode, §5.3.1), judged by asn1js. */
const asn1Only =
  (type: typeof asn1js.Integer | typeof asn1js.Enumerated) =>
  (v: Uint8Array): void => {
    const { result, offset } = asn1js.fromBER(v);
    if (offset !== v.length || !(result instanceof type) || framingFault(v) !== undefined)
      throw new Error(`not a single ${type.NAME}`);
  };

/** Our reader of each extension value we interpret (RFC 5280 §4.2, §5.2, §5.3); each throws on a malformed value. */
const EXTENSION_READERS: Record<string, (v: Uint8Array) => unknown> = {
  [OID.cRLNumber]: asn1Only(asn1js.Integer),
  [OID.reasonCode]: asn1Only(asn1js.Enumerated),
  [OID.basicConstraints]: readBasicConstraints,
  [OID.keyUsage]: readKeyUsage,
  [OID.extKeyUsage]: readExtKeyUsage,
  [OID.certificatePolicies]: readCertificatePolicies,
  [OID.subjectKeyIdentifier]: readSubjectKeyIdentifier,
  [OID.authorityKeyIdentifier]: readAuthorityKeyIdentifier,
  [OID.cRLDistributionPoints]: readCrlDistributionPoints,
  [OID.subjectAltName]: readAltName,
  [OID.authorityInfoAccess]: readInfoAccess,
};

const pkExtensions = (parsed: unknown): pkijs.Extension[] =>
  [...reachable(parsed)].filter((o): o is pkijs.Extension & Record<string, unknown> => o instanceof pkijs.Extension);
const pkExtensionLists = (parsed: unknown): pkijs.Extension[][] =>
  [...reachable(parsed)].flatMap((o) =>
    Object.values(o).filter(
      (v): v is pkijs.Extension[] => Array.isArray(v) && v.length > 0 && v.every((e) => e instanceof pkijs.Extension),
    ),
  );

/** X.501 Name shape: SEQUENCE OF RDN, RDN ::= SET SIZE (1..MAX) OF SEQUENCE { type OID, value ANY }. */
function isX501Name(der: Uint8Array): boolean {
  const { result, offset } = asn1js.fromBER(der);
  if (offset !== der.length || !(result instanceof asn1js.Sequence)) return false;
  return result.valueBlock.value.every(
    (rdn) =>
      rdn instanceof asn1js.Set &&
      rdn.valueBlock.value.length > 0 &&
      rdn.valueBlock.value.every(
        (atv) =>
          atv instanceof asn1js.Sequence &&
          atv.valueBlock.value.length === 2 &&
          atv.valueBlock.value[0] instanceof asn1js.ObjectIdentifier,
      ),
  );
}

/** RFC 5280 §4.1.2.5.1–2: YYMMDDHHMMSSZ or YYYYMMDDHHMMSS[.f]Z with a real date and time. */
function isRfc5280Time(b: asn1js.UTCTime | asn1js.GeneralizedTime): boolean {
  const text = Buffer.from(b.valueBlock.valueHexView).toString('latin1');
  const m = (
    b instanceof asn1js.UTCTime
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/
      : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d*[1-9])?Z$/
  ).exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/** The input, and every OCTET or BIT STRING inside it that asn1js decoded as DER, as the bytes of one TLV each. */
function* encodings(bytes: Uint8Array): Generator<Uint8Array> {
  yield bytes;
  for (const b of blocks(asn1js.fromBER(bytes).result)) {
    const inner = (b.valueBlock as { value?: unknown[] } | undefined)?.value;
    if (
      (b instanceof asn1js.OctetString || b instanceof asn1js.BitString) &&
      !b.idBlock.isConstructed &&
      inner?.length === 1
    )
      yield b.valueBlock.valueHexView;
  }
}

interface Case {
  /** Our reading of the structure before the mutation. */
  readonly original: unknown;
  readonly mutant: Mutant;
  readonly ours: Outcome;
  readonly theirs: Outcome;
}
interface DisagreementClass {
  readonly name: string;
  readonly accepts: 'pkijs' | 'ours';
  readonly explained: (c: Case) => boolean;
}

/** Certificates and CRLs (objects with a fingerprint) in one of our parse results. */
const carried = (parsed: unknown): number =>
  [...reachable(parsed)].filter((o) => typeof o.fingerprint === 'string').length;
const ourMessage = (c: Case, re: RegExp): boolean => !c.ours.ok && re.test(c.ours.message);
const pkijsMessage = (c: Case, re: RegExp): boolean => !c.theirs.ok && re.test(c.theirs.message);

const CLASSES: readonly DisagreementClass[] = [
  {
    // X.690 §8.1.1: the encoding is exactly one TLV. PkiObject.fromBER never compares where asn1js stopped with the input length.
    name: 'bytes after the outermost value: pkijs ignores them, we refuse trailing data',
    accepts: 'pkijs',
    explained: (c) => ourMessage(c, /Trailing data/) && asn1js.fromBER(c.mutant.bytes).offset < c.mutant.bytes.length,
  },
  {
    // X.690 §8.1.3: a length counts the contents octets. asn1js bounds each value by the end of the input, not by its
    // enclosing value's length, so a value that runs past its parent is read to its own end and the parent's length is ignored.
    name: 'a value runs past the end of its enclosing value: asn1js reads on, we refuse',
    accepts: 'pkijs',
    explained: (c) => [...encodings(c.mutant.bytes)].some((b) => framingFault(b) === 'overrun'),
  },
  {
    // RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSS[.f]Z. asn1js matches an unanchored
    // pattern (text around the digits is ignored), lets Date.UTC roll month 13 or hour 25 over, and when nothing
    // matches notes it in the block's `error` and carries on with a zero date; pkijs never looks.
    name: 'a time that is not an RFC 5280 time: asn1js reads something, we refuse',
    accepts: 'pkijs',
    explained: (c) =>
      ourMessage(c, /Bad (UTCTime|GeneralizedTime|date)/) &&
      [...blocks(asn1js.fromBER(c.mutant.bytes).result)].some(
        (b) => (b instanceof asn1js.UTCTime || b instanceof asn1js.GeneralizedTime) && !isRfc5280Time(b),
      ),
  },
  {
    // asn1js's schema comparison stops at the last component the schema names: later elements of a SEQUENCE (or of an
    // explicit tag) are ignored. We refuse components a structure does not have.
    name: 'an element more than the structure has: pkijs ignores it, we refuse',
    accepts: 'pkijs',
    explained: (c) =>
      (c.mutant.kind === 'extra-element' || c.mutant.kind === 'insert-byte' || c.mutant.kind === 'tag-byte') &&
      ourMessage(
        c,
        /extra fields|Unexpected field|unexpected fields|has four fields|must hold one value|Missing digestAlgorithms|Missing signerInfos/,
      ),
  },
  {
    // RFC 5280 §4.2: pkijs parses a known extension's value on demand and, when it cannot, leaves parsedValue empty or
    // sets parsingError; keyUsage and subjectKeyIdentifier values it does not interpret at all. We read every extension
    // we process when the certificate is read and refuse a malformed one. Checked with our reader of that extension alone.
    name: 'a malformed value of an extension we process: pkijs keeps the certificate, we refuse',
    accepts: 'pkijs',
    explained: (c) =>
      c.theirs.ok &&
      pkExtensions(c.theirs.value).some((e) => {
        const read = EXTENSION_READERS[e.extnID];
        if (read === undefined) return false;
        try {
          read(e.extnValue.valueBlock.valueHexView);
          return false;
        } catch {
          return true;
        }
      }),
  },
  {
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension." pkijs does not check.
    name: 'an extension twice: pkijs does not check, we refuse',
    accepts: 'pkijs',
    explained: (c) =>
      ourMessage(c, /Duplicate extension/) &&
      c.theirs.ok &&
      pkExtensionLists(c.theirs.value).some((l) => new Set(l.map((e) => e.extnID)).size < l.length),
  },
  {
    // Rules of the standards that the ASN.1 schemas do not express, which our readers enforce and pkijs does not:
    // extensions only in v3 (RFC 5280 §4.1.2.9), a nonce of 1 to 32 octets (RFC 8954), the ContentInfo of a
    // SignedData / time-stamp token (RFC 5652 §5, RFC 3161 §2.4.2), digest AlgorithmIdentifiers without parameters
    // and an imprint as long as its digest (RFC 3161 §2.4.1), OCSP and TSP versions, ENUMERATED of one octet.
    name: 'a rule of the standard beyond the ASN.1 schema: pkijs does not check it, we do',
    accepts: 'pkijs',
    explained: (c) =>
      ourMessage(
        c,
        /not v3|Nonce of|does not hold SignedData|does not encapsulate TSTInfo|carries no TSTInfo|exactly one SignerInfo|with parameters|imprint|version is not|Bad responseStatus|Bad reasonCode|Unsupported|Negative|Non-minimal OID|Bad BIT STRING|Bad signatureValue|Bad BOOLEAN|Only id-pkix-ocsp-basic|requestList of|CertID has|Status granted without|not granted|is not supported/i,
      ),
  },
  {
    // RFC 3161 §3.4: a TimeStampReq is DER. Its imprint and nonce are copied into the token, which must be DER
    // (RFC 3161 §2.4.2): a BER request (long or indefinite lengths, padded INTEGERs) is refused, not answered.
    name: 'a time-stamp request in BER, not DER: pkijs reads it, we refuse',
    accepts: 'pkijs',
    explained: (c) => ourMessage(c, /TimeStampReq is not DER/) && derViolation(c.mutant.bytes) !== undefined,
  },
  {
    // We decode a constructed value only where we interpret it: an AttributeValue (ANY) of a name, algorithm
    // parameters, the contents of SubjectPublicKeyInfo are kept as bytes, framed by their own length. asn1js decodes
    // every constructed encoding at once and fails on garbage inside any of them. Checked: the BER framing of the
    // input is broken somewhere (our own walk of every constructed value finds a value running past its parent).
    name: 'garbage inside a value we keep as bytes: asn1js cannot decode it, we accept',
    accepts: 'ours',
    explained: (c) =>
      pkijsMessage(c, /Error during parsing of ASN\.1 data/) && framingFault(c.mutant.bytes) !== undefined,
  },
  {
    // X.501: RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue { type, value }. Our readName
    // takes any constructed value as an RDN and a type without a value; pkijs's schema does not.
    name: 'a name that is not X.501-shaped (RDN not a SET, empty, or a type without its value): we accept, pkijs refuses',
    accepts: 'ours',
    explained: (c) =>
      c.ours.ok &&
      [...reachable(c.ours.value)].some(
        (o) => o.der instanceof Uint8Array && Array.isArray(o.rdns) && !isX501Name(o.der),
      ),
  },
  {
    // RFC 5280 §4.1.2.7: we read only the algorithm of SubjectPublicKeyInfo; the key goes to node:crypto when a
    // signature is checked (and fails there). pkijs parses the whole SubjectPublicKeyInfo.
    name: 'a SubjectPublicKeyInfo node:crypto cannot import: we accept the certificate, pkijs refuses',
    accepts: 'ours',
    explained: (c) =>
      c.ours.ok &&
      [...reachable(c.ours.value)].some((o) => {
        if (!(o.spki instanceof Uint8Array)) return false;
        try {
          createPublicKey({ key: Buffer.from(o.spki), format: 'der', type: 'spki' });
          return false;
        } catch {
          return true;
        }
      }),
  },
  {
    // RFC 5652 §10.2.1–2: we read the Certificate and CertificateList alternatives of SignedData's certificates and
    // crls and skip the others (attribute certificates, other formats), and so anything else too; these sets are
    // not signed. pkijs refuses a value that is none of the alternatives.
    name: 'an element of SignedData certificates or crls that is none of the alternatives: we skip it, pkijs refuses',
    accepts: 'ours',
    explained: (c) => c.ours.ok && carried(c.ours.value) < carried(c.original),
  },
  {
    // RFC 6960 §4.1.2: the optional signature of a request; our reader notes it (`signed`) and does not read it.
    name: "an OCSP request's optionalSignature we do not read: we accept, pkijs refuses its contents",
    accepts: 'ours',
    explained: (c) => c.ours.ok && (c.ours.value as { signed?: boolean }).signed === true,
  },
];

void t.test('our readers and pkijs agree on mutated DER, or disagree for an explained reason', async (t) => {
  const counts = { compared: 0, bothAccept: 0, bothReject: 0 };
  const byClass = new Map<string, number>();
  const unexplained: string[] = [];
  for (const [index, [name, der, ours, theirs]] of structures.entries()) {
    const original = ours(der);
    for (const mutant of corpus(der, 0x5eed + index, MUTANTS_PER_STRUCTURE)) {
      const c: Case = {
        original,
        mutant,
        ours: outcome(ours, mutant.bytes, true),
        theirs: outcome(theirs, mutant.bytes, false),
      };
      counts.compared++;
      if (c.ours.ok === c.theirs.ok) {
        counts[c.ours.ok ? 'bothAccept' : 'bothReject']++;
        continue;
      }
      const accepts = c.ours.ok ? 'ours' : 'pkijs';
      const cls = CLASSES.find((k) => k.accepts === accepts && k.explained(c));
      if (cls === undefined)
        unexplained.push(
          `${name}, ${mutant.kind} (${mutant.note}): ours ${c.ours.ok ? 'accepts' : c.ours.message}; pkijs ${c.theirs.ok ? 'accepts' : c.theirs.message}`,
        );
      else byClass.set(cls.name, (byClass.get(cls.name) ?? 0) + 1);
    }
  }
  t.comment(
    `${structures.length} structures × ${MUTANTS_PER_STRUCTURE} mutants = ${counts.compared}: both accept ${counts.bothAccept}, both reject ${counts.bothReject}, disagree ${counts.compared - counts.bothAccept - counts.bothReject}`,
  );
  for (const k of CLASSES) t.comment(`  ${byClass.get(k.name) ?? 0} × ${k.name}`);
  t.strictSame(unexplained, [], 'every disagreement falls into an explained class');
  t.ok(counts.bothReject > counts.compared / 3, 'many mutants are refused by both');
  t.ok(counts.bothAccept > 0, 'some mutants (inside signatures, keys, strings) are read by both');
});
