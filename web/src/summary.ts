// Figures of the production dashboard, computed from the bookings in the cache.
import type { BookingFieldsFragment } from './gql/graphql';

export const STATUSES = ['ON_HOLD', 'BOOKED', 'RELEASED', 'CANCELLED'] as const;

export function countByStatus(bookings: readonly Pick<BookingFieldsFragment, 'status'>[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const b of bookings) counts[b.status] = (counts[b.status] ?? 0) + 1;
  return counts;
}

/** Estimated cost of the booked talent, per currency (decimal strings added in cents). */
export function committedCost(bookings: readonly Pick<BookingFieldsFragment, 'status' | 'engagement'>[]): { currency: string; amount: string }[] {
  const cents = new Map<string, bigint>();
  for (const b of bookings) {
    const total = b.status === 'BOOKED' ? b.engagement?.estimatedCost?.total : null;
    if (!total) continue;
    cents.set(total.currency, (cents.get(total.currency) ?? 0n) + toCents(total.amount));
  }
  return [...cents].map(([currency, c]) => ({ currency, amount: fromCents(c) }));
}

export function toCents(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(amount.trim());
  if (!m) return 0n;
  const value = BigInt(m[2] ?? '0') * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -value : value;
}

export function fromCents(c: bigint): string {
  const sign = c < 0n ? '-' : '';
  const abs = c < 0n ? -c : c;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A booked booking still waiting for payroll's engagement or legal's contract. */
export function awaitingFollowUp(b: Pick<BookingFieldsFragment, 'status' | 'engagement' | 'contract'>): boolean {
  return b.status === 'BOOKED' && (!b.engagement || !b.contract);
}
