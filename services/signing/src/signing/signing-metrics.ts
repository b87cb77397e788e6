/**
 * Signing on `/metrics`:
 * - `lienthong_signatures_total{kind,result}` and `lienthong_signature_duration_seconds{kind}`:
 *   each answer of a signing route, by kind (`pdf`: a person's PDF signature, `seal`: an
 *   office's seal on a PDF, `evidence`: delivery's evidence seal, `cms`: a detached signature
 *   of a digest, `two-step`: the completion of a two-step signature) and result (`ok`,
 *   `refused`: a 4xx, `error`: a 5xx), timed from request to answer;
 * - `lienthong_tsa_tokens_total{result}`: the TSA's answers, over HTTP and to this service's own
 *   B-T signatures (`ok`: a token granted, `refused`: a rejection or an unreadable request,
 *   `error`: no answer);
 * - read from the database at each scrape (every process reports the same):
 *   `lienthong_certificate_days_left{role}` (root, issuing-ca, tsa, ocsp: the current
 *   certificate of each, in days, negative once ended) and
 *   `lienthong_certificates_expiring{kind}` (seal, personal: certificates of keys, not revoked,
 *   ending within 30 days, whose key has no later certificate yet).
 * deploy/prometheus/rules/signing.rules.yml alerts on the two gauges.
 */
import type { Pool } from '@lienthong/db';
import { scrapeRead, type ServiceApp } from '@lienthong/service';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a signing route signs. */
export type SignatureKind = 'pdf' | 'seal' | 'evidence' | 'cms' | 'two-step';

/** The signing routes and what each signs; the PDF route says seal once it knows the key. */
const kindOfRoute: Readonly<Record<string, SignatureKind>> = {
  '/v1/keys/:id/pdf-signatures': 'pdf',
  '/v1/keys/:id/signatures': 'cms',
  '/v1/evidence/signatures': 'evidence',
  '/v1/two-step/:id/completion': 'two-step',
  '/v1/two-step/pdf/:id/completion': 'two-step',
};

const roles = ['root', 'issuing-ca', 'tsa', 'ocsp'] as const;

/** How far ahead `lienthong_certificates_expiring` looks. */
export const expiringWithinDays = 30;

const kindOf = new WeakMap<FastifyRequest, SignatureKind>();

/** Says what a request signs when its route alone does not (a PDF signed with an office's seal key). */
export function markSignatureKind(request: FastifyRequest, kind: SignatureKind): void {
  kindOf.set(request, kind);
}

/** The outcome of one TSA answer. */
export type TsaResult = 'ok' | 'refused' | 'error';

/**
 * Registers the signing metrics on `app` (the hook that counts signatures) with the gauges
 * read from `pool`; returns what counts the TSA's answers (the CA context's `countTimeStamp`).
 */
export function signingMetrics(
  app: ServiceApp,
  pool: Pool,
  now: () => Date = () => new Date(),
): (result: TsaResult) => void {
  const registry: Registry = app.metrics.registry;
  const signatures = new Counter({
    name: 'lienthong_signatures_total',
    help: 'Answers of the signing routes, by kind (pdf, seal, evidence, cms, two-step) and result (ok, refused, error).',
    labelNames: ['kind', 'result'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lienthong_signature_duration_seconds',
    help: 'Time from request to answer of the signing routes, by kind.',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const tsa = new Counter({
    name: 'lienthong_tsa_tokens_total',
    help: "The TSA's answers (HTTP and this service's own B-T signatures), by result (ok, refused, error).",
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['ok', 'refused', 'error'] as const) tsa.inc({ result }, 0);

  app.addHook('onResponse', async (request, reply) => {
    const routeKind = kindOfRoute[request.routeOptions.url ?? ''];
    if (routeKind === undefined || request.method !== 'POST') return;
    const kind = kindOf.get(request) ?? routeKind;
    const status = reply.statusCode;
    const result = status >= 500 ? 'error' : status >= 400 ? 'refused' : 'ok';
    signatures.inc({ kind, result });
    duration.observe({ kind }, reply.elapsedTime / 1000);
  });

  const days = scrapeRead(async () => {
    const { rows } = await pool.query<{ role: string; days: number }>(
      `SELECT DISTINCT ON (role) role, extract(epoch FROM not_after - $1::timestamptz)::float8 / 86400 AS days
         FROM certificate WHERE role = ANY($2::text[]) ORDER BY role, created_at DESC, id`,
      [now(), [...roles]],
    );
    return rows;
  });
  new Gauge({
    name: 'lienthong_certificate_days_left',
    help: "Days until the service's current certificate of the role ends (root, issuing-ca, tsa, ocsp; negative: ended).",
    labelNames: ['role'] as const,
    registers: [registry],
    async collect() {
      const rows = await days();
      if (rows === undefined) return;
      for (const { role, days: left } of rows) this.set({ role }, Math.floor(left * 10) / 10);
    },
  });
  const expiring = scrapeRead(async () => {
    const at = now();
    const { rows } = await pool.query<{ role: string; n: string }>(
      `SELECT c.role, count(*) AS n FROM certificate c JOIN signing_key k ON k.ca_certificate_id = c.id
        WHERE c.role IN ('seal', 'person') AND c.revoked_at IS NULL
          AND c.not_after > $1::timestamptz AND c.not_after <= $1::timestamptz + $2::int * interval '1 day'
          AND NOT EXISTS (
            SELECT 1 FROM signing_key k2 JOIN certificate c2 ON c2.id = k2.ca_certificate_id
             WHERE k2.office = k.office AND k2.owner = k.owner AND k2.purpose = k.purpose
               AND c2.revoked_at IS NULL AND c2.not_after > c.not_after)
        GROUP BY c.role`,
      [at, expiringWithinDays],
    );
    return rows;
  });
  new Gauge({
    name: 'lienthong_certificates_expiring',
    help: 'Certificates of seal and personal keys, not revoked, ending within 30 days with no later one for the same owner.',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const rows = await expiring();
      if (rows === undefined) return;
      const counts = new Map(rows.map((r) => [r.role, Number(r.n)]));
      this.set({ kind: 'seal' }, counts.get('seal') ?? 0);
      this.set({ kind: 'personal' }, counts.get('person') ?? 0);
    },
  });
  return (result) => tsa.inc({ result });
}
