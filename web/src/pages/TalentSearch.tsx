// Talent search (searchTalent): words over name, skills and bio, with filters; opened from a role's
// casting board (?role=ID) each result can be put forward for that role.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { SearchTalentQuery, SubmitTalentMutation } from '../ops/casting';
import type { TalentFilter, UnionStatus } from '../gql/graphql';
import { FormMessage, SelectField, TextField } from '../components/Form';
import { describeError, groupErrors, mutationErrors, NO_ERRORS, splitDates, type FieldErrors } from '../userErrors';
import { rememberTalent } from '../recentTalents';
import { Link } from '../router';

const PAGE = 20;
const UNION: { value: UnionStatus | ''; label: string }[] = [
  { value: '', label: 'Any' },
  { value: 'MEMBER', label: 'Union member' },
  { value: 'ELIGIBLE', label: 'Union eligible' },
  { value: 'NON_UNION', label: 'Non-union' },
];
// searchTalent's userErrors come back as GraphQL errors naming the argument path ("filter.ageMin").
const FIELDS = ['text', 'filter.union', 'filter.ageMin', 'filter.ageMax', 'filter.skills', 'filter.languages', 'filter.homeBase', 'filter.availableOn'];

export interface SearchForm {
  text: string;
  union: UnionStatus | '';
  ageMin: string;
  ageMax: string;
  skills: string;
  languages: string;
  homeBase: string;
  availableOn: string;
}

const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** The form as searchTalent's arguments (empty fields are no filter). */
export function toSearch(f: SearchForm): { text: string | null; filter: TalentFilter } {
  const filter: TalentFilter = {};
  if (f.union) filter.union = f.union;
  if (f.ageMin.trim()) filter.ageMin = Number(f.ageMin);
  if (f.ageMax.trim()) filter.ageMax = Number(f.ageMax);
  if (words(f.skills).length) filter.skills = words(f.skills);
  if (words(f.languages).length) filter.languages = words(f.languages);
  if (f.homeBase.trim()) filter.homeBase = f.homeBase.trim();
  if (f.availableOn.trim()) filter.availableOn = splitDates(f.availableOn);
  return { text: f.text.trim() || null, filter };
}

function SubmitResult({ roleId, talent }: { roleId: string; talent: { id: string; name: string } }) {
  const [state, submit] = useMutation(SubmitTalentMutation);
  const [errors, setErrors] = useState<FieldErrors>(NO_ERRORS);
  const [done, setDone] = useState(false);
  if (done) return <p role="status">Submitted.</p>;
  return (
    <>
      <button
        type="button"
        disabled={state.fetching}
        aria-label={`Submit ${talent.name} for the role`}
        onClick={async () => {
          const found = mutationErrors(await submit({ input: { roleId, talentId: talent.id } }), 'submitTalent');
          setErrors(found ?? NO_ERRORS);
          if (!found) {
            rememberTalent(talent);
            setDone(true);
          }
        }}
      >
        Submit for the role
      </button>
      <FormMessage errors={errors.form} />
    </>
  );
}

