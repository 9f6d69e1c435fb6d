import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { CreateProductionMutation, ProductionsQuery } from '../operations';
import type { ProductionKind } from '../gql/graphql';
import { FormMessage, SelectField, StatusBadge, TextField } from '../components/Form';
import { describeError, groupErrors, NO_ERRORS, type FieldErrors } from '../userErrors';
import { Link, navigate } from '../router';

const KINDS: { value: ProductionKind; label: string }[] = [
  { value: 'COMMERCIAL', label: 'Commercial' },
  { value: 'FILM', label: 'Film' },
  { value: 'TV', label: 'TV' },
  { value: 'MUSIC_VIDEO', label: 'Music video' },
  { value: 'LIVE_EVENT', label: 'Live event' },
];
const PAGE = 20;

function CreateProduction() {
  const [title, setTitle] = useState('');
  const [client, setClient] = useState('');
  const [kind, setKind] = useState<ProductionKind>('COMMERCIAL');
  const [timezone, setTimezone] = useState('America/Los_Angeles');
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [state, create] = useMutation(CreateProductionMutation);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors(NO_ERRORS);
    const result = await create({ input: { title, client, kind, timezone } });
    if (result.error) return setErrors({ byField: {}, form: [describeError(result.error)] });
    const payload = result.data?.createProduction;
    if (payload?.userErrors.length) return setErrors(groupErrors(payload.userErrors, ['title', 'client', 'kind', 'timezone']));
    if (payload?.production) navigate(`/productions/${encodeURIComponent(payload.production.id)}`);
  }

  return (
    <form onSubmit={submit} className="card" aria-labelledby="create-production-title" noValidate>
      <h2 id="create-production-title">New production</h2>
      <TextField id="production-title" label="Title" value={title} onChange={(e) => setTitle(e.target.value)} errors={errors.byField.title} required />
      <TextField id="production-client" label="Client" value={client} onChange={(e) => setClient(e.target.value)} errors={errors.byField.client} />
      <SelectField id="production-kind" label="Kind" value={kind} onChange={(e) => setKind(e.target.value as ProductionKind)} options={KINDS} errors={errors.byField.kind} />
      <TextField
        id="production-timezone"
        label="Time zone"
        value={timezone}
        onChange={(e) => setTimezone(e.target.value)}
        errors={errors.byField.timezone}
        hint="An IANA time zone, e.g. America/New_York."
      />
      <FormMessage errors={errors.form} />
      <button type="submit" disabled={state.fetching}>
        {state.fetching ? 'Creating…' : 'Create production'}
      </button>
    </form>
  );
}

function ProductionsPage({ after, isLast, onMore }: { after: string | null; isLast: boolean; onMore: (cursor: string) => void }) {
  const [{ data, error, fetching }] = useQuery({ query: ProductionsQuery, variables: { first: PAGE, after } });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading productions…</p> : null;
  const { edges, pageInfo } = data.productions;
  return (
    <>
      {edges.map(({ node }) => (
        <li key={node.id} className="card production">
          <h3>
            <Link to={`/productions/${encodeURIComponent(node.id)}`}>{node.title}</Link>
          </h3>
          <p>
            {node.client || 'No client'} · {KINDS.find((k) => k.value === node.kind)?.label ?? node.kind} · <StatusBadge status={node.stage} />
          </p>
          <p className="hint">Created {new Date(node.createdAt).toLocaleDateString()}</p>
        </li>
      ))}
      {after === null && edges.length === 0 ? <li className="hint">No productions yet: create the first one.</li> : null}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <li>
          <button type="button" className="secondary" onClick={() => onMore(pageInfo.endCursor as string)}>
            More productions
          </button>
        </li>
      ) : null}
    </>
  );
}

export function Productions({ canCreate }: { canCreate: boolean }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <div className="split">
      <section aria-labelledby="productions-title">
        <h1 id="productions-title" tabIndex={-1}>
          Productions
        </h1>
        <ul className="list" aria-label="Productions">
          {cursors.map((after, i) => (
            <ProductionsPage key={after ?? 'first'} after={after} isLast={i === cursors.length - 1} onMore={(c) => setCursors((cs) => [...cs, c])} />
          ))}
        </ul>
      </section>
      {canCreate ? <CreateProduction /> : null}
    </div>
  );
}
