// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Provider, type Client } from 'urql';
import { fromValue, never } from 'wonka';
import { Productions } from './Productions';

afterEach(cleanup);

function clientAnswering(mutationData: object): Client {
  return {
    executeQuery: vi.fn(() => never),
    executeMutation: vi.fn(() => fromValue({ data: mutationData })),
    executeSubscription: vi.fn(() => never),
  } as unknown as Client;
}

describe('New production form', () => {
  it('shows each userError next to its field and the rest above the button', async () => {
    const client = clientAnswering({
      createProduction: {
        __typename: 'CreateProductionPayload',
        production: null,
        userErrors: [
          { __typename: 'UserError', field: 'title', message: 'must not be empty', code: 'INVALID' },
          { __typename: 'UserError', field: 'timezone', message: "not an IANA time zone: 'Mars/Base'", code: 'INVALID' },
          { __typename: 'UserError', field: null, message: 'scheduling is unavailable', code: 'UNAVAILABLE' },
        ],
      },
    });
    render(
      <Provider value={client}>
        <Productions canCreate />
      </Provider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Create production' }));

    const title = screen.getByLabelText('Title');
    expect(await screen.findByText('must not be empty')).toBeTruthy();
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(title.getAttribute('aria-describedby')).toContain('production-title-error');
    expect(document.getElementById('production-title-error')?.textContent).toBe('must not be empty');
    expect(document.getElementById('production-timezone-error')?.textContent).toContain('not an IANA time zone');
    expect(screen.getByLabelText('Client').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('scheduling is unavailable');
    expect(client.executeMutation).toHaveBeenCalledTimes(1);
  });

  it('is not offered without the producer role', () => {
    render(
      <Provider value={clientAnswering({})}>
        <Productions canCreate={false} />
      </Provider>,
    );
    expect(screen.queryByRole('button', { name: 'Create production' })).toBeNull();
  });
});
