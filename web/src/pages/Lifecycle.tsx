// The dashboard's lifecycle card (producer, accounting): the stage and what its gate still needs,
// the workbook's critical path, and budget against committed and actual cost by category.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { AdvanceStageMutation, LifecycleQuery } from '../ops/lifecycle';
import { FormMessage, StatusBadge } from '../components/Form';
import { describeError, formatMoney, mutationErrors, NO_ERRORS, type FieldErrors } from '../userErrors';

const money = (m: { amount: string; currency: string }) => formatMoney(m.amount, m.currency);

export function Lifecycle({ productionId, canAdvance }: { productionId: string; canAdvance: boolean }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: LifecycleQuery, variables: { productionId } });
  const [state, advance] = useMutation(AdvanceStageMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading stage and budget…</p> : null;
  const d = data.productionDashboard;
  if (!d) return <p className="hint">No lifecycle for this production.</p>;
  const t = d.budget.totals;
  return (
    <>
      <section className="card" aria-labelledby="stage-title">
        <h2 id="stage-title">
          Stage: <StatusBadge status={d.stage} />
        </h2>
        {d.gate.to ? (
          <>
            <p data-testid="gate">
              Next: {d.gate.to.replace(/_/g, ' ').toLowerCase()} — {d.gate.ready ? 'ready' : `${d.gate.missing.length} to do`}
            </p>
            {d.gate.missing.length ? (
              <ul className="hint" aria-label="The gate needs">
                {d.gate.missing.map((m) => (
                  <li key={`${m.field}-${m.message}`}>{m.message}</li>
                ))}
              </ul>
            ) : null}
            {canAdvance ? (
              <button
                type="button"
                disabled={state.fetching}
                onClick={async () => {
                  const found = mutationErrors(await advance({ input: { productionId, to: d.gate.to ?? d.stage } }), 'advanceStage', []);
                  setErrors(found ?? NO_ERRORS);
                  if (!found) reexecute({ requestPolicy: 'network-only' });
                }}
              >
                Advance to {d.gate.to.replace(/_/g, ' ').toLowerCase()}
              </button>
            ) : null}
            <FormMessage errors={[...errors.form, ...Object.values(errors.byField).flat()]} />
          </>
        ) : (
          <p className="hint">The last stage.</p>
        )}
        <h3>Critical path ({d.workbookDurationDays} days)</h3>
        {d.criticalPath.length ? (
          <ol aria-label="Critical path">
            {d.criticalPath.map((task) => (
              <li key={task.id}>
                {task.done ? '✓ ' : ''}
                {task.name} <span className="hint">· {task.owner} · {task.durationDays}d{task.dueDate ? ` · due ${task.dueDate}` : ''}</span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="hint">No workbook tasks yet.</p>
        )}
      </section>
      <section className="card" aria-labelledby="budget-title">
        <h2 id="budget-title">Budget</h2>
        <dl className="figures">
          <div>
            <dt>budgeted</dt>
            <dd data-testid="budget-budgeted">{money(t.budgeted)}</dd>
          </div>
          <div>
            <dt>committed</dt>
            <dd data-testid="budget-committed">{money(t.committed)}</dd>
          </div>
          <div>
            <dt>actual</dt>
            <dd data-testid="budget-actual">{money(t.actual)}</dd>
          </div>
          <div>
            <dt>variance</dt>
            <dd>{money(t.variance)}</dd>
          </div>
        </dl>
        {d.budget.lines.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col">Budgeted</th>
                <th scope="col">Committed</th>
                <th scope="col">Actual</th>
                <th scope="col">Variance</th>
              </tr>
            </thead>
            <tbody>
              {d.budget.lines.map((l) => (
                <tr key={l.category} className={l.over ? 'over' : undefined}>
                  <td>
                    {l.category.replace(/_/g, ' ').toLowerCase()}
                    {l.over ? <span className="badge badge-blocking"> over</span> : null}
                  </td>
                  <td>{money(l.budgeted)}</td>
                  <td>{money(l.committed)}</td>
                  <td>{money(l.actual)}</td>
                  <td>{money(l.variance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="hint">No budget lines yet.</p>
        )}
      </section>
    </>
  );
}
