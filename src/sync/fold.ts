/**
 * Folds a record's pending mutations together before sending (sync spec, "What the device does
 * with answers"): patches merge into one patch, or into a pending create; a create followed by a
 * delete cancels out. Only mutations never sent are folded: a sent one may already be applied.
 */
import type { OutboxRow } from '../db/rows';

export interface FoldPlan {
  /** Entries to write back (folded), by key. */
  update: OutboxRow[];
  /** Keys of entries merged into another, or cancelled. */
  remove: number[];
}

function mergeFields(into: Record<string, unknown>, from: Record<string, unknown> | undefined, dropNulls: boolean): Record<string, unknown> {
  const out = { ...into };
  for (const [k, v] of Object.entries(from ?? {})) {
    if (v === null && dropNulls) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** `entries` must be in seq order. */
export function planFold(entries: OutboxRow[]): FoldPlan {
  const plan: FoldPlan = { update: [], remove: [] };
  const groups = new Map<string, OutboxRow[]>();
  for (const e of entries) {
    if (e.state !== 'pending' || e.sent) continue;
    const k = `${e.entity}:${e.id}`;
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const first = group[0]!;
    let folded: OutboxRow | null = { ...first, fields: first.fields ? { ...first.fields } : undefined };
    for (const next of group.slice(1)) {
      if (!folded) break;
      if (next.op === 'delete') {
        // Never sent a create: nothing to delete on the server either.
        folded = folded.op === 'create' ? null : { ...folded, op: 'delete', fields: undefined };
      } else if (next.op === 'patch' && folded.op !== 'delete') {
        folded = { ...folded, fields: mergeFields(folded.fields ?? {}, next.fields, folded.op === 'create') };
      } else {
        // Anything after a delete, or a second create: leave the rest as it is.
        break;
      }
      plan.remove.push(next.key!);
    }
    if (folded) plan.update.push(folded);
    else plan.remove.push(first.key!);
  }
  return plan;
}
