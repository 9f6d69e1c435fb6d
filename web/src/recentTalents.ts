// Talent registered from this browser, offered when holding talent. (Casting has no talent search
// yet; it is being built — then the hold form searches instead.)
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
