import { describe, expect, it } from 'vitest';
import { fieldFor, formatMoney, groupErrors, splitDates } from './userErrors';

describe('userErrors by field', () => {
  const fields = ['name', 'rate.amount', 'rate', 'workDates'];
  it('finds the field itself, an indexed field, or the nearest parent', () => {
    expect(fieldFor('name', fields)).toBe('name');
    expect(fieldFor('workDates[2]', fields)).toBe('workDates');
    expect(fieldFor('workDates.2', fields)).toBe('workDates');
    expect(fieldFor('rate.currency', fields)).toBe('rate');
    expect(fieldFor('productionId', fields)).toBeNull();
    expect(fieldFor(null, fields)).toBeNull();
  });
  it('puts each error next to its field and the rest on the form', () => {
    const grouped = groupErrors(
      [
        { field: 'name', message: 'must not be empty', code: 'INVALID' },
        { field: 'workDates[1]', message: 'not an ISO date', code: 'INVALID' },
        { field: 'productionId', message: 'unknown production', code: 'NOT_FOUND' },
        { field: null, message: 'try again', code: 'UNAVAILABLE' },
      ],
      ['name', 'workDates'],
    );
    expect(grouped.byField).toEqual({ name: ['must not be empty'], workDates: ['workDates[1]: not an ISO date'] });
    expect(grouped.form).toEqual(['productionId: unknown production', 'try again']);
  });
});

describe('formatting', () => {
  it('shows money with its currency', () => {
    expect(formatMoney('2400', 'USD')).toBe('$2,400.00');
    expect(formatMoney('12.5', 'EUR')).toBe('€12.50');
    expect(formatMoney('abc', 'USD')).toBe('abc USD');
  });
  it('splits work dates on commas and spaces', () => {
    expect(splitDates(' 2026-05-01, 2026-05-02  2026-05-03;')).toEqual(['2026-05-01', '2026-05-02', '2026-05-03']);
    expect(splitDates('')).toEqual([]);
  });
});
