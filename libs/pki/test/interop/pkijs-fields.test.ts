// pkijs as an independent second parser: every structure our code produces reads in pkijs with
// the fields our readers report, and pkijs verifies the signatures (certificates, CRLs, OCSP,
// time-stamp tokens, CAdES SignedData with its signed attributes).
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import t from 'tap';
import {
  OID,
  readCertificate,
  readCrl,
  readEssCertId,
  readMessageDigest,
  readOcspRequest,
  readOcspResponse,
  readSignedData,
  readSigningTime,
  readTimeStampResponse,
  singleValue,
  type Certificate,
  type Crl,
  type Name,
} from '../../src/index.ts';
import { NOW } from '../helpers/hierarchy.ts';
import { CONTENT, REVOKED_AT, TSA_POLICY, buildSignedStructures } from '../helpers/signed-structures.ts';

const s = await buildSignedStructures();
const { h } = s;
const hex = (b: Uint8Array | ArrayBuffer): string =>
  Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
const bytes = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** A name attribute by attribute as pkijs reads it and as we do: type, universal tag of the value, text. */
const pkName = (n: pkijs.RelativeDistinguishedNames): unknown[] =>
  n.typesAndValues.map((a) => [a.type, a.value.idBlock.tagNumber, a.value.valueBlock.value]);
const ourName = (n: Name): unknown[] => n.rdns.flat().map((a) => [a.type, a.valueTag, a.value]);
const pkExtensions = (exts: pkijs.Extension[] | undefined): unknown[] =>
  (exts ?? []).map((e) => [e.extnID, e.critical, hex(e.extnValue.valueBlock.valueHexView)]);
const ourExtensions = (c: {
  extensions: readonly { oid: string; critical: boolean; value: Uint8Array }[];
}): unknown[] => c.extensions.map((e) => [e.oid, e.critical, hex(e.value)]);
const parsedIn = <T>(exts: pkijs.Extension[] | undefined, oid: string): T | undefined =>
  exts?.find((e) => e.extnID === oid)?.parsedValue as T | undefined;
const parsed = <T>(c: pkijs.Certificate, oid: string): T | undefined => parsedIn<T>(c.extensions, oid);

/** keyUsage as a mask (bit i = KeyUsageBit i, RFC 5280 §4.2.1.3) computed from the BIT STRING pkijs holds. */
function keyUsageMask(c: pkijs.Certificate): number | undefined {
  const bits = parsed<asn1js.BitString>(c, OID.keyUsage)?.valueBlock.valueHexView;
  if (bits === undefined) return undefined;
  let mask = 0;
  for (let i = 0; i < bits.length * 8; i++) if ((bits[i >> 3]! & (0x80 >> (i & 7))) !== 0) mask |= 1 << i;
  return mask;
}

