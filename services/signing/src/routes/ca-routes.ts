/**
 * The CA's public material: `GET /v1/ca/crl` (RFC 5280 §5, DER as RFC 2585 §4.2 serves it),
 * `GET /v1/ca/certificates/{id}` (DER or PEM, RFC 7468) and `GET /v1/ca/certificates/{id}/crl`,
 * the CRL of one CA certificate, which is what the cRLDistributionPoints of the certificates
 * it issued name (ca/public-urls.ts). All public: validators fetch them without a token.
 * `GET /v1/ca/certificates` lists, a page at a time, the public ones, and for a caller with a
 * token also the personal certificates of the caller's office.
 * Private keys are never here.
 */
import { toPem } from '@lienthong/pki';
import { Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { caCertificate, crlOfCaCertificate, crlOfIssuer, listCaCertificates } from '../ca/certificate-service.ts';
import { binaryContent, binarySchema, CertificateSummary, problemResponse, toCertificateSummary } from './schemas.ts';

const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Registers the CA routes. */
export async function caRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;

  app.get(
    '/v1/ca/crl',
    {
      config: { public: true },
      schema: {
        tags: ['certification authority'],
        summary: 'The current CRL (RFC 5280 §5)',
        description: 'Re-issued when a certificate was revoked since, or when the last one is past half its validity.',
        querystring: Type.Object(
          {
            issuer: Type.Union([Type.Literal('issuing-ca'), Type.Literal('root')], {
              default: 'issuing-ca',
              description: 'whose CRL',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: binaryContent('application/pkix-crl', 'DER CertificateList'),
          400: problemResponse('VALIDATION_FAILED: unknown issuer'),
        },
      },
    },
    async (request, reply) => {
      const crl = await crlOfIssuer(ca, request.query.issuer);
      return reply.type('application/pkix-crl').header('cache-control', 'no-cache').send(Buffer.from(crl.der));
    },
  );

  app.get(
    '/v1/ca/certificates/:id/crl',
    {
      config: { public: true },
      schema: {
        tags: ['certification authority'],
        summary: 'The current CRL of one CA certificate (RFC 5280 §5)',
        description:
          'The cRLDistributionPoints URI of the certificates that CA issued (RFC 5280 §4.2.1.13). Re-issued like GET /v1/ca/crl.',
        params: Type.Object({
          id: Type.String({ pattern: uuidPattern, description: 'id of the root or issuing CA certificate (UUID)' }),
        }),
        response: {
          200: binaryContent('application/pkix-crl', 'DER CertificateList'),
          400: problemResponse('VALIDATION_FAILED: the id is not a UUID'),
          404: problemResponse('CERTIFICATE_NOT_FOUND: no CA certificate of this service has that id'),
        },
      },
    },
    async (request, reply) => {
      const crl = await crlOfCaCertificate(ca, request.params.id);
      return reply.type('application/pkix-crl').header('cache-control', 'no-cache').send(Buffer.from(crl.der));
    },
  );

  app.get(
    '/v1/ca/certificates',
    {
      config: { public: true, optionalToken: true },
      schema: {
        tags: ['certification authority'],
        summary: 'The certificates of this CA a caller may list, oldest first, a page at a time',
        description:
          'Without a token: the root, issuing CA, TSA, OCSP and office seal certificates. With a token: also the ' +
          "personal certificates of the caller's office, never another office's. A token that is sent must be " +
          'valid. Page with limit and offset; nextOffset is the offset of the next page, null on the last.',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'certificates per page' }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'how many to skip' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            certificates: Type.Array(CertificateSummary),
            nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
              description: 'offset of the next page; null when this is the last',
            }),
          }),
          400: problemResponse('VALIDATION_FAILED: limit not 1-100, or offset negative'),
          401: problemResponse(
            'UNAUTHENTICATED, TOKEN_WRONG_AUDIENCE, TOKEN_BAD_LIFETIME or TOKEN_BAD_IAT: a token was sent and is not valid',
          ),
        },
      },
    },
    async (request) => {
      const page = await listCaCertificates(ca, request.principal?.office, request.query);
      return { certificates: page.certificates.map(toCertificateSummary), nextOffset: page.nextOffset };
    },
  );

  app.get(
    '/v1/ca/certificates/:id',
    {
      config: { public: true },
      schema: {
        tags: ['certification authority'],
        summary: 'One certificate, DER or PEM',
        description: 'DER (application/pkix-cert, RFC 2585) unless the Accept header asks for application/x-pem-file.',
        params: Type.Object({ id: Type.String({ pattern: uuidPattern, description: 'certificate id (UUID)' }) }),
        response: {
          200: {
            description: 'The certificate',
            content: {
              'application/pkix-cert': { schema: binarySchema },
              'application/x-pem-file': { schema: Type.String() },
            },
          },
          400: problemResponse('VALIDATION_FAILED: the id is not a UUID'),
          404: problemResponse('CERTIFICATE_NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const record = await caCertificate(ca, request.params.id);
      if ((request.headers.accept ?? '').toLowerCase().includes('application/x-pem-file')) {
        return reply.type('application/x-pem-file').send(toPem('CERTIFICATE', record.der));
      }
      return reply.type('application/pkix-cert').send(Buffer.from(record.der));
    },
  );
}
