/**
 * A stand-in for signing's evidence route and TSA, answering the contract (README
 * "Evidence"): `POST /v1/evidence/signatures` checks the delivery token (its key, issuer,
 * audience, role), parses each statement strictly, requires the token's office to be each
 * acting office, and signs each with that office's seal as signing does (a detached CAdES
 * B-B over the statement's digest, the statement attached); `POST /v1/tsa` answers RFC 3161
 * with the test TSA at the real time. The PKI is libs/pki's test hierarchy with office seals
 * naming `LT:VN-<code>`. `down` and `tsaDown` make either answer 503.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachStatement, encodeStatement, parseStatement, statementDigest } from '@lienthong/evidence';
import { issueCrl, issueTimeStampToken, keySigner, systemClock } from '@lienthong/pki';
import { parseJwks, publicJwks, verifyAccessToken } from '@lienthong/service';
import { buildHierarchy, type Hierarchy } from '../../../libs/pki/test/helpers/hierarchy.ts';
import { sealFor, signDigest, type OfficesPki, type Seal } from '../../../libs/evidence/test/helpers/offices.ts';

/** The running stand-in. */
export interface EvidenceSigning {
  url: string;
  /** Delivery's key (PKCS#8 PEM) whose public key the stand-in trusts. */
  keyPem: string;
  h: Hierarchy;
  seals: Map<string, Seal>;
  /** Set to answer 503 to sealing / time-stamping. */
  down: boolean;
  tsaDown: boolean;
  /** Set to answer 201 with something else than the evidence asked for. */
  tamper: 'other-office' | 'other-statement' | 'not-cms' | 'too-few' | undefined;
  /** CRLs of the stand-in's root and issuing CA, fresh now (the hierarchy's own are dated). */
  freshCrls(): Promise<Uint8Array[]>;
  /** Requests received: sealing (statements in each) and time-stamps. */
  sealed: number[];
  stamps: number;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the stand-in on a free loopback port. */
export async function startEvidenceSigning(): Promise<EvidenceSigning> {
  const h = await buildHierarchy();
  const { privateKey } = generateKeyPairSync('ed25519');
  const keys = parseJwks(publicJwks(privateKey, 'delivery-test'));
  const seals = new Map<string, Seal>();
  const pki: OfficesPki = { h, seals: {}, anonymous: undefined as unknown as Seal };
  let serial = 1000n;
  const state: EvidenceSigning = {
    url: '',
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    h,
    seals,
    down: false,
    tsaDown: false,
    tamper: undefined,
    sealed: [],
    stamps: 0,
    freshCrls: async () => {
      const now = Date.now();
      const window = { thisUpdate: new Date(now - 3_600_000), nextUpdate: new Date(now + 86_400_000) };
      return Promise.all(
        [h.root, h.intermediate].map(
          async (ca, i) =>
            (
              await issueCrl({ crlNumber: 100 + i, ...window }, ca.certificate, keySigner(ca.privateKey), {
                clock: systemClock,
              })
            ).der,
        ),
      );
    },
    close: async () => {},
  };
  const problem = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
    status,
    body: JSON.stringify({ type: 'about:blank', title: code, status, code, ...extra }),
    type: 'application/problem+json',
  });
  const handle = async (request: IncomingMessage): Promise<{ status: number; body: string | Buffer; type: string }> => {
    const body = await bodyOf(request);
    if (request.method === 'POST' && request.url === '/v1/tsa') {
      if (state.tsaDown) return problem(503, 'UNAVAILABLE');
      state.stamps++;
      const answer = await issueTimeStampToken({
        request: body,
        tsaCertificate: h.tsa.certificate,
        chain: [h.intermediate.certificate],
        signer: keySigner(h.tsa.privateKey),
        clock: systemClock,
        serialNumber: serial++,
        policy: '1.3.6.1.4.1.99999.2.1',
      });
      return { status: 200, body: Buffer.from(answer), type: 'application/timestamp-reply' };
    }
    if (request.method !== 'POST' || request.url !== '/v1/evidence/signatures') return problem(404, 'NOT_FOUND');
    if (state.down) return problem(503, 'UNAVAILABLE');
    let claims;
    try {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      claims = verifyAccessToken(token, {
        keys,
        issuer: 'lienthong-delivery',
        audience: 'lienthong-signing',
        maxLifetimeSeconds: 600,
      });
    } catch {
      return problem(401, 'UNAUTHENTICATED');
    }
    if (!claims.roles.includes('evidence-sealer')) return problem(403, 'FORBIDDEN');
    const statements = (JSON.parse(body.toString('utf8')) as { statements: string[] }).statements;
    if (!Array.isArray(statements) || statements.length < 1 || statements.length > 500)
      return problem(400, 'VALIDATION_FAILED');
    const bytes = statements.map((s) => new Uint8Array(Buffer.from(s, 'base64')));
    for (const [index, b] of bytes.entries()) {
      try {
        if (parseStatement(b).actingOffice !== claims.office)
          return problem(403, 'EVIDENCE_OFFICE_MISMATCH', { index });
      } catch (error) {
        return problem(400, 'EVIDENCE_STATEMENT_INVALID', { index, evidenceCode: (error as { code?: string }).code });
      }
    }
    const office = state.tamper === 'other-office' ? 'HU-OTHER' : claims.office;
    let seal = seals.get(office);
    if (seal === undefined) {
      seal = await sealFor(h, office, `Văn phòng ${office}`);
      seals.set(office, seal);
    }
    const evidence: string[] = [];
    // other-statement: each CMS carries the next statement, or another one (a signing service mixing requests up).
    const mixed =
      bytes.length > 1
        ? [...bytes.slice(1), bytes[0]!]
        : [encodeStatement({ ...parseStatement(bytes[0]!), id: randomUUID() })];
    const signedNow = state.tamper === 'other-statement' ? mixed : bytes;
    for (const b of signedNow)
      evidence.push(
        Buffer.from(attachStatement(await signDigest(pki, seal, statementDigest(b)), b)).toString('base64'),
      );
    if (state.tamper === 'not-cms') evidence[0] = Buffer.from('not a CMS').toString('base64');
    if (state.tamper === 'too-few') evidence.pop();
    state.sealed.push(bytes.length);
    return { status: 201, body: JSON.stringify({ evidence }), type: 'application/json' };
  };
  const server: Server = createServer((request, response) => {
    handle(request)
      .then(({ status, body, type }) => response.writeHead(status, { 'content-type': type }).end(body))
      .catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
