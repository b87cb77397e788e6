/**
 * A route that takes the service's access tokens and, besides them, the tokens of other
 * issuers good there only (delivery's evidence tokens, the archive's tokens): the first check
 * that accepts the token decides; when none does, the access token's refusal is the answer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@lienthong/service';
import type { Principal, RouteAuthenticate } from '@lienthong/service';

type SyncAuthenticate = (request: FastifyRequest, reply: FastifyReply) => Principal;

/**
 * `ordinary`, or else each of `others` in turn (each a synchronous token check). A token an
 * other issuer signed but that this route refuses for what it says (403, e.g. a missing role)
 * is refused with that answer.
 */
export function eitherToken(ordinary: SyncAuthenticate, others: readonly SyncAuthenticate[]): RouteAuthenticate {
  if (others.length === 0) return ordinary;
  return (request, reply) => {
    try {
      return ordinary(request, reply);
    } catch (refusal) {
      for (const other of others) {
        try {
          const principal = other(request, reply);
          void reply.removeHeader('www-authenticate');
          return principal;
        } catch (error) {
          if (error instanceof AppError && error.status === 403) {
            void reply.removeHeader('www-authenticate');
            throw error;
          }
        }
      }
      throw refusal;
    }
  };
}
