// The managers' visit-coordination figures: months cut in Copenhagen time, counts per service, savings from the per-visit estimates, and the CSV Danish Excel opens.
import { describe, expect, it } from 'vitest';
import { visitStats, type StatsRow, type VisitEvent } from '../../src/domain/visitStats.js';

const perVisit = { km: 12, staffHours: 1 };
const ev = (at: string, service: string, kind: VisitEvent['kind']): VisitEvent => ({ at, service, kind });

describe('visitStats', () => {
  it('cuts months in Copenhagen time: 31 January 23:30 UTC is February, 22:59 UTC is still January', () => {
    const rows = visitStats([ev('2026-01-31T23:30:00Z', 'demens', 'planned'), ev('2026-01-31T22:59:00Z', 'demens', 'planned')], perVisit);
    expect(rows.map((r) => [r.month, r.planned])).toEqual([
      ['2026-01', 1],
      ['2026-02', 1],
    ]);
  });

  it('in summer the month turns at 22:00 UTC, and the new year at 23:00 UTC', () => {
    const rows = visitStats(
      [
        ev('2026-06-30T21:59:00Z', 'netvaerk', 'planned'),
        ev('2026-06-30T22:00:00Z', 'netvaerk', 'planned'),
        ev('2026-12-31T22:59:00Z', 'netvaerk', 'planned'),
        ev('2026-12-31T23:00:00Z', 'netvaerk', 'planned'),
      ],
      perVisit,
    );
    expect(rows.map((r) => r.month)).toEqual(['2026-06', '2026-07', '2026-12', '2027-01']);
  });

  it('counts each kind per month and service, and saves km and hours only for avoided visits', () => {
    const events = [
      ...Array.from({ length: 5 }, () => ev('2026-03-10T09:00:00Z', 'forebyggende', 'planned')),
      ...Array.from({ length: 3 }, () => ev('2026-03-10T09:00:00Z', 'forebyggende', 'overlapFound')),
      ev('2026-03-11T09:00:00Z', 'forebyggende', 'avoidedJoint'),
      ev('2026-03-12T09:00:00Z', 'forebyggende', 'avoidedHandedOver'),
      ev('2026-03-13T09:00:00Z', 'forebyggende', 'keptWithReason'),
    ];
    expect(visitStats(events, perVisit)).toEqual<StatsRow[]>([
      { month: '2026-03', service: 'forebyggende', planned: 5, doubleFound: 3, avoidedJoint: 1, avoidedHandedOver: 1, keptWithReason: 1, kmSaved: 24, hoursSaved: 2 },
    ]);
  });

  it('sorts by month, then service, whatever the event order', () => {
    const events = [
      ev('2026-04-02T09:00:00Z', 'aktivitetscenter', 'planned'),
      ev('2026-03-02T09:00:00Z', 'netvaerk', 'planned'),
      ev('2026-04-02T09:00:00Z', 'demens', 'planned'),
      ev('2026-03-02T09:00:00Z', 'demens', 'planned'),
    ];
    expect(visitStats(events, perVisit).map((r) => `${r.month} ${r.service}`)).toEqual(['2026-03 demens', '2026-03 netvaerk', '2026-04 aktivitetscenter', '2026-04 demens']);
  });

  it('rounds the savings to one decimal', () => {
    const events = Array.from({ length: 3 }, () => ev('2026-03-10T09:00:00Z', 'demens', 'avoidedJoint'));
    const [row] = visitStats(events, { km: 12.345, staffHours: 0.75 });
    expect(row).toMatchObject({ kmSaved: 37, hoursSaved: 2.3 });
    const [one] = visitStats(events.slice(0, 1), { km: 0.35, staffHours: 1 / 3 });
    expect(one).toMatchObject({ kmSaved: 0.4, hoursSaved: 0.3 });
  });

  it('no events, no rows', () => {
    expect(visitStats([], perVisit)).toEqual([]);
  });
});
