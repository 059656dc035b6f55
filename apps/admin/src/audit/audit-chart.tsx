import { Group, Text, VisuallyHidden, em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useId } from 'react';

export interface ChartBucket {
  start: Date;
  end: Date;
  requests: number;
  denied: number;
}

/** Drawing sizes in SVG units; a phone draws a narrower picture so its text stays readable at the screen's width. */
const WIDE = { width: 720, labels: 8 };
const NARROW = { width: 360, labels: 4 };
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 40 };
const REQUESTS_COLOR = 'var(--mantine-color-indigo-6)';
const DENIED_COLOR = 'var(--mantine-color-red-6)';

/** A round ceiling for the y axis (1, 2 or 5 times a power of ten), so its labels are easy to read. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** A bucket's start, as short as the bucket size allows. */
export function bucketLabel(start: Date, spanMs: number): string {
  if (spanMs >= 86_400_000) return start.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return start.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * Requests and denials per time bucket, as grouped bars drawn in SVG. Screen readers get the same numbers as a table;
 * the picture itself is one labelled image.
 */
export function AuditChart({ buckets, caption }: { buckets: ChartBucket[]; caption: string }) {
  const id = useId();
  const compact = useMediaQuery(`(max-width: ${em(575)})`, false, { getInitialValueInEffect: false });
  const { width: WIDTH, labels } = compact ? NARROW : WIDE;
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.requests)));
  // Counts are whole: a half-way line only where it falls on a whole number.
  const ticks = Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(buckets.length, 1);
  const bar = Math.max(1, slot * 0.38);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const span = buckets.length ? buckets[0].end.getTime() - buckets[0].start.getTime() : 0;
  // A handful of labels along the x axis, so they never overlap.
  const every = Math.max(1, Math.ceil(buckets.length / labels));
  const totalRequests = buckets.reduce((n, b) => n + b.requests, 0);
  const totalDenied = buckets.reduce((n, b) => n + b.denied, 0);

  return (
    <figure style={{ margin: 0 }} aria-labelledby={`${id}-caption`}>
      <Group justify="space-between" align="baseline" wrap="wrap" gap="xs">
        <Text id={`${id}-caption`} component="figcaption" fw={600} size="sm">
          {caption}
        </Text>
        <Group gap="md" aria-hidden="true">
          <Group gap={6}>
            <svg width="12" height="12">
              <rect width="12" height="12" rx="2" fill={REQUESTS_COLOR} />
            </svg>
            <Text size="xs">Requests ({totalRequests})</Text>
          </Group>
          <Group gap={6}>
            <svg width="12" height="12">
              <rect width="12" height="12" rx="2" fill={DENIED_COLOR} />
            </svg>
            <Text size="xs">Denied ({totalDenied})</Text>
          </Group>
        </Group>
      </Group>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`${caption}: ${totalRequests} requests, ${totalDenied} denied`}
        style={{ display: 'block', maxHeight: 260 }}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(tick)}
              y2={y(tick)}
              stroke="var(--mantine-color-default-border)"
            />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="var(--mantine-color-dimmed)">
              {tick}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          const x = PAD.left + i * slot + (slot - 2 * bar) / 2;
          return (
            <g key={b.start.getTime()}>
              <title>{`${bucketLabel(b.start, span)}: ${b.requests} requests, ${b.denied} denied`}</title>
              <rect
                x={x}
                y={y(b.requests)}
                width={bar}
                height={Math.max(0, PAD.top + plotH - y(b.requests))}
                fill={REQUESTS_COLOR}
                rx="1"
              />
              <rect
                x={x + bar}
                y={y(b.denied)}
                width={bar}
                height={Math.max(0, PAD.top + plotH - y(b.denied))}
                fill={DENIED_COLOR}
                rx="1"
              />
              {i % every === 0 && (
                <text
                  x={PAD.left + i * slot + slot / 2}
                  y={HEIGHT - 8}
                  textAnchor="middle"
                  fontSize="11"
                  fill="var(--mantine-color-dimmed)"
                >
                  {bucketLabel(b.start, span)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <VisuallyHidden>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Requests</th>
              <th scope="col">Denied</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start.getTime()}>
                <th scope="row">{b.start.toLocaleString()}</th>
                <td>{b.requests}</td>
                <td>{b.denied}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </figure>
  );
}
