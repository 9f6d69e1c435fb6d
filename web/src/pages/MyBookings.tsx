import { useQuery } from 'urql';
import { MyBookingsQuery } from '../operations';
import { StatusBadge } from '../components/Form';
import { describeError, formatMoney } from '../userErrors';

export function MyBookings({ talentId }: { talentId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: MyBookingsQuery, variables: { talentId } });
  if (error && !data) return <p role="alert" className="form-error">{describeError(error)}</p>;
  if (!data) return fetching ? <p aria-busy="true">Loading your bookings…</p> : null;
  const mine = data.productions.edges.flatMap(({ node }) =>
    node.bookings.filter((b) => b.talent?.id === talentId).map((b) => ({ production: node, booking: b })),
  );
  return (
    <div className="narrow">
      <h1 tabIndex={-1}>My bookings</h1>
      {data.talent ? (
        <p>
          {data.talent.name}
          {data.talent.email ? <span className="hint"> · {data.talent.email}</span> : null}
        </p>
      ) : null}
      {mine.length ? (
        <ul className="list" aria-label="My bookings">
          {mine.map(({ production, booking }) => (
            <li key={booking.id} className="card booking">
              <div className="booking-head">
                <strong>{production.title}</strong> <StatusBadge status={booking.status} />
              </div>
              <p>
                {booking.role?.name ?? 'Role'}
                {booking.role ? <> · {formatMoney(booking.role.rate.amount, booking.role.rate.currency)} {booking.role.rate.unit.toLowerCase()}</> : null}
              </p>
              <p className="hint">
                {booking.workDates.join(', ')} ({production.timezone})
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No bookings yet.</p>
      )}
    </div>
  );
}
