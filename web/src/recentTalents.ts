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

// Contracts the talent signed in this browser: legal gives Booking.contract to staff only, so the
// portal reads these by id (contract(id) is open to the talent who is a party).
const CONTRACTS = 'slate.myContracts';

export function knownContracts(talentId: string, storage: Storage = localStorage): string[] {
  try {
    const raw: unknown = JSON.parse(storage.getItem(CONTRACTS) ?? '{}');
    const list = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[talentId] : null;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberContract(talentId: string, contractId: string, storage: Storage = localStorage): void {
  let all: Record<string, string[]>;
  try {
    all = JSON.parse(storage.getItem(CONTRACTS) ?? '{}') as Record<string, string[]>;
  } catch {
    all = {};
  }
  all[talentId] = [contractId, ...knownContracts(talentId, storage).filter((c) => c !== contractId)].slice(0, MAX);
  storage.setItem(CONTRACTS, JSON.stringify(all));
}
