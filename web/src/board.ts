// The casting board's grouping of a role's bookings: holds in rank order (first refusal first),
// bookings, and the rest (released, cancelled, expired) out of the way.
import type { BookingFieldsFragment } from './gql/graphql';

export const SHORTLIST_RANKS = [1, 2, 3, 4, 5, 6] as const;

type B = Pick<BookingFieldsFragment, 'status' | 'rank'>;

export function holdsByRank<T extends B>(bookings: readonly T[]): { holds: T[]; booked: T[]; past: T[] } {
  const holds = bookings.filter((b) => b.status === 'ON_HOLD').sort((a, b) => a.rank - b.rank);
  const booked = bookings.filter((b) => b.status === 'BOOKED');
  const past = bookings.filter((b) => b.status !== 'ON_HOLD' && b.status !== 'BOOKED');
  return { holds, booked, past };
}

/** Minor units of a currency ("cost" of a stripboard) as a decimal string: 123456 -> "1234.56". */
export function fromMinor(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(units));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
