/**
 * The role rule the services of this package applies before anything else: the same 403
 * as the kit's `requireRole`, but on a principal the handler already has, so that the rule
 * lives in the service and not in the route.
 */
import { AppError, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';

/** Throws 403 FORBIDDEN naming the roles unless `principal` holds at least one of `wanted`. */
export function requireRoleOf(principal: Principal, ...wanted: string[]): void {
  if (!wanted.some((role) => principal.roles.includes(role))) {
    throw new AppError(serviceErrors.FORBIDDEN, { detail: `this needs the role ${wanted.join(' or ')}` });
  }
}
