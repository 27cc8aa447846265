import { Hono } from 'hono';
import { historyQuerySchema, privateCloudRequestSchema, type HistoryEvent } from '@registration/protocol/bff-api';
import type { BffEnv } from '../env.ts';
import { validJson, validQuery } from '../middleware/validate.ts';
import { actorOf } from '../registration/history.ts';
import type { RegistrationService } from '../registration/service.ts';

/** Events per page of `GET /api/registration/events` unless `limit` says otherwise (at most 200). */
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;
/** The CSV export holds at most this many (newest first). */
const MAX_CSV = 10_000;

/** History as CSV (RFC 4180; a cell a spreadsheet would run as a formula is quoted with a leading '). */
export function historyCsv(events: readonly HistoryEvent[]): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const rows = [['time', 'node', 'by', 'action', 'outcome', 'codes', 'details']];
  for (const e of events) {
    const details = Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join('; ');
    rows.push([e.at, e.nodeId, e.actor ?? '', e.kind, e.outcome, e.reasons.map((r) => r.code).join(' '), details]);
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** `/api/registration`: state, Private Cloud submit and test, deregister (Re-register), history. */
export function registrationRoutes(service: RegistrationService) {
  const { history } = service;
  return new Hono<BffEnv>()
    .get('/', async (c) => c.json(await service.state(), 200))
    .post('/private-cloud', validJson(privateCloudRequestSchema), async (c) => {
      const { serverUrl, registrationKey } = c.req.valid('json');
      const user = c.get('user');
      // Refusals are an answer, not an error: 200 with ok:false and every node's reasons.
      const result = await history.audit(
        { kind: 'submit', actor: actorOf(user), params: { method: 'private-cloud', serverUrl } },
        () => service.registerPrivateCloud(serverUrl, user.sub, registrationKey ?? null),
        (r) => (r.ok ? { outcome: 'ok' } : { outcome: 'refused', reasons: r.failures.flatMap((f) => f.reasons) }),
      );
      return c.json(result, 200);
    })
    .post('/private-cloud/test', validJson(privateCloudRequestSchema), async (c) => {
      const { serverUrl } = c.req.valid('json');
      const result = await history.audit(
        { kind: 'test-connection', actor: actorOf(c.get('user')), params: { serverUrl } },
        () => service.testConnection(serverUrl),
        (r) => (r.ok ? { outcome: 'ok' } : { outcome: 'refused', reasons: r.reasons }),
      );
      return c.json(result, 200);
    })
    .delete('/', async (c) => {
      const user = c.get('user');
      const state = await history.audit({ kind: 're-register', actor: actorOf(user) }, () => service.deregister(user.sub));
      return c.json(state, 200);
    })
    .get('/events', validQuery(historyQuerySchema), async (c) => {
      const q = c.req.valid('query');
      const csv = q.format === 'csv';
      const limit = csv ? MAX_CSV : Math.min(MAX_PAGE, Math.max(1, Number(q.limit ?? DEFAULT_PAGE)));
      const page = await history.list({
        limit,
        ...(q.cursor === undefined ? {} : { before: q.cursor }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.node === undefined ? {} : { nodeId: q.node }),
        ...(q.from === undefined ? {} : { from: new Date(q.from) }),
        ...(q.to === undefined ? {} : { to: new Date(q.to) }),
      });
      if (!csv) return c.json(page, 200);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="registration-history.csv"`);
      // A byte-order mark, so that spreadsheet programs read the UTF-8 right.
      return c.body(`\uFEFF${historyCsv(page.events)}`, 200);
    });
}
