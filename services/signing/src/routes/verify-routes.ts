/**
 * `POST /v1/verify`: verifies a CMS/CAdES signature and returns the EN 319 102-1 report.
 * Base64 that is not strict RFC 4648 base64 is a 400 (VALIDATION_FAILED); bytes that are
 * not a CMS SignedData are reported (TOTAL_FAILED / FORMAT_FAILURE), since that is a
 * finding about the signature, not about the request. The signature is judged on a parsing
 * worker: over its time or memory limit, 422 PARSING_TIME_LIMIT / PARSING_MEMORY_LIMIT.
 */
import { Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { verifySignature } from '../ca/verify-service.ts';
import type { ParsingPool } from '../workers/parsing-pool.ts';
import {
  Base64,
  decodeBase64Field,
  LargeBase64,
  parsingRefusals,
  problemResponse,
  unauthenticated,
} from './schemas.ts';

/** Largest JSON body accepted, bytes (base64 of a signature and its detached content). */
export const verifyBodyLimit = 16 * 1024 * 1024;

const CertificateInfo = Type.Object({
  subject: Type.String(),
  issuer: Type.String(),
  serialNumber: Type.String({ description: 'serialNumber content octets, hex' }),
  sha256: Type.String({ description: 'SHA-256 of the certificate DER, hex' }),
  notBefore: Type.String({ format: 'date-time' }),
  notAfter: Type.String({ format: 'date-time' }),
  office: Type.Optional(
    Type.String({
      description:
        'the lienthong office the certificate names (organizationIdentifier LT:VN-<code>); vouched for only when the signature passed',
    }),
  ),
});
const AnchorSource = Type.Union(
  [Type.Literal('local-root'), Type.Literal('configured'), Type.Literal('caller-supplied')],
  {
    description:
      "who supplied the trust anchor: this CA's root, the deployment's LIENTHONG_SIGNING_TRUST_ANCHORS_FILE, or the request's anchors",
  },
);
const ChainCertificate = Type.Object({
  ...CertificateInfo.properties,
  anchor: Type.Optional(AnchorSource),
});
const signerFields = {
  indication: Type.Union([Type.Literal('TOTAL_PASSED'), Type.Literal('TOTAL_FAILED'), Type.Literal('INDETERMINATE')]),
  subIndication: Type.Optional(Type.String({ description: 'EN 319 102-1 Table 5' })),
  message: Type.String(),
  integrity: Type.Boolean(),
  trusted: Type.Boolean(),
  signingCertificateBound: Type.Boolean(),
  isCadesBaselineB: Type.Boolean(),
  level: Type.Optional(Type.String({ description: 'B-B, B-T, B-LT or B-LTA' })),
  signingTime: Type.Optional(Type.String({ format: 'date-time' })),
  bestSignatureTime: Type.Optional(Type.String({ format: 'date-time' })),
  signer: Type.Optional(CertificateInfo),
  policyRule: Type.Optional(
    Type.String({
      description:
        'the algorithm-policy rule (ETSI TS 119 312 style, e.g. TS119312:SHA1-SUNSET) that decided a CRYPTO_CONSTRAINTS_FAILURE or refused revocation data',
    }),
  ),
  pathFailure: Type.Optional(
    Type.Object(
      {
        reason: Type.String({ description: 'libs/pki PathFailureReason, e.g. REVOKED, EXPIRED, WEAK_ALGORITHM' }),
        message: Type.Optional(Type.String()),
        failedIndex: Type.Optional(Type.Integer({ description: 'index in chain (signer first)' })),
        certificate: Type.Optional(CertificateInfo),
        policyRule: Type.Optional(Type.String()),
      },
      { description: 'why the certification path failed, when it did' },
    ),
  ),
  chain: Type.Array(ChainCertificate, { description: 'the path, signer first, the trust anchor last (marked anchor)' }),
  trustAnchor: Type.Optional(
    Type.Object(
      { source: AnchorSource, subject: Type.String(), sha256: Type.String({ description: 'hex' }) },
      {
        description:
          'the trust anchor the certification path ended at, when it reached one (trusted says whether the rest held). caller-supplied: the path holds only because the request supplied that anchor',
      },
    ),
  ),
  timestamps: Type.Array(
    Type.Object({
      kind: Type.String(),
      valid: Type.Boolean(),
      genTime: Type.Optional(Type.String({ format: 'date-time' })),
      message: Type.String(),
    }),
  ),
};
const VerifyReportSchema = Type.Object(
  { ...signerFields, signers: Type.Array(Type.Object(signerFields)) },
  { $id: 'VerifyReport' },
);

/** Registers the verification route. */
export async function verifyRoutes(app: ServiceApp, options: { ca: CaContext; workers: ParsingPool }): Promise<void> {
  app.post(
    '/v1/verify',
    {
      bodyLimit: verifyBodyLimit,
      schema: {
        tags: ['verification'],
        summary: 'Verify a CMS/CAdES signature (EN 319 102-1 report)',
        body: Type.Object(
          {
            signature: LargeBase64('the CMS SignedData, DER, base64', 1),
            content: Type.Optional(LargeBase64('the detached content, base64')),
            anchors: Type.Optional(
              Type.Array(Base64('a DER trust-anchor certificate, base64', 1, 64 * 1024), { maxItems: 16 }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: VerifyReportSchema,
          400: problemResponse('VALIDATION_FAILED (not base64, missing signature) or TRUST_ANCHOR_MALFORMED'),
          401: unauthenticated,
          413: problemResponse('PAYLOAD_TOO_LARGE: the body is over 16 MiB'),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/json'),
          ...parsingRefusals,
        },
      },
    },
    async (request) => {
      const { signature, content, anchors } = request.body;
      return verifySignature(options.ca, options.workers, {
        signature: decodeBase64Field(signature, '/signature'),
        ...(content === undefined ? {} : { content: decodeBase64Field(content, '/content') }),
        anchors: (anchors ?? []).map((a) => new Uint8Array(Buffer.from(a, 'base64'))),
      });
    },
  );
}