/** The fields of a certificate as pkijs reads them, in the shape of ours. */
function pkCertificate(c: pkijs.Certificate): Record<string, unknown> {
  const bc = parsed<pkijs.BasicConstraints>(c, OID.basicConstraints);
  const pathLen =
    bc?.pathLenConstraint instanceof asn1js.Integer ? bc.pathLenConstraint.valueBlock.valueDec : bc?.pathLenConstraint;
  return {
    version: c.version + 1,
    serial: hex(c.serialNumber.valueBlock.valueHexView),
    tbsAlgorithm: c.signature.algorithmId,
    signatureAlgorithm: c.signatureAlgorithm.algorithmId,
    issuer: pkName(c.issuer),
    subject: pkName(c.subject),
    validity: [c.notBefore.value.toISOString(), c.notAfter.value.toISOString()],
    publicKeyAlgorithm: c.subjectPublicKeyInfo.algorithm.algorithmId,
    spki: hex(c.subjectPublicKeyInfo.toSchema().toBER()),
    tbs: hex(c.tbsView),
    signature: hex(c.signatureValue.valueBlock.valueHexView),
    extensions: pkExtensions(c.extensions),
    basicConstraints:
      bc === undefined ? undefined : pathLen === undefined ? { ca: bc.cA } : { ca: bc.cA, pathLenConstraint: pathLen },
    keyUsage: keyUsageMask(c),
    extKeyUsage: parsed<pkijs.ExtKeyUsage>(c, OID.extKeyUsage)?.keyPurposes,
    policies: parsed<pkijs.CertificatePolicies>(c, OID.certificatePolicies)?.certificatePolicies.map(
      (p) => p.policyIdentifier,
    ),
    ski: hex(parsed<asn1js.OctetString>(c, OID.subjectKeyIdentifier)?.valueBlock.valueHexView ?? new Uint8Array()),
    aki: hex(
      parsed<pkijs.AuthorityKeyIdentifier>(c, OID.authorityKeyIdentifier)?.keyIdentifier?.valueBlock.valueHexView ??
        new Uint8Array(),
    ),
    crlUris: parsed<pkijs.CRLDistributionPoints>(c, OID.cRLDistributionPoints)?.distributionPoints.flatMap((d) =>
      Array.isArray(d.distributionPoint) ? d.distributionPoint.map((g) => g.value as string) : [],
    ),
    emails: parsed<pkijs.AltName>(c, OID.subjectAltName)
      ?.altNames.filter((g) => g.type === 1)
      .map((g) => g.value as string),
  };
}

function ourCertificate(c: Certificate): Record<string, unknown> {
  return {
    version: c.version,
    serial: c.serialHex,
    tbsAlgorithm: c.tbsSignatureAlgorithm.oid,
    signatureAlgorithm: c.signatureAlgorithm.oid,
    issuer: ourName(c.issuer),
    subject: ourName(c.subject),
    validity: [c.notBefore.toISOString(), c.notAfter.toISOString()],
    publicKeyAlgorithm: c.publicKeyAlgorithm.oid,
    spki: hex(c.spki),
    tbs: hex(c.tbs),
    signature: hex(c.signatureValue),
    extensions: ourExtensions(c),
    basicConstraints: c.basicConstraints,
    keyUsage: c.keyUsage,
    extKeyUsage: c.extKeyUsage,
    policies: c.certificatePolicies?.map((p) => p.policy),
    ski: hex(c.subjectKeyIdentifier ?? new Uint8Array()),
    aki: hex(c.authorityKeyIdentifier?.keyIdentifier ?? new Uint8Array()),
    crlUris: c.crlDistributionPoints?.flatMap((d) =>
      d.name !== undefined && 'fullName' in d.name
        ? d.name.fullName.flatMap((g) => (g.kind === 'uri' ? [g.value] : []))
        : [],
    ),
    emails: c.subjectAltName?.flatMap((g) => (g.kind === 'rfc822' ? [g.value] : [])),
  };
}

const profiles: [string, Certificate, Certificate][] = [
  ['root CA', h.root.certificate, h.root.certificate],
  ['issuing CA', h.intermediate.certificate, h.root.certificate],
  ['person', h.person.certificate, h.intermediate.certificate],
  ['office seal', h.seal.certificate, h.intermediate.certificate],
  ['TSA', h.tsa.certificate, h.intermediate.certificate],
  ['OCSP responder', h.ocsp.certificate, h.intermediate.certificate],
];

void t.test('every certificate profile reads in pkijs with our fields, and pkijs verifies its signature', async (t) => {
  for (const [name, cert, issuer] of profiles) {
    const theirs = pkijs.Certificate.fromBER(cert.der);
    t.strictSame(
      pkCertificate(theirs),
      ourCertificate(readCertificate(cert.der)),
      `${name}: subject, issuer, serial, validity, algorithms, extensions and their values`,
    );
    t.equal(
      await theirs.verify(pkijs.Certificate.fromBER(issuer.der)),
      true,
      `${name}: pkijs verifies the signature with the issuer's key`,
    );
    // Another key of the issuer's algorithm: the person's RSA key for the root's signatures, the seal's EC key for the issuing CA's.
    const other = issuer === h.root.certificate ? h.person.certificate : h.seal.certificate;
    t.equal(await theirs.verify(pkijs.Certificate.fromBER(other.der)), false, `${name}: and not with another key`);
  }
  const tsa = pkCertificate(pkijs.Certificate.fromBER(h.tsa.certificate.der));
  t.same(
    [tsa.extKeyUsage, (tsa.extensions as unknown[][]).find((e) => e[0] === OID.extKeyUsage)?.[1]],
    [[OID.timeStamping], true],
    'the TSA profile: id-kp-timeStamping only, critical (RFC 3161 §2.3)',
  );
});

