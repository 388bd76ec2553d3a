/**
 * Where each unit's digest goes — pure: one e-mail per set of addressees (units that share them
 * are grouped), cc merged; a unit nobody answers for goes to ops with a note saying so.
 */
import { addresseesFor, type DirectoryEntry } from './directory.ts';
import type { DigestUnit } from './templates.ts';

export interface DigestGroup {
  /** The `to` addresses joined: one outbox row per group and cycle. */
  key: string;
  to: string[];
  cc: string[];
  units: DigestUnit[];
  notes: string[];
}

export function routeDigests(
  units: readonly DigestUnit[],
  directory: readonly DirectoryEntry[],
  today: string,
  opsEmails: readonly string[],
): { groups: DigestGroup[]; opsNotes: string[] } {
  const groups = new Map<string, DigestGroup>();
  const opsNotes: string[] = [];
  for (const unit of [...units].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
    let who = addresseesFor(unit.code, directory, today);
    let note: string | null = null;
    if (!who) {
      note = `Chưa có người nhận thư của ${unit.name} (${unit.code}): thư này được gửi cho bộ phận vận hành; đề nghị bổ sung địa chỉ thư của đơn vị vào danh sách người nhận.`;
      if (opsEmails.length === 0) {
        opsNotes.push(note);
        continue;
      }
      who = { to: opsEmails.map((e) => e.toLowerCase()), cc: [] };
    }
    const key = who.to.join(',');
    const g = groups.get(key) ?? { key, to: who.to, cc: [], units: [], notes: [] };
    for (const a of who.cc) if (!g.cc.includes(a)) g.cc.push(a);
    g.units.push(unit);
    if (note) g.notes.push(note);
    groups.set(key, g);
  }
  for (const g of groups.values()) g.cc = g.cc.filter((a) => !g.to.includes(a));
  return { groups: [...groups.values()], opsNotes };
}
