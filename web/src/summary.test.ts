import { describe, expect, it } from 'vitest';
import { awaitingFollowUp, committedCost, countByStatus, fromCents, toCents } from './summary';

const engagement = (amount: string, currency = 'USD') => ({
  __typename: 'Engagement' as const,
  id: 'e',
  status: 'ACTIVE' as const,
  agreement: 'none',
  estimatedCost: { __typename: 'CostEstimate' as const, total: { __typename: 'Money' as const, amount, currency }, warnings: [] },
});

describe('dashboard figures', () => {
  it('counts bookings by status', () => {
    expect(countByStatus([{ status: 'BOOKED' }, { status: 'ON_HOLD' }, { status: 'BOOKED' }])).toEqual({ ON_HOLD: 1, BOOKED: 2, RELEASED: 0, CANCELLED: 0 });
  });
  it('adds the estimated cost of booked talent exactly, per currency', () => {
    const cost = committedCost([
      { status: 'BOOKED', engagement: engagement('0.10') },
      { status: 'BOOKED', engagement: engagement('0.20') },
      { status: 'BOOKED', engagement: engagement('100', 'EUR') },
      { status: 'ON_HOLD', engagement: engagement('999') },
      { status: 'BOOKED', engagement: null },
    ]);
    expect(cost).toEqual([
      { currency: 'USD', amount: '0.30' },
      { currency: 'EUR', amount: '100.00' },
    ]);
  });
  it('converts decimal strings to cents and back', () => {
    expect(toCents('1200.5')).toBe(120050n);
    expect(toCents('-3.07')).toBe(-307n);
    expect(fromCents(-307n)).toBe('-3.07');
    expect(fromCents(5n)).toBe('0.05');
  });
  it('follows up a booked booking until its engagement and contract exist', () => {
    expect(awaitingFollowUp({ status: 'BOOKED', engagement: null, contract: null })).toBe(true);
    expect(awaitingFollowUp({ status: 'ON_HOLD', engagement: null, contract: null })).toBe(false);
  });
});