function pkCrl(c: pkijs.CertificateRevocationList): Record<string, unknown> {
  const number = parsedIn<asn1js.Integer>(c.crlExtensions?.extensions, OID.cRLNumber);
  return {
    issuer: pkName(c.issuer),
    thisUpdate: c.thisUpdate.value.toISOString(),
    nextUpdate: c.nextUpdate?.value.toISOString(),
    signatureAlgorithm: c.signatureAlgorithm.algorithmId,
    tbs: hex(c.tbsView),
    extensions: pkExtensions(c.crlExtensions?.extensions),
    crlNumber: number === undefined ? undefined : BigInt(number.valueBlock.valueDec),
    entries: (c.revokedCertificates ?? []).map((e) => ({
      serialHex: hex(e.userCertificate.valueBlock.valueHexView),
      revocationDate: e.revocationDate.value.toISOString(),
      reason: parsedIn<asn1js.Enumerated>(e.crlEntryExtensions?.extensions, OID.reasonCode)?.valueBlock.valueDec,
    })),
  };
}

const ourCrl = (c: Crl): Record<string, unknown> => ({
  issuer: ourName(c.issuer),
  thisUpdate: c.thisUpdate.toISOString(),
  nextUpdate: c.nextUpdate?.toISOString(),
  signatureAlgorithm: c.signatureAlgorithm.oid,
  tbs: hex(c.tbs),
  extensions: ourExtensions(c),
  crlNumber: c.crlNumber,
  entries: c.entries.map((e) => ({
    serialHex: e.serialHex,
    revocationDate: e.revocationDate.toISOString(),
    reason: e.reason,
  })),
});

void t.test('CRLs read in pkijs with our fields and verify with the issuer certificate', async (t) => {
  for (const [name, crl, issuer] of [
    ['root CRL', h.rootCrl, h.root.certificate],
    ['issuing CA CRL with one revoked entry', h.intermediateCrl, h.intermediate.certificate],
  ] as const) {
    const theirs = pkijs.CertificateRevocationList.fromBER(crl.der);
    t.strictSame(
      pkCrl(theirs),
      ourCrl(readCrl(crl.der)),
      `${name}: issuer, updates, number, entries with reason codes`,
    );
    t.equal(
      await theirs.verify({ issuerCertificate: pkijs.Certificate.fromBER(issuer.der) }),
      true,
      `${name}: pkijs verifies it`,
    );
  }
  t.strictSame(
    pkCrl(pkijs.CertificateRevocationList.fromBER(h.intermediateCrl.der)).entries,
    [{ serialHex: h.revokedPerson.certificate.serialHex, revocationDate: '2026-05-10T00:00:00.000Z', reason: 1 }],
    'the revoked person, keyCompromise',
  );
});