function Results({ args, roleId, after, isLast, onMore }: { args: ReturnType<typeof toSearch>; roleId: string | null; after: string | null; isLast: boolean; onMore: (c: string) => void }) {
  const [{ data, error, fetching }] = useQuery({ query: SearchTalentQuery, variables: { ...args, first: PAGE, after } });
  if (error && !data) {
    const grouped = groupErrors(
      error.graphQLErrors.map((e) => ({ field: typeof e.extensions?.field === 'string' ? e.extensions.field : null, message: e.message })),
      FIELDS,
    );
    const messages = [...grouped.form, ...Object.entries(grouped.byField).map(([f, m]) => `${f.replace('filter.', '')}: ${m.join(' ')}`)];
    return (
      <li role="alert" className="form-error">
        {messages.length ? messages.join(' ') : describeError(error)}
      </li>
    );
  }
  if (!data) return fetching ? <li aria-busy="true">Searching…</li> : null;
  const { edges, pageInfo, totalCount } = data.searchTalent;
  return (
    <>
      {after === null ? (
        <li className="hint" role="status" data-testid="search-total">
          {totalCount === 0 ? 'No talent matches: loosen a filter.' : `${totalCount} match${totalCount === 1 ? '' : 'es'}`}
        </li>
      ) : null}
      {edges.map(({ node }) => (
        <li key={node.id} className="card" aria-label={`Talent: ${node.name}`}>
          <div className="booking-head">
            <strong>{node.name}</strong>
            <span className="badge">{(node.unionStatus ?? node.union).replace(/_/g, ' ').toLowerCase()}</span>
            {node.age !== null ? <span className="hint">{node.age} y</span> : null}
          </div>
          <p className="hint">
            {[node.homeBase, node.skills.join(', '), node.languages.join(', ')].filter(Boolean).join(' · ') || 'No profile details yet.'}
          </p>
          <p className="hint">
            Talent id: <code>{node.id}</code>
          </p>
          {roleId ? <SubmitResult roleId={roleId} talent={{ id: node.id, name: node.name }} /> : null}
        </li>
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <li>
          <button type="button" className="secondary" onClick={() => onMore(pageInfo.endCursor as string)}>
            More talent
          </button>
        </li>
      ) : null}
    </>
  );
}

const EMPTY: SearchForm = { text: '', union: '', ageMin: '', ageMax: '', skills: '', languages: '', homeBase: '', availableOn: '' };

export function TalentSearch({ roleId }: { roleId: string | null }) {
  const [form, setForm] = useState<SearchForm>(EMPTY);
  const [args, setArgs] = useState<ReturnType<typeof toSearch> | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const set = (k: keyof SearchForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  function search(e: FormEvent) {
    e.preventDefault();
    setArgs(toSearch(form));
    setCursors([null]);
  }

  return (
    <div className="split">
      <section aria-labelledby="search-title">
        <h1 id="search-title" tabIndex={-1}>
          Talent search
        </h1>
        {roleId ? (
          <p className="hint">
            Submitting for a role: <Link to={`/roles/${encodeURIComponent(roleId)}`}>back to its casting board</Link>.
          </p>
        ) : null}
        {args ? (
          <ul className="list" aria-label="Search results">
            {cursors.map((after, i) => (
              <Results key={`${JSON.stringify(args)}-${after ?? ''}`} args={args} roleId={roleId} after={after} isLast={i === cursors.length - 1} onMore={(c) => setCursors((cs) => [...cs, c])} />
            ))}
          </ul>
        ) : (
          <p className="hint">Search by name, skills or bio, and narrow with the filters.</p>
        )}
      </section>
      <form onSubmit={search} className="card" aria-label="Search talent" noValidate>
        <TextField id="search-text" label="Words" value={form.text} onChange={set('text')} type="search" />
        <SelectField id="search-union" label="Union status" value={form.union} onChange={set('union')} options={UNION} />
        <div className="row">
          <TextField id="search-age-min" label="Age from" inputMode="numeric" value={form.ageMin} onChange={set('ageMin')} />
          <TextField id="search-age-max" label="Age to" inputMode="numeric" value={form.ageMax} onChange={set('ageMax')} />
        </div>
        <TextField id="search-skills" label="Skills" value={form.skills} onChange={set('skills')} hint="Comma-separated; every one must match." />
        <TextField id="search-languages" label="Languages" value={form.languages} onChange={set('languages')} />
        <TextField id="search-home" label="Home base" value={form.homeBase} onChange={set('homeBase')} />
        <TextField id="search-available" label="Available on" value={form.availableOn} onChange={set('availableOn')} hint="YYYY-MM-DD dates, comma-separated." />
        <button type="submit">Search</button>
      </form>
    </div>
  );
}
