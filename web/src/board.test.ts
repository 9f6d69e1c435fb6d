import { describe, expect, it } from 'vitest';
import { fromMinor, holdsByRank } from './board';
import { toSearch } from './pages/TalentSearch';
import { mutationErrors } from './userErrors';
import { knownPayRuns, rememberPayRun } from './recentTalents';

class MemoryStorage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
}

describe('casting board', () => {
  it('orders holds by rank and keeps bookings and the rest apart', () => {
    const b = (id: string, status: string, rank: number) => ({ id, status, rank }) as { id: string; status: 'ON_HOLD' | 'BOOKED' | 'RELEASED'; rank: number };
    const { holds, booked, past } = holdsByRank([b('c', 'ON_HOLD', 3), b('x', 'RELEASED', 1), b('a', 'ON_HOLD', 1), b('k', 'BOOKED', 1), b('b', 'ON_HOLD', 2)]);
    expect(holds.map((h) => h.id)).toEqual(['a', 'b', 'c']);
    expect(booked.map((h) => h.id)).toEqual(['k']);
    expect(past.map((h) => h.id)).toEqual(['x']);
  });

  it('shows a stripboard cost in minor units as a decimal', () => {
    expect(fromMinor(123456)).toBe('1234.56');
    expect(fromMinor(5)).toBe('0.05');
    expect(fromMinor(0)).toBe('0.00');
    expect(fromMinor(-250)).toBe('-2.50');
  });
});

describe('talent search form', () => {
  const empty = { text: '', union: '' as const, ageMin: '', ageMax: '', skills: '', languages: '', homeBase: '', availableOn: '' };
  it('sends no filter for empty fields', () => {
    expect(toSearch(empty)).toEqual({ text: null, filter: {} });
  });
  it('sends each filled field, lists split on commas', () => {
    expect(toSearch({ ...empty, text: ' tap ', union: 'MEMBER', ageMin: '18', skills: 'tap, juggling,', availableOn: '2027-01-02, 2027-01-03' })).toEqual({
      text: 'tap',
      filter: { union: 'MEMBER', ageMin: 18, skills: ['tap', 'juggling'], availableOn: ['2027-01-02', '2027-01-03'] },
    });
  });
});

describe('mutation outcomes', () => {
  it('groups a payload’s userErrors by the form’s fields', () => {
    const found = mutationErrors({ data: { submitTimecard: { userErrors: [{ field: 'wrap', message: 'bad', code: 'INVALID' }, { field: null, message: 'other', code: 'X' }] } } }, 'submitTimecard', ['wrap']);
    expect(found).toEqual({ byField: { wrap: ['bad'] }, form: ['other'] });
  });
  it('is null on success and a form error for a transport error', () => {
    expect(mutationErrors({ data: { approvePayRun: { userErrors: [] } } }, 'approvePayRun')).toBeNull();
    expect(mutationErrors({ error: { message: 'x', networkError: new Error('down') } }, 'approvePayRun')).toEqual({ byField: {}, form: ['Network error: down'] });
  });
});

describe('pay runs known to this browser', () => {
  it('keeps them by production, newest first, without repeats', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    rememberPayRun('p1', 'r1', storage);
    rememberPayRun('p1', 'r2', storage);
    rememberPayRun('p1', 'r1', storage);
    rememberPayRun('p2', 'r3', storage);
    expect(knownPayRuns('p1', storage)).toEqual(['r1', 'r2']);
    expect(knownPayRuns('p2', storage)).toEqual(['r3']);
    storage.setItem('slate.payRuns', 'not json');
    expect(knownPayRuns('p1', storage)).toEqual([]);
  });
});