void t.test(
  'an OCSP request and response read in pkijs with our CertIDs, statuses and nonce; pkijs verifies the response',
  async (t) => {
    const req = pkijs.OCSPRequest.fromBER(s.ocspRequest);
    const ourReq = readOcspRequest(s.ocspRequest);
    const pkCertIds = req.tbsRequest.requestList.map(({ reqCert: c }) => [
      c.hashAlgorithm.algorithmId,
      hex(c.issuerNameHash.valueBlock.valueHexView),
      hex(c.issuerKeyHash.valueBlock.valueHexView),
      hex(c.serialNumber.valueBlock.valueHexView),
    ]);
    const certIds = ourReq.certIds.map((c) => [
      OID.sha1,
      hex(c.issuerNameHash),
      hex(c.issuerKeyHash),
      hex(c.serialNumber),
    ]);
    t.strictSame(pkCertIds, certIds, 'CertIDs: SHA-1, issuer name and key hashes, serials');
    const pkNonce = (exts: pkijs.Extension[] | undefined): string =>
      hex(exts?.find((e) => e.extnID === OID.ocspNonce)?.extnValue.valueBlock.valueHexView ?? new Uint8Array());
    t.equal(
      pkNonce(req.tbsRequest.requestExtensions),
      hex(ourReq.extensions.find((e) => e.oid === OID.ocspNonce)!.value),
      'the nonce extension',
    );

    const resp = pkijs.OCSPResponse.fromBER(s.ocspResponse);
    const ours = readOcspResponse(s.ocspResponse);
    t.equal(resp.responseStatus.valueBlock.valueDec, ours.status);
    t.equal(resp.responseBytes?.responseType, OID.ocspBasic);
    const basic = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes!.response.valueBlock.valueHexView);
    const data = basic.tbsResponseData;
    t.equal(
      hex((data.responderID as asn1js.OctetString).valueBlock.valueHexView),
      hex('byKey' in ours.basic!.responderId ? ours.basic!.responderId.byKey : new Uint8Array()),
      'ResponderID byKey',
    );
    t.equal(data.producedAt.toISOString(), ours.basic!.producedAt.toISOString());
    const statuses = data.responses.map((r) => {
      const tag = (r.certStatus as asn1js.BaseBlock).idBlock.tagNumber;
      return [
        hex(r.certID.serialNumber.valueBlock.valueHexView),
        ['good', 'revoked', 'unknown'][tag],
        r.thisUpdate.toISOString(),
        r.nextUpdate?.toISOString(),
      ];
    });
    t.strictSame(
      statuses,
      ours.basic!.responses.map((r) => [
        hex(r.certId.serialNumber),
        r.certStatus.status,
        r.thisUpdate.toISOString(),
        r.nextUpdate?.toISOString(),
      ]),
    );
    t.same(
      ours.basic!.responses.map((r) => r.certStatus),
      [{ status: 'good' }, { status: 'revoked', revocationTime: REVOKED_AT, reason: 1 }],
    );
    t.equal(
      pkNonce(data.responseExtensions),
      hex(ours.basic!.extensions.find((e) => e.oid === OID.ocspNonce)!.value),
      'the nonce is echoed',
    );
    t.strictSame(
      basic.certs?.map((c) => hex(c.toSchema().toBER())),
      ours.basic!.certificates.map((c) => hex(c.der)),
      'the responder certificate',
    );
    const [root, inter] = [
      pkijs.Certificate.fromBER(h.root.certificate.der),
      pkijs.Certificate.fromBER(h.intermediate.certificate.der),
    ];
    t.equal(
      await basic.verify({ trustedCerts: [root], issuerCerts: [inter] }),
      true,
      'pkijs verifies the delegated response (signature, responder authorisation)',
    );
    const altered = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes!.response.valueBlock.valueHexView);
    altered.signature.valueBlock.valueHexView[10]! ^= 1;
    t.equal(
      await altered.verify({ trustedCerts: [root], issuerCerts: [inter] }),
      false,
      'and refuses it with one bit of the signature changed',
    );
  },
);

