import type { DemoEvent } from '../../lib/dashboard-types.js';
import { formatTimeOfDay } from './format.js';

const SOURCE_LABEL: Record<DemoEvent['source'], string> = { express: 'Express', nest: 'NestJS', next: 'Next.js', demo: 'You' };

/** Every grant, retry and error of the three clients, newest first, with what the dashboard's controls did. */
export function Timeline({ events }: { events: DemoEvent[] }) {
  return (
    <section className="card panel timeline" data-testid="timeline">
      <h2>Timeline</h2>
      {events.length === 0 ? (
        <p className="muted timeline__empty">
          Nothing yet. Each adapter logs in lazily, on its first call: press one of the buttons above.
        </p>
      ) : (
        <ol>
          {events.map((event) => (
            <li
              key={event.id}
              className={`event event--${event.kind}`}
              data-testid="timeline-event"
              data-kind={event.kind}
              data-source={event.source}
            >
              <time dateTime={new Date(event.at).toISOString()} suppressHydrationWarning>
                {formatTimeOfDay(event.at)}
              </time>
              <span className={`source source--${event.source}`}>{SOURCE_LABEL[event.source]}</span>
              <div>
                <strong>{event.title}</strong>
                {event.detail !== '' && <span className="event__detail">{event.detail}</span>}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
