// A production's legal side (producers, legal): each booking's contract — send it for signature
// (the single-use signing link is shown once, to pass to the performer), countersign it once
// signed — and the production's compliance report.
import { useState, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { ComplianceQuery, CountersignContractMutation, ProductionLegalQuery, SendContractMutation } from '../ops/legal';
import type { ContractFieldsFragment } from '../gql/graphql';
import { FormMessage, StatusBadge } from '../components/Form';
import { describeError, mutationErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { Link } from '../router';

function ContractRow({ contract, talent, canSend, canCountersign }: { contract: ContractFieldsFragment; talent: string; canSend: boolean; canCountersign: boolean }) {
  const [sendState, send] = useMutation(SendContractMutation);
  const [counterState, countersign] = useMutation(CountersignContractMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [link, setLink] = useState<string | null>(null);
  return (
    <li className="booking" aria-label={`Contract ${talent}, ${contract.roleName}`}>
      <div className="booking-head">
        <strong>{talent}</strong> · {contract.roleName} <StatusBadge status={contract.status} />
        <span className="hint">
          {contract.template} v{contract.templateVersion}
        </span>
      </div>
      {contract.signatures?.length ? (
        <ul className="hint" aria-label="Signatures">
          {contract.signatures.map((s) => (
            <li key={`${s.party}-${s.signedAt}`}>
              {s.party.toLowerCase()}: {s.signerName}, {new Date(s.signedAt).toLocaleString()}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="actions">
        {canSend && (contract.status === 'DRAFT' || contract.status === 'SENT') ? (
          <button
            type="button"
            className={contract.status === 'SENT' ? 'secondary' : undefined}
            disabled={sendState.fetching}
            onClick={async () => {
              const result = await send({ input: { contractId: contract.id } });
              setErrors(mutationErrors(result, 'sendContract') ?? NO_ERRORS);
              const url = result.data?.sendContract.signingUrl;
              if (url) setLink(new URL(url, window.location.origin).href);
            }}
          >
            {contract.status === 'SENT' ? 'Send again (new link)' : 'Send for signature'}
          </button>
        ) : null}
        {canCountersign && contract.status === 'SIGNED' ? (
          <button
            type="button"
            disabled={counterState.fetching}
            onClick={async () => setErrors(mutationErrors(await countersign({ input: { contractId: contract.id } }), 'countersignContract') ?? NO_ERRORS)}
          >
            Countersign
          </button>
        ) : null}
        {contract.pdfUrl ? (
          <a href={contract.pdfUrl} download={`contract-${contract.id}.pdf`}>
            {contract.status === 'COUNTERSIGNED' ? 'Executed copy (PDF)' : 'Contract (PDF)'}
          </a>
        ) : null}
      </div>
      {link ? (
        <div className="card success" role="status">
          <p>
            Signing link for {talent} (single use, shown only now — send it to them):
          </p>
          <p>
            <code data-testid="signing-link">{link}</code>
          </p>
        </div>
      ) : null}
      <FormMessage errors={[...errors.form, ...Object.values(errors.byField).flat()]} />
    </li>
  );
}

export function ComplianceReport({ productionId, compact = false }: { productionId: string; compact?: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: ComplianceQuery, variables: { productionId } });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Checking compliance…</p> : null;
  const items = compact ? data.complianceReport.items.filter((i) => i.severity === 'BLOCKING') : data.complianceReport.items;
  if (!items.length) return <p className="hint" data-testid="compliance-empty">{compact ? 'No compliance blockers.' : 'Nothing to report: every rule is satisfied.'}</p>;
  return (
    <ul className="list" aria-label={compact ? 'Compliance blockers' : 'Compliance findings'}>
      {items.map((i, n) => (
        <li key={`${i.code}-${i.date ?? ''}-${n}`} className={`finding finding-${i.severity.toLowerCase()}`}>
          <span className={`badge badge-${i.severity.toLowerCase()}`}>{i.severity.toLowerCase()}</span> {i.message}
          <span className="hint">
            {' '}
            · {i.code}
            {i.date ? ` · ${i.date}` : ''} · {i.source}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function Legal({ id, canSend, canCountersign, canSeeCompliance, tabs = null }: { id: string; tabs?: ReactNode; canSend: boolean; canCountersign: boolean; canSeeCompliance: boolean }) {
  const [{ data, error, fetching }] = useQuery({ query: ProductionLegalQuery, variables: { id } });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading contracts…</p> : null;
  const production = data.production;
  if (!production) return <h1 tabIndex={-1}>Production not found</h1>;
  const talentOf = (bookingId: string) => production.bookings.find((b) => b.id === bookingId)?.talent?.name ?? 'Talent';
  return (
    <>
      <nav aria-label="Breadcrumb" className="hint">
        <Link to="/productions">Productions</Link> › <Link to={`/productions/${encodeURIComponent(production.id)}`}>{production.title}</Link> › Contracts
      </nav>
      <h1 tabIndex={-1}>Contracts and compliance: {production.title}</h1>
      {tabs}
      <div className="split">
        <section className="card" aria-labelledby="contracts-title">
          <h2 id="contracts-title">Contracts</h2>
          {production.contracts.length ? (
            <ul className="list" aria-label="Contracts">
              {production.contracts.map((c) => (
                <ContractRow key={c.id} contract={c} talent={talentOf(c.bookingId)} canSend={canSend} canCountersign={canCountersign} />
              ))}
            </ul>
          ) : (
            <p className="hint">No contracts yet: one is drafted when a booking is confirmed.</p>
          )}
        </section>
        {canSeeCompliance ? (
          <section className="card" aria-labelledby="compliance-title">
            <h2 id="compliance-title">Compliance report</h2>
            <ComplianceReport productionId={production.id} />
          </section>
        ) : null}
      </div>
    </>
  );
}