void t.test(
  'a time-stamp token reads in pkijs with our TSTInfo and signed attributes; pkijs verifies it',
  async (t) => {
    const resp = pkijs.TimeStampResp.fromBER(s.tsResponse);
    const ours = readTimeStampResponse(s.tsResponse);
    t.equal(resp.status.status, ours.status);
    const sd = new pkijs.SignedData({ schema: resp.timeStampToken!.content });
    t.equal(sd.encapContentInfo.eContentType, OID.tstInfo);
    const tst = pkijs.TSTInfo.fromBER(sd.encapContentInfo.eContent!.getValue());
    const info = ours.token!.tstInfo;
    t.strictSame(
      [
        tst.version,
        tst.policy,
        tst.messageImprint.hashAlgorithm.algorithmId,
        hex(tst.messageImprint.hashedMessage.valueBlock.valueHexView),
        hex(tst.serialNumber.valueBlock.valueHexView),
        tst.genTime.toISOString(),
        tst.accuracy?.seconds,
        hex(tst.nonce?.valueBlock.valueHexView ?? new Uint8Array()),
      ],
      [
        1,
        info.policy,
        OID.sha256,
        hex(info.messageImprint.hashedMessage),
        hex(info.serialNumber),
        info.genTime.toISOString(),
        info.accuracy?.seconds,
        hex(info.nonce ?? new Uint8Array()),
      ],
    );
    t.strictSame(
      [tst.policy, tst.genTime.toISOString(), hex(tst.messageImprint.hashedMessage.valueBlock.valueHexView)],
      [TSA_POLICY, NOW.toISOString(), createHash('sha256').update(CONTENT).digest('hex')],
      'policy, genTime and the imprint of the content',
    );
    t.strictSame(
      signedAttributes(sd),
      ourSignedAttributes(ours.token!.der),
      'content-type id-ct-TSTInfo, message-digest, signing-certificate-v2',
    );
    const root = pkijs.Certificate.fromBER(h.root.certificate.der);
    const verify = (data: Uint8Array): Promise<boolean> =>
      resp
        .verify({
          signer: 0,
          trustedCerts: [root],
          data: bytes(data),
          checkDate: NOW,
        } as pkijs.TimeStampRespVerifyParams)
        .catch(() => false);
    t.equal(await verify(CONTENT), true, 'pkijs verifies the token for the content');
    t.equal(await verify(new TextEncoder().encode('other content')), false, 'and not for other content');
  },
);

/** Signed attributes as pkijs reads them: type → DER of each value. */
function signedAttributes(sd: pkijs.SignedData): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of sd.signerInfos[0]!.signedAttrs!.attributes)
    out[a.type] = a.values.map((v: asn1js.BaseBlock) => hex(v.toBER()));
  return out;
}

function ourSignedAttributes(der: Uint8Array): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of readSignedData(der).signerInfos[0]!.signedAttributes!) out[a.oid] = a.values.map(hex);
  return out;
}

