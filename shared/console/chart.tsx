/**
 * Accepted vs refused requests per hour, drawn on the server as inline SVG: no client script, and
 * nothing the page's Content-Security-Policy would have to allow (presentation attributes only, no
 * `style`). Readable without colour: accepted bars are solid, refused bars are striped and outlined,
 * the legend says so in words, each bar has a text title, and the same numbers follow as a table.
 */
import type { FC } from 'hono/jsx';
import type { StatsHour } from '../control/responses';

/** One hour of `GET /v1/events/stats`, as far as the chart draws it: the hour's start (ISO) and its counts. */
export type HourCount = Pick<StatsHour, 'hour' | 'accepted' | 'refused'>;

const WIDTH = 720;
const HEIGHT = 220;
// The left margin holds the y ticks at a phone's larger type too (console.css scales chart text there).
const MARGIN = { top: 12, right: 12, bottom: 36, left: 56 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Dark enough to pass contrast on white as text and as a graphic. */
const ACCEPTED_FILL = '#1e40af';
const REFUSED_STROKE = '#991b1b';
const AXIS = '#374151';

/** `14:00` in UTC: the hours in the stats are UTC, and the page says so. */
export function hourLabel(iso: string): string {
  return `${iso.slice(11, 13)}:00`;
}

/** A round top for the y axis, so its ticks are whole numbers a person reads at a glance. */
export function axisTop(max: number): number {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const top = Math.ceil(max / (step * magnitude)) * step * magnitude;
    if (top / (step * magnitude) <= 5) return top;
  }
  return Math.ceil(max / magnitude) * magnitude;
}

/** The one-sentence reading of the chart, for its accessible description and for sighted readers. */
export function chartSummary(hours: readonly HourCount[]): string {
  const accepted = hours.reduce((n, h) => n + h.accepted, 0);
  const refused = hours.reduce((n, h) => n + h.refused, 0);
  const span = `the last ${hours.length} hour${hours.length === 1 ? '' : 's'}`;
  if (accepted + refused === 0) return `No requests in ${span}.`;
  const worst = hours.reduce<HourCount | undefined>((w, h) => (h.refused > (w?.refused ?? 0) ? h : w), undefined);
  const peak = worst === undefined ? '' : ` Most refusals at ${hourLabel(worst.hour)} UTC (${worst.refused}).`;
  return `${accepted} accepted and ${refused} refused in ${span}.${peak}`;
}

export const RequestsPerHourChart: FC<{ hours: readonly HourCount[]; idPrefix?: string }> = ({ hours, idPrefix = 'requests-chart' }) => {
  const top = axisTop(Math.max(0, ...hours.map((h) => Math.max(h.accepted, h.refused))));
  const slot = PLOT_WIDTH / Math.max(hours.length, 1);
  const barWidth = Math.max(2, (slot - 4) / 2);
  const y = (n: number) => MARGIN.top + PLOT_HEIGHT - (n / top) * PLOT_HEIGHT;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(top * f));
  const labelEvery = hours.length > 12 ? 3 : 1;
  const summary = chartSummary(hours);
  const ids = { title: `${idPrefix}-title`, desc: `${idPrefix}-desc`, stripes: `${idPrefix}-stripes` };
  return (
    <figure class="requests-chart">
      <figcaption>
        <span id={ids.title}>Accepted and refused requests per hour (UTC)</span>
        <ul class="chart-legend">
          <li>
            <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
              <rect width="14" height="14" fill={ACCEPTED_FILL} />
            </svg>{' '}
            Accepted (solid bars)
          </li>
          <li>
            <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
              <rect x="0.5" y="0.5" width="13" height="13" fill={`url(#${ids.stripes})`} stroke={REFUSED_STROKE} />
            </svg>{' '}
            Refused (striped bars)
          </li>
        </ul>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-labelledby={ids.title} aria-describedby={ids.desc} class="chart">
        <desc id={ids.desc}>{summary}</desc>
        <defs>
          <pattern id={ids.stripes} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#ffffff" />
            <rect width="3" height="6" fill={REFUSED_STROKE} />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} stroke="#d1d5db" stroke-width="1" />
            <text x={MARGIN.left - 6} y={y(t) + 4} text-anchor="end" font-size="11" fill={AXIS}>
              {t}
            </text>
          </g>
        ))}
        {hours.map((h, i) => {
          const x = MARGIN.left + i * slot + 2;
          const label = `${hourLabel(h.hour)} UTC`;
          return (
            <g>
              <rect x={x} y={y(h.accepted)} width={barWidth} height={y(0) - y(h.accepted)} fill={ACCEPTED_FILL}>
                <title>{`${label}: ${h.accepted} accepted`}</title>
              </rect>
              <rect x={x + barWidth} y={y(h.refused)} width={barWidth} height={y(0) - y(h.refused)} fill={`url(#${ids.stripes})`} stroke={REFUSED_STROKE} stroke-width="1">
                <title>{`${label}: ${h.refused} refused`}</title>
              </rect>
              {i % labelEvery === 0 ? (
                // On a phone every other label is dropped (class minor), so the larger ones do not overlap.
                <text x={x + barWidth} y={HEIGHT - MARGIN.bottom + 16} text-anchor="middle" font-size="11" fill={AXIS} class={i % (labelEvery * 2) === 0 ? 'hour-label' : 'hour-label minor'}>
                  {hourLabel(h.hour)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} stroke={AXIS} stroke-width="1" />
      </svg>
      <p class="chart-summary">{summary}</p>
      <details class="chart-table">
        <summary>The same numbers as a table</summary>
        <table tabindex={0}>
          <thead>
            <tr>
              <th scope="col">Hour (UTC)</th>
              <th scope="col">Accepted</th>
              <th scope="col">Refused</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr>
                <th scope="row">
                  <time datetime={h.hour}>{`${h.hour.slice(0, 10)} ${hourLabel(h.hour)}`}</time>
                </th>
                <td>{h.accepted}</td>
                <td>{h.refused}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};
