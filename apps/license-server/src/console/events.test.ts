import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_FILE, EventLog, eventsCsv } from './events.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ls-events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the console event log', () => {
  it('is kept across a restart, newest first, filtered; a line a crash cut short is skipped', async () => {
    let now = new Date('2026-06-01T00:00:00.000Z');
    const clock = () => now;
    const log = await EventLog.open({ dir, now: clock });
    log.record({ kind: 'registered', nodeId: 'a', peer: '10.0.0.1' });
    now = new Date(now.getTime() + 1000);
    log.record({ kind: 'refused', nodeId: 'b', codes: [30007, 30003] });
    await log.flush();
    await writeFile(join(dir, EVENTS_FILE), `${await readFile(join(dir, EVENTS_FILE), 'utf8')}{"at":"2026-06-01T00:0`);
    const again = await EventLog.open({ dir, now: clock });
    expect(again.list().map((e) => e.nodeId)).toEqual(['b', 'a']);
    expect(again.list({ kind: 'refused' })).toEqual([{ at: '2026-06-01T00:00:01.000Z', kind: 'refused', nodeId: 'b', codes: [30007, 30003] }]);
    expect(again.list({ nodeId: 'a', from: '2026-06-01T00:00:00.500Z' })).toEqual([]);
  });

  it('keeps the retention and the count it is given', async () => {
    const own = await mkdtemp(join(dir, 'bounded-'));
    let now = new Date('2026-06-01T00:00:00.000Z');
    const log = await EventLog.open({ dir: own, now: () => now, retentionDays: 2, maxEvents: 50 });
    for (let i = 0; i < 200; i += 1) log.record({ kind: 'usage', data: { inUse: i } });
    await log.flush();
    expect(log.list().length).toBeLessThanOrEqual(55);
    expect(log.list()[0]?.data?.inUse).toBe(199);
    now = new Date(now.getTime() + 3 * 864e5);
    expect(log.list()).toEqual([]);
    const reopened = await EventLog.open({ dir: own, now: () => now, retentionDays: 2, maxEvents: 50 });
    expect(reopened.list()).toEqual([]);
    expect(await readFile(join(own, EVENTS_FILE), 'utf8')).toBe('');
  });

  it('exports CSV that a spreadsheet cannot run as formulas', () => {
    const csv = eventsCsv([{ at: '2026-06-01T00:00:00.000Z', kind: 'registered', nodeId: '=HYPERLINK("x")', peer: '10.0.0.1', data: { note: 'a, "b"' } }]);
    expect(csv).toBe('time,event,node,address,codes,details\r\n2026-06-01T00:00:00.000Z,registered,"\'=HYPERLINK(""x"")",10.0.0.1,,"note=a, ""b"""\r\n');
  });
});
