// The sections of one production: overview (dashboard), schedule, pay, contracts.
import { Link, useLocation } from '../router';

export function ProductionTabs({ id, show }: { id: string; show: { pay: boolean; legal: boolean } }) {
  const base = `/productions/${encodeURIComponent(id)}`;
  const here = useLocation().pathname;
  const tabs = [
    { to: base, label: 'Overview' },
    { to: `${base}/schedule`, label: 'Schedule' },
    ...(show.pay ? [{ to: `${base}/pay`, label: 'Pay' }] : []),
    ...(show.legal ? [{ to: `${base}/legal`, label: 'Contracts' }] : []),
  ];
  return (
    <nav aria-label="Production" className="tabs">
      <ul>
        {tabs.map((t) => (
          <li key={t.to}>
            <Link to={t.to} aria-current={here === t.to ? 'page' : undefined}>
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
