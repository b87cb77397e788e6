import { OID } from '../oids.ts';
import type { Certificate } from '../x509/certificate.ts';

/** A node of the valid_policy_tree (RFC 5280 §6.1.2 (a)). */
export interface PolicyNode {
  readonly validPolicy: string;
  readonly qualifiers: readonly Uint8Array[];
  expectedPolicySet: Set<string>;
  readonly parent: PolicyNode | undefined;
  readonly children: PolicyNode[];
  readonly depth: number;
  deleted: boolean;
}

const ANY = OID.anyPolicy;

/**
 * The valid_policy_tree of RFC 5280 §6.1.2–§6.1.5, kept as one list of nodes
 * per depth. `null` tree is represented by `isNull`.
 */
export class PolicyTree {
  levels: PolicyNode[][];
  isNull = false;

  constructor() {
    const root: PolicyNode = {
      validPolicy: ANY,
      qualifiers: [],
      expectedPolicySet: new Set([ANY]),
      parent: undefined,
      children: [],
      depth: 0,
      deleted: false,
    };
    this.levels = [[root]];
  }

  private add(parent: PolicyNode, validPolicy: string, qualifiers: readonly Uint8Array[], expected: Set<string>): void {
    const node: PolicyNode = {
      validPolicy,
      qualifiers,
      expectedPolicySet: expected,
      parent,
      children: [],
      depth: parent.depth + 1,
      deleted: false,
    };
    parent.children.push(node);
    (this.levels[node.depth] ??= []).push(node);
  }

  private remove(node: PolicyNode): void {
    if (node.deleted) return;
    node.deleted = true;
    for (const c of [...node.children]) this.remove(c);
    const level = this.levels[node.depth];
    if (level !== undefined) this.levels[node.depth] = level.filter((n) => n !== node);
    if (node.parent !== undefined) {
      const siblings = node.parent.children;
      const k = siblings.indexOf(node);
      if (k >= 0) siblings.splice(k, 1);
    } else this.isNull = true;
  }

  /** Deletes nodes of depth < `depth` that have no children (§6.1.3 (d)(3), §6.1.5 (g)(iii)(4)). */
  prune(depth: number): void {
    for (let d = depth - 1; d >= 0; d--) {
      for (const n of [...(this.levels[d] ?? [])]) if (n.children.length === 0) this.remove(n);
    }
    if ((this.levels[0] ?? []).length === 0) this.isNull = true;
  }

  /** §6.1.3 (d): processes the certificatePolicies of certificate i. */
  processCertificatePolicies(
    cert: Certificate,
    i: number,
    inhibitAnyPolicy: number,
    isLastOrNotSelfIssued: boolean,
  ): void {
    const policies = cert.certificatePolicies;
    if (policies === undefined) {
      this.isNull = true; // §6.1.3 (e)
      return;
    }
    if (this.isNull) return;
    const parents = this.levels[i - 1] ?? [];
    for (const p of policies) {
      if (p.policy === ANY) continue;
      let matched = false;
      for (const parent of parents) {
        if (parent.expectedPolicySet.has(p.policy)) {
          this.add(parent, p.policy, p.qualifiers, new Set([p.policy]));
          matched = true;
        }
      }
      if (!matched) {
        for (const parent of parents)
          if (parent.validPolicy === ANY) this.add(parent, p.policy, p.qualifiers, new Set([p.policy]));
      }
    }
    const anyPolicy = policies.find((p) => p.policy === ANY);
    if (anyPolicy !== undefined && (inhibitAnyPolicy > 0 || !isLastOrNotSelfIssued)) {
      for (const parent of parents) {
        const present = new Set(parent.children.map((c) => c.validPolicy));
        for (const e of parent.expectedPolicySet) {
          if (!present.has(e)) this.add(parent, e, anyPolicy.qualifiers, new Set([e]));
        }
      }
    }
    this.prune(i);
    if ((this.levels[i] ?? []).length === 0) this.isNull = true;
  }

  /** §6.1.4 (b): applies the policyMappings of certificate i. */
  processPolicyMappings(cert: Certificate, i: number, policyMapping: number): void {
    const mappings = cert.policyMappings;
    if (mappings === undefined || this.isNull) return;
    const bySource = new Map<string, Set<string>>();
    for (const m of mappings) {
      let s = bySource.get(m.issuerDomainPolicy);
      if (s === undefined) bySource.set(m.issuerDomainPolicy, (s = new Set()));
      s.add(m.subjectDomainPolicy);
    }
    for (const [idp, targets] of bySource) {
      const level = this.levels[i] ?? [];
      if (policyMapping > 0) {
        const nodes = level.filter((n) => n.validPolicy === idp);
        if (nodes.length > 0) for (const n of nodes) n.expectedPolicySet = new Set(targets);
        else {
          const anyNode = level.find((n) => n.validPolicy === ANY);
          if (anyNode?.parent !== undefined) this.add(anyNode.parent, idp, anyNode.qualifiers, new Set(targets));
        }
      } else {
        for (const n of level.filter((x) => x.validPolicy === idp)) this.remove(n);
        this.prune(i);
      }
    }
    if ((this.levels[0] ?? []).length === 0 || (this.levels[i] ?? []).length === 0) this.isNull = true;
  }

  /** §6.1.5 (g): intersects the tree with the user-initial-policy-set. */
  intersect(userInitialPolicySet: ReadonlySet<string>, n: number): void {
    if (this.isNull || userInitialPolicySet.has(ANY)) return;
    const validPolicyNodeSet: PolicyNode[] = [];
    for (const level of this.levels)
      for (const node of level) if (node.parent?.validPolicy === ANY) validPolicyNodeSet.push(node);
    for (const node of validPolicyNodeSet) {
      if (node.validPolicy !== ANY && !userInitialPolicySet.has(node.validPolicy)) this.remove(node);
    }
    const leafAny = (this.levels[n] ?? []).find((x) => x.validPolicy === ANY && !x.deleted);
    if (leafAny?.parent !== undefined) {
      const present = new Set(validPolicyNodeSet.filter((x) => !x.deleted).map((x) => x.validPolicy));
      for (const p of userInitialPolicySet) {
        if (!present.has(p)) this.add(leafAny.parent, p, leafAny.qualifiers, new Set([p]));
      }
      this.remove(leafAny);
    }
    this.prune(n);
    if ((this.levels[n] ?? []).length === 0) this.isNull = true;
  }

  /**
   * The user-constrained-policy-set (§6.1.6), expressed in the policy domain
   * of the trust anchor as PKITS expects: the valid_policy of every remaining
   * node other than anyPolicy whose parent is anyPolicy (§6.1.5 (g)(iii)
   * valid_policy_node_set), plus anyPolicy when a node of depth n is anyPolicy.
   * Every remaining node leads to depth n after pruning.
   */
  leafPolicies(n: number): string[] {
    if (this.isNull || (this.levels[n] ?? []).length === 0) return [];
    const out = new Set<string>();
    for (const level of this.levels)
      for (const node of level)
        if (node.parent?.validPolicy === ANY && node.validPolicy !== ANY) out.add(node.validPolicy);
    if ((this.levels[n] ?? []).some((x) => x.validPolicy === ANY)) out.add(ANY);
    return [...out].sort();
  }
}
