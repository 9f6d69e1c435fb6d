// A production's pay (producers and accounting): each booked talent's timecards (submit, approve),
// pay runs (create, review, approve, issue) and their stubs. The API lists no pay runs by
// production, so the runs shown are those the timecards were paid by plus those created in this
// browser (README, Web app: known gaps).
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  ApprovePayRunMutation,
  ApproveTimecardMutation,
  CreatePayRunMutation,
  IssuePayRunMutation,
  PayRunQuery,
  ProductionPayQuery,
  SubmitTimecardMutation,
} from '../ops/pay';
import type { ProductionPayQuery as PayData, StubFieldsFragment, TimecardFieldsFragment } from '../gql/graphql';
import { FormMessage, SelectField, StatusBadge, TextField } from '../components/Form';
import { describeError, formatMoney, mutationErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { Link } from '../router';
import { knownPayRuns, rememberPayRun } from '../recentTalents';

type Booking = NonNullable<PayData['production']>['bookings'][number];

/** The wage and tax engines' notes (sources, assumptions): long, so folded away. */
function Warnings({ items }: { items: readonly string[] }) {
  if (!items.length) return null;
  return (
    <details className="notes">
      <summary>Notes ({items.length})</summary>
      <ul className="hint">
        {items.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </details>
  );
}

export function StubCard({ stub, headingLevel = 3 }: { stub: StubFieldsFragment; headingLevel?: 3 | 4 }) {
  const H = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <article className="card stub" aria-label={`Pay stub ${stub.payeeName} ${stub.payDate}`}>
      <H>
        {stub.payeeName} · paid {stub.payDate}
      </H>
      <dl className="facts">
        <div>
          <dt>Gross</dt>
          <dd data-testid="stub-gross">{formatMoney(stub.gross.amount, stub.gross.currency)}</dd>
        </div>
        <div>
          <dt>Net</dt>
          <dd data-testid="stub-net">{formatMoney(stub.net.amount, stub.net.currency)}</dd>
        </div>
        <div>
          <dt>Hours</dt>
          <dd>{stub.hoursWorked}</dd>
        </div>
        <div>
          <dt>Period</dt>
          <dd>
            {stub.periodStart} – {stub.periodEnd}
          </dd>
        </div>
        <div>
          <dt>Employer</dt>
          <dd>{stub.employer.name}</dd>
        </div>
        <div>
          <dt>Tax id</dt>
          <dd>•••• {stub.taxIdLast4 || '—'}</dd>
        </div>
      </dl>
      {stub.deductions.length ? (
        <details>
          <summary>Deductions ({stub.deductions.length})</summary>
          <ul>
            {stub.deductions.map((d) => (
              <li key={d.code}>
                {d.label}: {formatMoney(d.amount.amount, d.amount.currency)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <Warnings items={stub.warnings} />
      {stub.pdfUrl ? (
        <p>
          <a href={stub.pdfUrl} download={`pay-stub-${stub.payDate}-${stub.id}.pdf`}>
            Download the stub (PDF)
          </a>
        </p>
      ) : null}
    </article>
  );
}

function TimecardRow({ card, name, canApprove }: { card: TimecardFieldsFragment; name: string; canApprove: boolean }) {
  const [state, approve] = useMutation(ApproveTimecardMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  return (
    <tr aria-label={`Timecard ${name} ${card.date}`}>
      <td>{card.date}</td>
      <td>
        {card.call}–{card.wrap}
      </td>
      <td>{formatMoney(card.gross.amount, card.gross.currency)}</td>
      <td>
        <StatusBadge status={card.status} />
        <Warnings items={card.warnings} />
      </td>
      <td>
        {canApprove && card.status === 'SUBMITTED' ? (
          <button
            type="button"
            disabled={state.fetching}
            aria-label={`Approve ${name}'s timecard for ${card.date}`}
            onClick={async () => setErrors(mutationErrors(await approve({ input: { timecardId: card.id } }), 'approveTimecard', []) ?? NO_ERRORS)}
          >
            Approve
          </button>
        ) : null}
        <FormMessage errors={errors.form} />
      </td>
    </tr>
  );
}

function TimecardForm({ bookings }: { bookings: Booking[] }) {
  const withEngagement = bookings.filter((b) => b.engagement);
  const [engagementId, setEngagementId] = useState('');
  const chosen = engagementId || withEngagement[0]?.engagement?.id || '';
  const engagement = withEngagement.find((b) => b.engagement?.id === chosen)?.engagement;
  const [day, setDay] = useState('');
  const [call, setCall] = useState('08:00');
  const [wrap, setWrap] = useState('18:00');
  const [mealStart, setMealStart] = useState('12:00');
  const [mealEnd, setMealEnd] = useState('12:30');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, submit] = useMutation(SubmitTimecardMutation);
  if (!withEngagement.length) return null;
  const date = day || engagement?.workDates[0] || '';

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const meals = mealStart && mealEnd ? [{ start: mealStart, end: mealEnd }] : [];
    const found = mutationErrors(await submit({ input: { engagementId: chosen, date, call, wrap, meals } }), 'submitTimecard', ['engagementId', 'date', 'call', 'wrap', 'meals', 'notes']);
    setErrors(found ?? NO_ERRORS);
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="timecard-title" noValidate>
      <h2 id="timecard-title">Submit a timecard</h2>
      <SelectField
        id="timecard-engagement"
        label="Talent"
        value={chosen}
        onChange={(e) => setEngagementId(e.target.value)}
        options={withEngagement.map((b) => ({ value: b.engagement?.id ?? '', label: `${b.talent?.name ?? 'Talent'} (${b.role?.name ?? 'role'})` }))}
        errors={errors.byField.engagementId}
      />
      <SelectField
        id="timecard-date"
        label="Work date"
        value={date}
        onChange={(e) => setDay(e.target.value)}
        options={(engagement?.workDates ?? []).map((d) => ({ value: d, label: d }))}
        errors={errors.byField.date}
      />
      <div className="row">
        <TextField id="timecard-call" label="Call" value={call} onChange={(e) => setCall(e.target.value)} errors={errors.byField.call} hint="HH:MM" />
        <TextField id="timecard-wrap" label="Wrap" value={wrap} onChange={(e) => setWrap(e.target.value)} errors={errors.byField.wrap} hint="HH:MM" />
      </div>
      <div className="row">
        <TextField id="timecard-meal-start" label="Meal from" value={mealStart} onChange={(e) => setMealStart(e.target.value)} errors={errors.byField.meals} />
        <TextField id="timecard-meal-end" label="Meal to" value={mealEnd} onChange={(e) => setMealEnd(e.target.value)} />
      </div>
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        Submit timecard
      </button>
    </form>
  );
}

function PayRunCard({ id, canIssue, canApprove, onIssued }: { id: string; canIssue: boolean; canApprove: boolean; onIssued: () => void }) {
  const [{ data, error, fetching }] = useQuery({ query: PayRunQuery, variables: { id } });
  const [approveState, approve] = useMutation(ApprovePayRunMutation);
  const [issueState, issue] = useMutation(IssuePayRunMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  if (error && !data) return <li role="alert" className="form-error">{describeError(error)}</li>;
  if (!data) return fetching ? <li aria-busy="true">Loading the pay run…</li> : null;
  const run = data.payRun;
  if (!run) return null;
  return (
    <li className="card" aria-label={`Pay run ${run.periodStart} to ${run.periodEnd}`}>
      <div className="booking-head">
        <h3>
          {run.periodStart} – {run.periodEnd}, paid {run.payDate}
        </h3>
        <StatusBadge status={run.status} />
      </div>
      <Warnings items={run.warnings} />
      <div className="actions">
        {canApprove && run.status === 'DRAFT' ? (
          <button type="button" disabled={approveState.fetching} onClick={async () => setErrors(mutationErrors(await approve({ input: { payRunId: run.id } }), 'approvePayRun') ?? NO_ERRORS)}>
            Approve pay run
          </button>
        ) : null}
        {canIssue && run.status === 'APPROVED' ? (
          <button type="button" disabled={issueState.fetching} onClick={async () => {
              const found = mutationErrors(await issue({ input: { payRunId: run.id } }), 'issuePayRun');
              setErrors(found ?? NO_ERRORS);
              // Issuing marks the run's timecards paid: read them again.
              if (!found) onIssued();
            }}
          >
            Issue pay run
          </button>
        ) : null}
        {run.achFileUrl ? (
          <a href={run.achFileUrl} download={`ach-${run.id}.txt`}>
            ACH file
          </a>
        ) : null}
      </div>
      <FormMessage errors={errors.form} />
      {run.stubs.length ? run.stubs.map((s) => <StubCard key={s.id} stub={s} headingLevel={4} />) : <p className="hint">No stubs: nothing approved in the period.</p>}
    </li>
  );
}

function CreatePayRun({ productionId, onCreated }: { productionId: string; onCreated: (id: string) => void }) {
  const [periodStart, setStart] = useState('');
  const [periodEnd, setEnd] = useState('');
  const [payDate, setPayDate] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, create] = useMutation(CreatePayRunMutation);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await create({ input: { productionId, periodStart, periodEnd, payDate } });
    const found = mutationErrors(result, 'createPayRun', ['periodStart', 'periodEnd', 'payDate']);
    setErrors(found ?? NO_ERRORS);
    const run = result.data?.createPayRun.payRun;
    if (!found && run) onCreated(run.id);
  }
  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="payrun-title" noValidate>
      <h2 id="payrun-title">New pay run</h2>
      <p className="hint">Gathers the approved timecards of the period.</p>
      <TextField id="payrun-start" label="Period start" type="date" value={periodStart} onChange={(e) => setStart(e.target.value)} errors={errors.byField.periodStart} />
      <TextField id="payrun-end" label="Period end" type="date" value={periodEnd} onChange={(e) => setEnd(e.target.value)} errors={errors.byField.periodEnd} />
      <TextField id="payrun-paydate" label="Pay date" type="date" value={payDate} onChange={(e) => setPayDate(e.target.value)} errors={errors.byField.payDate} />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        Create pay run
      </button>
    </form>
  );
}

export function Pay({ id, canApprove, canIssue, tabs = null }: { id: string; tabs?: ReactNode; canApprove: boolean; canIssue: boolean }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: ProductionPayQuery, variables: { id } });
  const [created, setCreated] = useState<string[]>(() => knownPayRuns(id));
  const bookings = useMemo(() => (data?.production?.bookings ?? []).filter((b) => b.engagement), [data]);
  const runIds = useMemo(() => {
    const fromCards = bookings.flatMap((b) => b.engagement?.timecards.map((t) => t.payRunId) ?? []).filter((r): r is string => !!r);
    return [...new Set([...created, ...fromCards])];
  }, [bookings, created]);

  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading pay…</p> : null;
  const production = data.production;
  if (!production) return <h1 tabIndex={-1}>Production not found</h1>;

  return (
    <>
      <nav aria-label="Breadcrumb" className="hint">
        <Link to="/productions">Productions</Link> › <Link to={`/productions/${encodeURIComponent(production.id)}`}>{production.title}</Link> › Pay
      </nav>
      <h1 tabIndex={-1}>Pay: {production.title}</h1>
      {tabs}
      <div className="split">
        <div>
          <section aria-labelledby="timecards-title">
            <h2 id="timecards-title">Timecards</h2>
            {bookings.length ? (
              bookings.map((b) => (
                <section key={b.id} className="card" aria-label={`Timecards of ${b.talent?.name ?? 'talent'}`}>
                  <h3>
                    {b.talent?.name ?? 'Talent'} · {b.role?.name}
                  </h3>
                  <p className="hint">
                    {b.engagement ? (
                      <>
                        <StatusBadge status={b.engagement.status} /> {formatMoney(b.engagement.rate.amount, b.engagement.rate.currency)} per {b.engagement.rateUnit.toLowerCase()} ·{' '}
                        {b.engagement.agreement === 'none' ? 'no union agreement' : b.engagement.agreement}
                      </>
                    ) : null}
                  </p>
                  {b.engagement?.timecards.length ? (
                    <table className="table">
                      <thead>
                        <tr>
                          <th scope="col">Date</th>
                          <th scope="col">Call–wrap</th>
                          <th scope="col">Gross</th>
                          <th scope="col">Status</th>
                          <th scope="col">
                            <span className="sr-only">Actions</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {b.engagement.timecards.map((t) => (
                          <TimecardRow key={t.id} card={t} name={b.talent?.name ?? 'talent'} canApprove={canApprove} />
                        ))}
                      </tbody>
                    </table>
                  ) : (
                    <p className="hint">No timecards yet.</p>
                  )}
                </section>
              ))
            ) : (
              <p className="hint">No booked talent with an engagement yet: confirm a booking first.</p>
            )}
          </section>
          <section aria-labelledby="payruns-title">
            <h2 id="payruns-title">Pay runs</h2>
            {runIds.length ? (
              <ul className="list" aria-label="Pay runs">
                {runIds.map((r) => (
                  <PayRunCard key={r} id={r} canApprove={canApprove} canIssue={canIssue} onIssued={() => reexecute({ requestPolicy: 'network-only' })} />
                ))}
              </ul>
            ) : (
              <p className="hint">No pay runs yet.</p>
            )}
          </section>
        </div>
        <div>
          <TimecardForm bookings={bookings} />
          {canApprove ? (
            <CreatePayRun
              productionId={production.id}
              onCreated={(runId) => {
                rememberPayRun(production.id, runId);
                setCreated((c) => [runId, ...c.filter((x) => x !== runId)]);
              }}
            />
          ) : null}
        </div>
      </div>
    </>
  );
}
