// Talent registered or submitted from this browser, offered when holding talent (talent search
// finds the others).
export interface RecentTalent {
  id: string;
  name: string;
}
const KEY = 'slate.recentTalents';
const MAX = 20;

export function recentTalents(storage: Storage = localStorage): RecentTalent[] {
  try {
    const raw: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((t): t is RecentTalent => typeof t?.id === 'string' && typeof t?.name === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberTalent(talent: RecentTalent, storage: Storage = localStorage): RecentTalent[] {
  const list = [talent, ...recentTalents(storage).filter((t) => t.id !== talent.id)].slice(0, MAX);
  storage.setItem(KEY, JSON.stringify(list));
  return list;
}

// Pay runs created in this browser, by production: the API has no list of a production's pay runs.
const RUNS = 'slate.payRuns';

export function knownPayRuns(productionId: string, storage: Storage = localStorage): string[] {
  try {
    const raw: unknown = JSON.parse(storage.getItem(RUNS) ?? '{}');
    const list = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[productionId] : null;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberPayRun(productionId: string, runId: string, storage: Storage = localStorage): void {
  let all: Record<string, string[]>;
  try {
    all = JSON.parse(storage.getItem(RUNS) ?? '{}') as Record<string, string[]>;
  } catch {
    all = {};
  }
  all[productionId] = [runId, ...knownPayRuns(productionId, storage).filter((r) => r !== runId)].slice(0, MAX);
  storage.setItem(RUNS, JSON.stringify(all));
}