void t.test(
  'CAdES SignedData reads in pkijs with our signed attributes, digests and algorithms; pkijs verifies it',
  async (t) => {
    const root = pkijs.Certificate.fromBER(h.root.certificate.der);
    const cases = [
      ['RSA PKCS#1 v1.5', s.cades.rsa, h.person.certificate, '1.2.840.113549.1.1.11'],
      ['RSA-PSS', s.cades.pss, h.person.certificate, '1.2.840.113549.1.1.10'],
      ['ECDSA P-256', s.cades.ecdsa, h.seal.certificate, '1.2.840.10045.4.3.2'],
    ] as const;
    for (const [name, cms, signerCert, sigOid] of cases) {
      const ci = pkijs.ContentInfo.fromBER(cms);
      t.equal(ci.contentType, OID.signedData);
      const sd = new pkijs.SignedData({ schema: ci.content });
      const ours = readSignedData(cms);
      const si = sd.signerInfos[0]!;
      const ourSi = ours.signerInfos[0]!;
      t.strictSame(
        [
          sd.version,
          sd.digestAlgorithms.map((a) => a.algorithmId),
          sd.encapContentInfo.eContentType,
          sd.encapContentInfo.eContent,
          si.version,
          si.digestAlgorithm.algorithmId,
          si.signatureAlgorithm.algorithmId,
          hex(si.signature.valueBlock.valueHexView),
        ],
        [
          ours.version,
          ours.digestAlgorithms.map((a) => a.oid),
          ours.contentType,
          undefined,
          ourSi.version,
          ourSi.digestAlgorithm.oid,
          ourSi.signatureAlgorithm.oid,
          hex(ourSi.signature),
        ],
        `${name}: versions, digest and signature algorithms, detached id-data`,
      );
      t.equal(si.signatureAlgorithm.algorithmId, sigOid, `${name}: signature algorithm`);
      const sid = si.sid as pkijs.IssuerAndSerialNumber;
      t.strictSame(
        [pkName(sid.issuer), hex(sid.serialNumber.valueBlock.valueHexView)],
        [ourName(signerCert.issuer), signerCert.serialHex],
        `${name}: sid names the signer's certificate`,
      );
      t.strictSame(
        sd.certificates?.map((c) => hex((c as pkijs.Certificate).toSchema().toBER())),
        ours.certificates.map((c) => hex(c.der)),
        `${name}: the same certificates`,
      );
      const attrs = signedAttributes(sd);
      t.strictSame(attrs, ourSignedAttributes(cms), `${name}: the same signed attributes, value by value`);
      t.strictSame(
        Object.keys(attrs).sort(),
        [OID.contentType, OID.messageDigest, OID.signingCertificateV2, OID.signingTime].sort(),
        `${name}: content-type, message-digest, signing-certificate-v2, signing-time`,
      );
      const value = (oid: string): asn1js.AsnType => asn1js.fromBER(Buffer.from(attrs[oid]![0]!, 'hex')).result;
      t.equal(
        (value(OID.contentType) as asn1js.ObjectIdentifier).valueBlock.toString(),
        OID.data,
        `${name}: content-type id-data`,
      );
      const digest = createHash('sha256').update(CONTENT).digest('hex');
      t.equal(
        hex((value(OID.messageDigest) as asn1js.OctetString).valueBlock.valueHexView),
        digest,
        `${name}: message-digest is SHA-256 of the content (pkijs)`,
      );
      t.equal(
        hex(readMessageDigest(singleValue(ourSi.signedAttributes, OID.messageDigest)!)),
        digest,
        `${name}: message-digest is SHA-256 of the content (ours)`,
      );
      t.equal(
        (value(OID.signingTime) as asn1js.UTCTime).toDate().toISOString(),
        readSigningTime(singleValue(ourSi.signedAttributes, OID.signingTime)!).toISOString(),
        `${name}: signing-time`,
      );
      // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256, certHash, issuerSerial } } (RFC 5035 §3).
      const essCertId = (value(OID.signingCertificateV2) as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
      const certHash = (essCertId.valueBlock.value[0] as asn1js.Sequence).valueBlock.value.find(
        (v) => v instanceof asn1js.OctetString,
      ) as asn1js.OctetString;
      const signerHash = createHash('sha256').update(signerCert.der).digest('hex');
      t.strictSame(
        [
          hex(certHash.valueBlock.valueHexView),
          hex(readEssCertId(singleValue(ourSi.signedAttributes, OID.signingCertificateV2)!, true).certHash),
        ],
        [signerHash, signerHash],
        `${name}: signing-certificate-v2 holds SHA-256 of the signer's certificate`,
      );
      const verdict = await sd.verify({
        signer: 0,
        data: bytes(CONTENT),
        trustedCerts: [root],
        checkChain: true,
        checkDate: NOW,
        extendedMode: true,
      });
      t.same(
        [
          verdict.signatureVerified,
          verdict.signerCertificateVerified,
          verdict.signerCertificate?.serialNumber.valueBlock.valueHexView &&
            hex(verdict.signerCertificate.serialNumber.valueBlock.valueHexView),
        ],
        [true, true, signerCert.serialHex],
        `${name}: pkijs verifies signature, message-digest and chain`,
      );
      const tampered = Uint8Array.from(CONTENT);
      tampered[0]! ^= 1;
      const refused = await sd
        .verify({
          signer: 0,
          data: bytes(tampered),
          trustedCerts: [root],
          checkChain: true,
          checkDate: NOW,
          extendedMode: true,
        })
        .catch((e: { signatureVerified?: boolean | null; message?: string }) => e);
      t.not(refused.signatureVerified, true, `${name}: and refuses other content: ${refused.message}`);
    }
  },
);
